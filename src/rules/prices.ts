import { priceOfCell, type UnpricedReason } from '../cost/price.js';
import { TOKEN_TYPES, type TokenType, zeroTokens } from '../model.js';
import { decimalToFemto, FEMTO_DECIMALS, formatUnits } from '../money.js';
import { type PriceBook, rateAt } from '../pricing/book.js';
import type { PriceKey } from './discovery.js';
import * as q from './promql.js';
import type { Inclusion } from './usage.js';

/** One model (as the data names it) with the rates the rules embed. */
export interface PricedModel {
  key: PriceKey;
  /** The price entry it resolves to: `provider/id`, and the file that defines it. */
  entry: string;
  file: string;
  /** When the rates in force took effect (ms; -Infinity when the file gives no date). */
  since: number;
  /** Currency per 1M tokens, exact decimals as the price files (and any --fx-rate) give them. */
  rates: Partial<Record<TokenType, string>>;
  /** Types without a rate: their tokens stay unpriced, as in reports. */
  missing: TokenType[];
  /** The next dated change of this entry, when one is scheduled after `at`. */
  nextChange?: number;
  /** The entry bills long requests higher (counters cannot tell): priced at the base rate, as reports do. */
  longContext?: string;
}

export interface UnpricedModel {
  key: PriceKey;
  reason: UnpricedReason;
  detail?: string | undefined;
}

/** The prices the rules embed, resolved by the same book and rules as reports. */
export interface PriceTable {
  priced: PricedModel[];
  unpriced: UnpricedModel[];
}

const MILLION = 1_000_000;

