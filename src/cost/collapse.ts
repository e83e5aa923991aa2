import { sumTokens, TOKEN_TYPES, type TokenType } from '../model.js';
import type { CostReport, ReportRow } from './report.js';
import { compareText } from '../text.js';

/**
 * The report with its time steps added up: one row per group (and per unpriced model), exact,
 * priced rows first, dearest first. Totals are unchanged. A report without steps is returned as is.
 */
export function withoutSteps(report: CostReport): CostReport {
  if (report.rows.every((r) => r.bucket === undefined)) return report;
  const rows = new Map<string, ReportRow>();
  for (const r of report.rows) {
    const key = `${JSON.stringify(r.group)}\u0001${r.priced}\u0001${r.unpricedReason ?? ''}`;
    let acc = rows.get(key);
    if (!acc) {
      acc = { ...r, bucket: undefined, tokens: { ...r.tokens }, cost: r.cost ? { ...r.cost } : null };
      rows.set(key, acc);
      continue;
    }
    for (const t of TOKEN_TYPES) {
      acc.tokens[t] += r.tokens[t];
      if (acc.cost && r.cost) (acc.cost as Record<TokenType, bigint>)[t] += r.cost[t];
    }
    if (acc.totalCost !== null && r.totalCost !== null) acc.totalCost += r.totalCost;
  }
  const list = [...rows.values()].sort(
    (a, b) =>
      Number(b.priced) - Number(a.priced) ||
      (a.totalCost === b.totalCost ? 0 : (a.totalCost ?? 0n) > (b.totalCost ?? 0n) ? -1 : 1) ||
      sumTokens(b.tokens) - sumTokens(a.tokens) ||
      compareText(JSON.stringify(a.group), JSON.stringify(b.group)),
  );
  return { ...report, rows: list, step: undefined };
}
