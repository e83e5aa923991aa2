import { TOKEN_TYPES, type TokenType } from '../model.js';
import { allocate, formatUnits, roundToUnits } from '../money.js';
import type { CostReport } from './report.js';

export interface DisplayCost {
  byType: Record<TokenType, string>;
  total: string;
}

export interface DisplayCosts {
  decimals: number;
  /** Parallel to report.rows; null for unpriced rows. */
  rows: (DisplayCost | null)[];
  totals: DisplayCost;
}

/**
 * Rounds every cost in the report to `decimals` digits so that what is printed adds up: each
 * row's types sum to the row's total, the rows sum to the grand total, and the grand total is
 * the exact total correctly rounded.
 */
export function displayCosts(report: CostReport, decimals: number): DisplayCosts {
  const priced = report.rows.map((r, i) => ({ r, i })).filter(({ r }) => r.totalCost !== null);
  const totalUnits = roundToUnits(report.totals.totalCost, decimals);
  const rowUnits = allocate(
    priced.map(({ r }) => r.totalCost as bigint),
    decimals,
    totalUnits,
  );
  const rows: (DisplayCost | null)[] = report.rows.map(() => null);
  const column: Record<TokenType, bigint> = { input: 0n, cached_input: 0n, cache_write: 0n, output: 0n };
  priced.forEach(({ r, i }, k) => {
    const cost = r.cost as Record<TokenType, bigint>;
    const parts = allocate(
      TOKEN_TYPES.map((t) => cost[t]),
      decimals,
      rowUnits[k] as bigint,
    );
    const byType = {} as Record<TokenType, string>;
    TOKEN_TYPES.forEach((t, j) => {
      byType[t] = formatUnits(parts[j] as bigint, decimals);
      column[t] += parts[j] as bigint;
    });
    rows[i] = { byType, total: formatUnits(rowUnits[k] as bigint, decimals) };
  });
  const byType = {} as Record<TokenType, string>;
  for (const t of TOKEN_TYPES) byType[t] = formatUnits(column[t], decimals);
  return { decimals, rows, totals: { byType, total: formatUnits(totalUnits, decimals) } };
}
