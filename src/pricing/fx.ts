import { usageError } from '../errors.js';
import { parsePrice, PRICE_DECIMALS } from '../money.js';

/** Report-time currency conversion: `--currency EUR --fx-rate 0.92`, or dated rates from a file. */
export interface FxTable {
  /** The price files' currency. */
  base: string;
  /** The report's currency. */
  quote: string;
  /** Units of `quote` per unit of `base`, in 1e-9 units, by effective time (ascending). */
  rates: { from: number; nano: bigint; text: string }[];
  /** `--fx-rate` or the file the rates came from. */
  source: string;
}

const RATE = /^\d+(\.\d{1,9})?$/;

/** Checks a rate written as a decimal (at most 9 decimals, more than 0). */
export function parseFxRate(text: string, where: string): bigint {
  const t = text.trim();
  if (!RATE.test(t) || parsePrice(t) === 0n)
    throw usageError(`${where}: expected a rate like 0.92 (more than 0, at most 9 decimals), got "${text}"`);
  return parsePrice(t);
}

/** The rate in force at `t` (the last with from ≤ t); before the first, undefined. */
export function fxRateAt(fx: FxTable, t: number): { nano: bigint; text: string } | undefined {
  let found: { nano: bigint; text: string } | undefined;
  for (const r of fx.rates) {
    if (r.from <= t) found = r;
    else break;
  }
  return found;
}

const SCALE = 10n ** BigInt(PRICE_DECIMALS);

/** Femto-units of the base currency as femto-units of the quote, rounded half away from zero. */
export function convertFemto(femto: bigint, rateNano: bigint): bigint {
  const p = femto * rateNano;
  const q = p / SCALE;
  const r = p % SCALE;
  if (r * 2n >= SCALE) return q + 1n;
  if (r * 2n <= -SCALE) return q - 1n;
  return q;
}

/** Plain words for every output: "converted from USD at 0.92 EUR per USD (--fx-rate)". */
export function describeFx(fx: FxTable): string {
  if (fx.rates.length === 1 && !Number.isFinite(fx.rates[0]?.from ?? 0))
    return `amounts converted from ${fx.base} to ${fx.quote} at ${fx.rates[0]?.text} ${fx.quote} per ${fx.base} (${fx.source}), at report time`;
  const dated = fx.rates.map(
    (r) =>
      `${r.text} from ${new Date(r.from)
        .toISOString()
        .replace(/T00:00:00\.000Z$/, '')
        .replace(/\.000Z$/, 'Z')}`,
  );
  const shown = dated.length > 4 ? [dated[0], `… ${dated.length - 2} more …`, dated[dated.length - 1]] : dated;
  return `amounts converted from ${fx.base} to ${fx.quote} at the rate in force for each time slice (${fx.quote} per ${fx.base}: ${shown.join(', ')}; ${fx.source}), at report time`;
}
