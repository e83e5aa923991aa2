import type { UsageCell } from '../ledger/store.js';
import type { TokenType } from '../model.js';
import { costOf, formatUnits, PRICE_DECIMALS } from '../money.js';
import { type ContextTier, type PriceBook, type Rate, rateAt, tierPrices, type TypePrices } from '../pricing/book.js';
import { convertFemto, fxRateAt } from '../pricing/fx.js';

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

/** The rates that price one cell: its model (by name and provider label), the slice's time and its service tier. */
export function priceOfCell(book: PriceBook, cell: UsageCell, t: number): CellPrice {
  if (cell.model === undefined) return unpriced('no-model');
  const found = book.resolve(cell.model, cell.provider);
  if (!('model' in found)) {
    if (found.reason === 'ambiguous-provider') return unpriced('ambiguous-provider', `listed by ${found.providers?.join(', ')}`);
    return found.provider ? unpriced('provider-has-no-price', found.provider) : unpriced('unknown-model');
  }
  const rate = rateAt(found.model, t);
  if (!rate) return unpriced('before-first-price');
  const tier = cell.serviceTier === undefined ? 'standard' : (book.tierValues[cell.serviceTier] ?? undefined);
  const prices = tier === undefined ? undefined : tierPrices(rate, tier);
  if (!prices) return unpriced('no-tier-rate', `service tier "${cell.serviceTier}"`);
  let fx: bigint | undefined;
  if (book.fx) {
    fx = fxRateAt(book.fx, t)?.nano;
    if (fx === undefined) return unpriced('no-fx-rate');
  }
  const convert = (femto: bigint) => (fx === undefined ? femto : convertFemto(femto, fx));
  const tiers = tier === 'standard' ? rate.context : [];
  return {
    cost(type, tokens) {
      const p = prices.prices[type];
      if (p === undefined) return { reason: 'no-rate' };
      const highest = tiers.reduce(
        (m, c) => (c.prices[type] !== undefined && (c.prices[type] as bigint) > m ? (c.prices[type] as bigint) : m),
        p,
      );
      return { cost: convert(costOf(tokens, p)), high: convert(costOf(tokens, highest)) };
    },
    ...(tiers.length > 0
      ? {
          longContext: longContextNote(found.model.provider, found.model.id, rate, book.fx?.base ?? book.currency),
          context: { base: prices, tiers, convert },
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
  const tiers = rate.context.map((c) => `above ${c.above.toLocaleString('en-US')} input tokens: ${rates(c)}`).join('; ');
  return {
    key: `${provider}/${id}`,
    text: `${id} (${provider}): base rate ${rates(rate)} ${currency} per 1M; a request ${tiers} per 1M for the whole request`,
  };
}
