import type { ReconcileResult, ReconcileRow } from '../../chargeback/reconcile.js';
import { isoTime } from '../../ledger/time.js';
import { femtoDecimal, formatMoney } from '../format.js';

/** A row's period as ISO bounds (an unbounded side as empty). */
export function periodOf(result: ReconcileResult, row: ReconcileRow): { start: string; end: string } {
  const t = (ms: number | undefined) => (ms !== undefined && Number.isFinite(ms) ? isoTime(ms) : '');
  return { start: t(result.buckets[row.bucket]), end: t(result.buckets[row.bucket + 1]) };
}

/** Amounts as plain decimals with `decimals` digits; a missing side is null. */
export function amounts(row: ReconcileRow, decimals: number): { ours: string | null; theirs: string | null; diff: string } {
  return {
    ours: row.ours ? femtoDecimal(row.ours.cost, decimals) : null,
    theirs: row.theirs ? femtoDecimal(row.theirs.cost, decimals) : null,
    diff: femtoDecimal(row.diff, decimals),
  };
}

/** `+5.0%`, `−12.3%`, or '' where theirs is missing or zero. */
export function shareText(row: ReconcileRow): string {
  if (row.share === undefined) return '';
  const pct = row.share * 100;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)}%`;
}

/** One line under the table: how many rows are in each class and what the gate says. */
export function summaryLine(result: ReconcileResult): string {
  const counts = new Map<string, number>();
  for (const r of result.rows) counts.set(r.class, (counts.get(r.class) ?? 0) + 1);
  const classes = ['matched', 'mismatch', 'only-ours', 'only-theirs'].filter((c) => counts.has(c)).map((c) => `${counts.get(c)} ${c}`);
  const verdict = result.failing === 0 ? 'all within tolerance' : `${result.failing} beyond tolerance`;
  return `${classes.join(' · ') || 'nothing to compare'} — ${verdict} (${(result.tolerance.share * 100).toFixed(2).replace(/\.?0+$/, '')}% or ${femtoDecimal(result.tolerance.amount, 2)} ${result.currency})`;
}

/** A plain decimal as money, negative with a true minus before the symbol: `−$0.27`; a missing side as `–`. */
export function signedMoney(decimal: string | null, currency: string): string {
  if (decimal === null) return '–';
  return decimal.startsWith('-') ? `−${formatMoney(decimal.slice(1), currency)}` : formatMoney(decimal, currency);
}
