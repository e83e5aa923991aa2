/**
 * Exact money. Prices are decimal strings per 1M tokens with at most 9 decimals; they are held
 * as integers of 1e-9 currency units per 1M tokens, so tokens × price is an integer number of
 * 1e-15 currency units ("femto"). Nothing is rounded until a renderer asks for digits.
 */
export const PRICE_DECIMALS = 9;
export const FEMTO_DECIMALS = 15;

/** "2.50" → 2_500_000_000n (nano-units per 1M tokens). Assumes a validated decimal string. */
export function parsePrice(decimal: string): bigint {
  const [whole, frac = ''] = decimal.split('.');
  return BigInt(whole as string) * 10n ** BigInt(PRICE_DECIMALS) + BigInt(frac.padEnd(PRICE_DECIMALS, '0') || '0');
}

/** Cost in femto-units of `tokens` at `priceNano` per 1M tokens. Tokens are whole numbers. */
export function costOf(tokens: number, priceNano: bigint): bigint {
  return BigInt(Math.round(tokens)) * priceNano;
}

/** Rounds a femto amount to `decimals` digits, half away from zero, as a count of 10^-decimals units. */
export function roundToUnits(femto: bigint, decimals: number): bigint {
  const unit = 10n ** BigInt(FEMTO_DECIMALS - decimals);
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
 * its printed rows, to the last digit.
 */
export function allocate(amounts: readonly bigint[], decimals: number, targetUnits: bigint): bigint[] {
  const unit = 10n ** BigInt(FEMTO_DECIMALS - decimals);
  const floors = amounts.map((a) => (a >= 0n ? a / unit : -((-a + unit - 1n) / unit)));
  let remaining = targetUnits - floors.reduce((s, x) => s + x, 0n);
  const order = amounts
    .map((a, i) => ({ i, rem: a - (floors[i] as bigint) * unit }))
    .sort((x, y) => (x.rem === y.rem ? x.i - y.i : x.rem > y.rem ? -1 : 1));
  const out = [...floors];
  for (let k = 0; remaining > 0n && order.length > 0; k = (k + 1) % order.length) {
    const idx = (order[k] as { i: number }).i;
    out[idx] = (out[idx] as bigint) + 1n;
    remaining--;
  }
  for (let k = order.length - 1; remaining < 0n && order.length > 0; k = (k - 1 + order.length) % order.length) {
    const idx = (order[k] as { i: number }).i;
    out[idx] = (out[idx] as bigint) - 1n;
    remaining++;
  }
  return out;
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
