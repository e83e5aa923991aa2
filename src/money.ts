/**
 * Exact money. Prices are decimal strings per 1M tokens with at most 9 decimals; they are held
 * as integers of 1e-9 currency units per 1M tokens, so tokens × price is an integer number of
 * 1e-15 currency units ("femto"). Nothing is rounded until a renderer asks for digits.
 */
export const PRICE_DECIMALS = 9;
export const FEMTO_DECIMALS = 15;

const PRICE_UNIT = 10n ** BigInt(PRICE_DECIMALS);

/** "2.50" → 2_500_000_000n (nano-units per 1M tokens). Assumes a validated decimal string. */
export function parsePrice(decimal: string): bigint {
  const [whole, frac = ''] = decimal.split('.');
  return BigInt(whole as string) * PRICE_UNIT + BigInt(frac.padEnd(PRICE_DECIMALS, '0') || '0');
}

/** Cost in femto-units of `tokens` at `priceNano` per 1M tokens. Tokens are whole numbers. */
export function costOf(tokens: number, priceNano: bigint): bigint {
  return BigInt(Math.round(tokens)) * priceNano;
}

/** 10^(15 − decimals) femto-units: one unit of the last printed digit. */
const UNIT_OF: bigint[] = [];
function unitOf(decimals: number): bigint {
  return (UNIT_OF[decimals] ??= 10n ** BigInt(FEMTO_DECIMALS - decimals));
}

/** Rounds a femto amount to `decimals` digits, half away from zero, as a count of 10^-decimals units. */
export function roundToUnits(femto: bigint, decimals: number): bigint {
  const unit = unitOf(decimals);
  const q = femto / unit;
  const r = femto % unit;
  if (r * 2n >= unit) return q + 1n;
  if (r * 2n <= -unit) return q - 1n;
  return q;
}

/** "1234.5" style plain decimal (no exponent, no grouping) of `units` × 10^-decimals. */
export function formatUnits(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const s = abs.toString().padStart(decimals + 1, '0');
  const whole = s.slice(0, s.length - decimals);
  const frac = s.slice(s.length - decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${frac}` : ''}`;
}

/**
 * Rounds `amounts` (femto) to `decimals` digits so that the rounded parts add up exactly to
 * `targetUnits` (largest-remainder method). This is what makes a printed total equal the sum of
 * its printed rows, to the last digit. Each part is its floor; the units left over go one each
 * to the largest remainders (ties: the earlier part), round and round while any are left (or are
 * taken back from the smallest remainders when the floors already exceed the target).
 */
export function allocate(amounts: readonly bigint[], decimals: number, targetUnits: bigint): bigint[] {
  const out = new Array<bigint>(amounts.length);
  allocateInto(amounts, decimals, targetUnits, out, []);
  return out;
}

/** `allocate`, the parts written into `out`, `rems` a scratch array (for callers that round many small sets). */
export function allocateInto(amounts: readonly bigint[], decimals: number, targetUnits: bigint, out: bigint[], rems: number[]): void {
  const unit = unitOf(decimals);
  const n = amounts.length;
  let sum = 0n;
  for (let i = 0; i < n; i++) {
    const a = amounts[i] as bigint;
    let q = a / unit;
    let r = a % unit;
    if (r < 0n) {
      q -= 1n;
      r += unit;
    }
    out[i] = q;
    // Below the unit (at most 10^15): a double holds it exactly.
    rems[i] = Number(r);
    sum += q;
  }
  const remaining = targetUnits - sum;
  if (remaining === 0n || n === 0) return;
  const give = remaining > 0n ? remaining : -remaining;
  const each = give / BigInt(n);
  const sign = remaining > 0n ? 1n : -1n;
  if (each !== 0n) for (let i = 0; i < n; i++) out[i] = (out[i] as bigint) + sign * each;
  const extra = Number(give % BigInt(n));
  if (extra > 0) for (const i of chosen(rems, n, extra, remaining > 0n)) out[i] = (out[i] as bigint) + sign;
}

/**
 * The `extra` parts that get one more unit (`top`: the largest remainders, the earlier part first
 * among equals) or one less (the smallest remainders, the later part first among equals): the
 * ends of the remainders' order, found from the remainder at the cut (no sort of the parts).
 */
function chosen(rems: readonly number[], n: number, extra: number, top: boolean): number[] {
  const sorted = Float64Array.from(rems.slice(0, n)).sort();
  const cut = sorted[top ? n - extra : extra - 1] as number;
  const picked: number[] = [];
  // Those past the cut, then those at it: from the start (giving) or the end (taking back).
  for (let i = 0; i < n; i++) if (top ? (rems[i] as number) > cut : (rems[i] as number) < cut) picked.push(i);
  for (let k = 0; k < n && picked.length < extra; k++) {
    const i = top ? k : n - 1 - k;
    if (rems[i] === cut) picked.push(i);
  }
  return picked;
}

/** `formatUnits` of a safe integer. */
export function formatSafeUnits(units: number, decimals: number): string {
  const s = String(Math.abs(units)).padStart(decimals + 1, '0');
  const sign = units < 0 ? '-' : '';
  return decimals > 0 ? `${sign}${s.slice(0, s.length - decimals)}.${s.slice(s.length - decimals)}` : `${sign}${s}`;
}

/** An exact decimal amount in currency units ("12.5") as femto-units. */
export function decimalToFemto(decimal: string): bigint {
  const [whole, frac = ''] = decimal.split('.');
  return (
    BigInt(whole as string) * 10n ** BigInt(FEMTO_DECIMALS) + BigInt((frac.slice(0, FEMTO_DECIMALS) || '0').padEnd(FEMTO_DECIMALS, '0'))
  );
}

/** Femto-units as a float of currency units (for forecasts and shares, never for totals). */
export function femtoToNumber(femto: bigint): number {
  return Number(femto) / 10 ** FEMTO_DECIMALS;
}

/** A finite number as a plain decimal (no exponent), at most 9 digits after the point. */
export function plainDecimal(n: number): string {
  return n.toFixed(9).replace(/\.?0+$/, '');
}
