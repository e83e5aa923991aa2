import type { BudgetResult } from '../../budget/evaluate.js';
import type { SourceInfo } from '../../sources/source.js';
import { estimateText, moneyText } from '../format.js';
import { compareText } from '../../text.js';

/** What `budget check` renders: every budget's result as of one instant. */
export interface BudgetView {
  results: BudgetResult[];
  at: number;
  timezone: string;
  currency: string;
  /** Where the data came from (with request counts for servers). */
  sources: SourceInfo[];
}

/** Share of the limit spent, in percent with two decimals (exact division, then rounded down). */
export function percent(spent: bigint, limit: bigint): number {
  return limit > 0n ? Number((spent * 10_000n) / limit) / 100 : 0;
}

/** "spent 85% ($850.00 of $1,000.00); 15% remaining" — never ambiguous about which is which. */
export function usedSentence(r: BudgetResult, currency: string): string {
  if (r.burn)
    return r.burn.windows
      .map((w) => `${w.ratio.toFixed(1)}× the allowed rate over ${w.window} (${moneyText(w.spent, currency)})`)
      .join('; ');
  const used = percent(r.spent, r.limit);
  const remaining = Math.max(0, 100 - used);
  const over = r.spent > r.limit ? `; ${moneyText(r.spent - r.limit, currency)} over` : `; ${remaining.toFixed(0)}% remaining`;
  return `spent ${used.toFixed(0)}% (${moneyText(r.spent, currency)} of ${moneyText(r.limit, currency)})${over}`;
}

/** `$3,120.00 ($2,900.00–$3,400.00)`, or the point forecast alone when there is no interval. */
export function forecastText(r: BudgetResult, currency: string): string {
  if (!r.forecast) return '';
  const f = r.forecast;
  if (!Number.isFinite(f.lower)) return estimateText(f.total, currency);
  return `${estimateText(f.total, currency)} (${estimateText(f.lower, currency)}–${estimateText(f.upper, currency)})`;
}

const STATUS_ORDER: Record<BudgetResult['status'], number> = {
  breached: 0,
  'breached-by-forecast': 1,
  'no-data': 2,
  stale: 2,
  incomplete: 3,
  warn: 4,
  ok: 5,
};

/** Worst first, then by name. */
export function byStatus(results: readonly BudgetResult[]): BudgetResult[] {
  return [...results].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || compareText(a.instance, b.instance));
}
