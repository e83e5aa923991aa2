import { wallClock } from '../ledger/time.js';
import { formatUnits, roundToUnits } from '../money.js';

// Numbers, money and times as text, for every renderer.

const SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥' };

/** `$1,234.56` (or `1,234.56 CHF` where there is no common symbol) from a plain decimal. */
export function formatMoney(decimal: string, currency: string): string {
  const [whole, frac] = decimal.split('.');
  const grouped = (whole as string).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const amount = frac === undefined ? grouped : `${grouped}.${frac}`;
  const symbol = SYMBOLS[currency];
  return symbol ? `${symbol}${amount}` : `${amount} ${currency}`;
}

/** An exact amount (femto-units) as a plain decimal with `decimals` digits, rounded half away from zero. */
export function femtoDecimal(femto: bigint, decimals: number): string {
  return formatUnits(roundToUnits(femto, decimals), decimals);
}

/** An exact amount (femto-units) as money with two decimals: `$850.00`. */
export function moneyText(femto: bigint, currency: string): string {
  return formatMoney(femtoDecimal(femto, 2), currency);
}

/** An estimate (a float of currency units, e.g. a forecast) as money with two decimals. */
export function estimateText(x: number, currency: string): string {
  return formatMoney(x.toFixed(2), currency);
}

/** An exact amount as a JSON number with 6 decimals. */
export function femtoJson(femto: bigint): number {
  return Number(femtoDecimal(femto, 6));
}

/** A float for JSON, to 6 decimals; null where it is not finite. */
export function round6(x: number): number | null {
  return Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : null;
}

export { formatTokens } from '../text.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-16 00:00` in the zone, for tables. */
export function formatLocal(ms: number, zone: string): string {
  const w = wallClock(ms, zone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}`;
}

/** `2026-11-16` in the zone. */
export function formatDay(ms: number, zone: string): string {
  return formatLocal(ms, zone).slice(0, 10);
}

/** Removes colour codes, to measure what a terminal shows. */
export function stripAnsi(s: string): string {
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}
