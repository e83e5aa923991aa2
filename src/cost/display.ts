import { TOKEN_TYPES, type TokenType } from '../model.js';
import { allocate, allocateInto, formatSafeUnits, formatUnits, roundToUnits } from '../money.js';
import type { CostReport } from './report.js';

export interface DisplayCost {
  byType: Record<TokenType, string>;
  total: string;
}

/** A row's rounded costs as numbers (JSON's money): each the double nearest its decimal. */
export interface DisplayAmounts {
  byType: Record<TokenType, number>;
  total: number;
}

export interface DisplayCosts {
  decimals: number;
  /** Row i's rounded costs (report.rows' order), formatted on each call; null for unpriced rows. */
  row(i: number): DisplayCost | null;
  /** The same as numbers: `Number()` of each decimal, without making the text. */
  amounts(i: number): DisplayAmounts | null;
  totals: DisplayCost;
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** Parts kept per row: the token types, in TOKEN_TYPES' order, then the total. */
const PARTS = TOKEN_TYPES.length + 1;

/**
 * Rounds every cost in the report to `decimals` digits so that what is printed adds up: each
 * row's types sum to the row's total, the rows sum to the grand total, and the grand total is
 * the exact total correctly rounded. Reports can have hundreds of thousands of rows: the rounded
 * parts are kept as doubles in one array (BigInts for a row with a part past 2^53) and turned
 * into text only when a renderer asks for the row.
 */
export function displayCosts(report: CostReport, decimals: number): DisplayCosts {
  const at: number[] = [];
  const totals: bigint[] = [];
  report.rows.forEach((r, i) => {
    if (r.totalCost === null) return;
    at.push(i);
    totals.push(r.totalCost);
  });
  const totalUnits = roundToUnits(report.totals.totalCost, decimals);
  const rowUnits = allocate(totals, decimals, totalUnits);
  const units = new Float64Array(report.rows.length * PARTS).fill(Number.NaN);
  const big = new Map<number, bigint[]>();
  const column = TOKEN_TYPES.map(() => 0n);
  const amounts: bigint[] = [];
  const parts: bigint[] = [];
  const rems: number[] = [];
  at.forEach((i, k) => {
    const cost = (report.rows[i] as CostReport['rows'][number]).cost as Record<TokenType, bigint>;
    TOKEN_TYPES.forEach((t, j) => {
      amounts[j] = cost[t];
    });
    allocateInto(amounts, decimals, rowUnits[k] as bigint, parts, rems);
    parts[PARTS - 1] = rowUnits[k] as bigint;
    let safe = true;
    for (let j = 0; j < PARTS; j++) {
      const p = parts[j] as bigint;
      if (j < PARTS - 1) column[j] = (column[j] as bigint) + p;
      if (p > SAFE || p < -SAFE) safe = false;
    }
    if (!safe) big.set(i, [...parts]);
    else for (let j = 0; j < PARTS; j++) units[i * PARTS + j] = Number(parts[j]);
  });
  const text = <T>(part: (j: number) => T) => ({
    byType: { input: part(0), cached_input: part(1), cache_write: part(2), output: part(3) },
    total: part(PARTS - 1),
  });
  // A safe integer over a power of ten that is itself exact (up to 10^22): the division rounds
  // once, to the double nearest the decimal, which is what parsing the decimal gives.
  const scale = 10 ** decimals;
  // (NaN: an unpriced row; undefined: no such row.)
  const priced = (i: number) => !Number.isNaN(units[i * PARTS] ?? Number.NaN);
  return {
    decimals,
    row(i) {
      const b = big.get(i);
      if (b) return text((j) => formatUnits(b[j] as bigint, decimals));
      if (!priced(i)) return null;
      return text((j) => formatSafeUnits(units[i * PARTS + j] as number, decimals));
    },
    amounts(i) {
      const b = big.get(i);
      if (b) return text((j) => Number(formatUnits(b[j] as bigint, decimals)));
      if (!priced(i)) return null;
      return text((j) => (units[i * PARTS + j] as number) / scale);
    },
    totals: text((j) => formatUnits(j < PARTS - 1 ? (column[j] as bigint) : totalUnits, decimals)),
  };
}
