import type { UsageCell } from '../ledger/store.js';
import type { TokenType } from '../model.js';
import { costOf, formatUnits, PRICE_DECIMALS } from '../money.js';
import {
  type ContextTier,
  type ModelPrice,
  type PriceBook,
  type Rate,
  rateAt,
  type ServiceTier,
  tierPrices,
  type TypePrices,
} from '../pricing/book.js';
import { convertFemto, fxRateAt } from '../pricing/fx.js';
import { formatCount } from '../text.js';

/** Why some tokens have no price. */
export type UnpricedReason =
  | 'no-model'
  | 'unknown-model'
  | 'ambiguous-provider'
  | 'provider-has-no-price'
  | 'no-rate'
  | 'no-tier-rate'
  | 'no-fx-rate'
  | 'before-first-price';

/** What one cell's tokens of one type cost (and would cost above a long-context threshold), or why they have none. */
export type TypeCost = { cost: bigint; high: bigint } | { reason: UnpricedReason; detail?: string };

export interface CellPrice {
  cost(type: TokenType, tokens: number): TypeCost;
  /** Set when the model bills long requests higher and counters cannot tell: one warning per model. */
  longContext?: { key: string; text: string };
  /** The base and long-context rates, for bounds from request-size histograms (`cost/long-context.ts`). */
  context?: { base: TypePrices; tiers: readonly ContextTier[]; convert: (femto: bigint) => bigint };
}

const unpriced = (reason: UnpricedReason, detail?: string): CellPrice => ({
  cost: () => (detail === undefined ? { reason } : { reason, detail }),
});

/** The dated rate that prices one cell: its entry, the rate in force, the service tier's prices and the FX rate applied. */
export interface CellRate {
  model: ModelPrice;
  rate: Rate;
  tier: ServiceTier;
  prices: TypePrices;
  /** Units of the report's currency per unit of the price files' (1e-9 units); undefined when nothing is converted. */
  fx: bigint | undefined;
}

/** The rate that prices one cell at `t` (its model by name and provider label, its service tier), or why there is none. */
export function rateOfCell(book: PriceBook, cell: UsageCell, t: number): CellRate | { reason: UnpricedReason; detail?: string } {
  if (cell.model === undefined) return { reason: 'no-model' };
  const found = book.resolve(cell.model, cell.provider);
  if (!('model' in found)) {
    if (found.reason === 'ambiguous-provider') return { reason: 'ambiguous-provider', detail: `listed by ${found.providers?.join(', ')}` };
    return found.provider ? { reason: 'provider-has-no-price', detail: found.provider } : { reason: 'unknown-model' };
  }
  const rate = rateAt(found.model, t);
  if (!rate) return { reason: 'before-first-price' };
  const tier = cell.serviceTier === undefined ? 'standard' : (book.tierValues[cell.serviceTier] ?? undefined);
  const prices = tier === undefined ? undefined : tierPrices(rate, tier);
  if (tier === undefined || !prices) return { reason: 'no-tier-rate', detail: `service tier "${cell.serviceTier}"` };
  let fx: bigint | undefined;
  if (book.fx) {
    fx = fxRateAt(book.fx, t)?.nano;
    if (fx === undefined) return { reason: 'no-fx-rate' };
  }
  return { model: found.model, rate, tier, prices, fx };
}

/** What `tokens` of one type cost at a price (nano-units per 1M), converted where the book converts. */
export function costAt(tokens: number, priceNano: bigint, fx: bigint | undefined): bigint {
  const femto = costOf(tokens, priceNano);
  return fx === undefined ? femto : convertFemto(femto, fx);
}

/** The rates that price one cell: its model (by name and provider label), the slice's time and its service tier. */
export function priceOfCell(book: PriceBook, cell: UsageCell, t: number): CellPrice {
  const found = rateOfCell(book, cell, t);
  if (!('model' in found)) return unpriced(found.reason, found.detail);
  const { model, rate, tier, prices, fx } = found;
  const tiers = tier === 'standard' ? rate.context : [];
  // Per type, the highest rate of any long-context tier (the base rate where none is higher).
  const highest: Partial<Record<TokenType, bigint>> = {};
  for (const [type, p] of Object.entries(prices.prices) as [TokenType, bigint | undefined][]) {
    if (p !== undefined)
      highest[type] = tiers.reduce(
        (m, c) => (c.prices[type] !== undefined && (c.prices[type] as bigint) > m ? (c.prices[type] as bigint) : m),
        p,
      );
  }
  return {
    cost(type, tokens) {
      const p = prices.prices[type];
      if (p === undefined) return { reason: 'no-rate' };
      const cost = costAt(tokens, p, fx);
      const high = highest[type] as bigint;
      return { cost, high: high === p ? cost : costAt(tokens, high, fx) };
    },
    ...(tiers.length > 0
      ? {
          longContext: longContextNote(model.provider, model.id, rate, book.fx?.base ?? book.currency),
          context: { base: prices, tiers, convert: (femto: bigint) => (fx === undefined ? femto : convertFemto(femto, fx)) },
        }
      : {}),
  };
}

function rates(p: TypePrices): string {
  const text = (['input', 'cached_input', 'cache_write', 'output'] as const)
    .filter((t) => p.text[t] !== undefined)
    .map((t) => `${t} ${formatUnits(p.prices[t] as bigint, PRICE_DECIMALS).replace(/\.?0+$/, '')}`);
  return text.join(', ');
}

function longContextNote(provider: string, id: string, rate: Rate, currency: string): { key: string; text: string } {
  const tiers = rate.context.map((c) => `above ${formatCount(c.above)} input tokens: ${rates(c)}`).join('; ');
  return {
    key: `${provider}/${id}`,
    text: `${id} (${provider}): base rate ${rates(rate)} ${currency} per 1M; a request ${tiers} per 1M for the whole request`,
  };
}