/** A femto amount as a plain decimal without trailing zeros ("2.5", "0.075", "10"). */
function decimal(femto: bigint): string {
  const text = formatUnits(femto, FEMTO_DECIMALS);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/**
 * Resolves every (model, provider, tier) found to the rates in force at `at`: the price of 1M
 * tokens of each type, computed by `priceOfCell` (the reports' own function: provider rules,
 * service tiers, --currency), so the rules and reports never disagree on a rate.
 */
export function priceTable(book: PriceBook, keys: readonly PriceKey[], at: number): PriceTable {
  const priced: PricedModel[] = [];
  const unpriced: UnpricedModel[] = [];
  for (const key of keys) {
    const cell = { group: [], model: key.model, provider: key.provider, serviceTier: key.tierValue, slice: 0, tokens: zeroTokens() };
    const price = priceOfCell(book, cell, at);
    const rates: PricedModel['rates'] = {};
    const missing: TokenType[] = [];
    let reason: { reason: UnpricedReason; detail?: string | undefined } | undefined;
    for (const t of TOKEN_TYPES) {
      const c = price.cost(t, MILLION);
      if ('cost' in c) rates[t] = decimal(c.cost);
      else if (c.reason === 'no-rate') missing.push(t);
      else reason = c;
    }
    if (reason !== undefined || Object.keys(rates).length === 0) {
      unpriced.push({ key, reason: reason?.reason ?? 'no-rate', detail: reason?.detail });
      continue;
    }
    const found = book.resolve(key.model as string, key.provider);
    if (!('model' in found)) continue;
    const entry = found.model;
    const rate = rateAt(entry, at);
    const next = entry.rates.find((r) => r.from > at)?.from;
    priced.push({
      key,
      entry: `${entry.provider}/${entry.id}`,
      file: entry.file,
      since: rate?.from ?? Number.NEGATIVE_INFINITY,
      rates,
      missing,
      ...(next !== undefined ? { nextChange: next } : {}),
      ...(price.longContext ? { longContext: price.longContext.text } : {}),
    });
  }
  return { priced, unpriced };
}

/** Which labels the price table is keyed by, besides `type`. */
export interface JoinKeys {
  provider: boolean;
  tier: boolean;
}

/** The label names a price row is matched on. */
export function joinLabels(keys: JoinKeys): string[] {
  return ['model', ...(keys.provider ? ['provider'] : []), ...(keys.tier ? ['service_tier'] : []), 'type'];
}

/** How the rates of a price row are read: as they are, or against raw input that may include cache. */
export type RateBasis = { kind: 'canonical' } | { kind: 'raw'; inclusion: Inclusion; inclusionOf: (key: PriceKey) => ('0' | '1')[] };

/** `a - b` of two decimal strings (either may be missing: 0), exactly. */
function minus(a: string | undefined, b: string | undefined): string {
  return decimal(decimalToFemto(a ?? '0') - decimalToFemto(b ?? '0'));
}

/**
 * A row's rates against raw tokens: where input includes cache, a cache read or write is also
 * counted in input, so its rate there is its own minus the input rate (the cost of input taken
 * out once, as the ledger does). Types that neither price covers have no rate.
 */
function rawRates(m: PricedModel, inclusive: boolean): Partial<Record<TokenType, string>> {
  if (!inclusive) return m.rates;
  const out: Partial<Record<TokenType, string>> = { ...m.rates };
  for (const t of ['cached_input', 'cache_write'] as const) {
    if (m.rates[t] !== undefined || m.rates.input !== undefined) out[t] = minus(m.rates[t], m.rates.input);
  }
  return out;
}

interface Row {
  model: string;
  provider: string;
  tier: string;
  incl: string;
  type: TokenType;
  rate: string;
}

function rows(table: PriceTable, keys: JoinKeys, basis: RateBasis): Row[] {
  const out: Row[] = [];
  for (const m of table.priced) {
    if (m.key.model === undefined) continue;
    const variants: { incl: string; inclusive: boolean }[] =
      basis.kind === 'canonical' || basis.inclusion === 'none'
        ? [{ incl: '', inclusive: false }]
        : basis.inclusion === 'all'
          ? [{ incl: '', inclusive: true }]
          : basis.inclusionOf(m.key).map((v) => ({ incl: v, inclusive: v === '1' }));
    for (const v of variants) {
      const rates = rawRates(m, v.inclusive);
      for (const type of TOKEN_TYPES) {
        const rate = rates[type];
        if (rate === undefined) continue;
        const provider = keys.provider ? (m.key.provider ?? '') : '';
        const tier = keys.tier ? (m.key.tier ?? '') : '';
        out.push({ model: m.key.model, provider, tier, incl: v.incl, type, rate });
      }
    }
  }
  return out;
}

/**
 * The price table as a PromQL vector: one sample per (model, provider, tier, type), valued at the
 * rate per 1M tokens written as the exact decimal; against raw tokens (`basis.kind` raw), also
 * per `tokenspend_incl`. Rows sharing provider, tier, type and inclusion are grouped so each
 * label is set once per group; the union is a balanced tree (see `balancedUnion`). Undefined when
 * nothing is priced.
 */
export function priceVector(table: PriceTable, keys: JoinKeys, basis: RateBasis): string | undefined {
  const groups = new Map<string, { first: Row; models: string[] }>();
  for (const r of rows(table, keys, basis)) {
    const id = JSON.stringify([r.provider, r.tier, r.type, r.incl]);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { first: r, models: [] }));
    g.models.push(q.setLabel(`vector(${r.rate})`, 'model', r.model));
  }
  if (groups.size === 0) return undefined;
  const terms = [...groups.values()].map(({ first, models }) => {
    const steps = [
      ...(first.provider !== '' ? [q.setStep('provider', first.provider)] : []),
      ...(first.tier !== '' ? [q.setStep('service_tier', first.tier)] : []),
      q.setStep('type', first.type),
      ...(first.incl !== '' ? [q.setStep('tokenspend_incl', first.incl)] : []),
    ];
    return q.chain(`(\n${q.balancedUnion(models)}\n)`, steps);
  });
  return `(\n${q.balancedUnion(terms)}\n)`;
}
