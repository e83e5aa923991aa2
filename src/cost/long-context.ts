import type { CellHistogram } from '../ledger/histograms.js';
import { costOf } from '../money.js';
import { TOKEN_TYPES, type TokenCounts, type TokenType } from '../model.js';
import type { ContextTier, TypePrices } from '../pricing/book.js';

/**
 * Bounds on what one cell cost when its model bills a whole request above a threshold at higher
 * rates, from the request-size histogram of the same series (docs/pricing.md, "Long-context
 * tiers"). Each bucket `le` counts requests with at most `le` input tokens, so:
 * - requests in buckets whose upper edge is at or below the threshold surely stayed below it, and
 *   each holds more input than its bucket's lower edge;
 * - requests in buckets whose lower edge is at or above the threshold surely crossed it, and each
 *   holds more input than that lower edge;
 * - the rest may have crossed it or not.
 * The least cost puts only the sure crossers' least input on the cheapest types' surcharge; the
 * most puts every token not held by a sure stayer on the dearest, and as much output as the
 * largest possible crossers can have (from the output histogram, else all of it).
 */
export interface ContextBound {
  /** Femto-units per type over the base cost: the least the cell can have cost. */
  low: Record<TokenType, bigint>;
  /** Femto-units over the base cost: the most. */
  high: bigint;
}

interface Layout {
  /** Finite upper edges, ascending, and the requests at or below each. */
  edges: number[];
  cumulative: number[];
  total: number;
}

/** The histogram as ascending edges with cumulative counts; undefined without a `+Inf` bucket or when counts go down. */
function layout(m: Map<number, number>): Layout | undefined {
  const total = m.get(Number.POSITIVE_INFINITY);
  if (total === undefined) return undefined;
  const edges = [...m.keys()].filter((e) => Number.isFinite(e)).sort((a, b) => a - b);
  const cumulative = edges.map((e) => m.get(e) as number);
  for (let i = 0; i < cumulative.length; i++) if ((cumulative[i] as number) > (cumulative[i + 1] ?? total)) return undefined;
  return { edges, cumulative, total };
}

/** Requests in bucket i (i = edges.length is the `+Inf` bucket) and the least input each holds. */
function bucket(l: Layout, i: number): { count: number; least: number } {
  const below = i === 0 ? 0 : (l.cumulative[i - 1] as number);
  const upTo = i < l.edges.length ? (l.cumulative[i] as number) : l.total;
  return { count: upTo - below, least: i === 0 ? 0 : Math.floor(l.edges[i - 1] as number) + 1 };
}

/** The most tokens `k` requests can hold, from the largest buckets down; undefined when some fall in `+Inf`. */
function largest(l: Layout, k: number): number | undefined {
  let left = k;
  let sum = 0;
  for (let i = l.edges.length; i >= 0 && left > 0; i--) {
    const { count } = bucket(l, i);
    const take = Math.min(count, left);
    if (take === 0) continue;
    if (i === l.edges.length) return undefined;
    sum += take * (l.edges[i] as number);
    left -= take;
  }
  return sum;
}

type Pick = { type: TokenType; delta: bigint; tokens: number };

/** Tokens per type whose surcharge is least (or most), taking between `lo` and `hi` tokens in all. */
function allocate(picks: Pick[], lo: number, hi: number, want: 'min' | 'max'): Map<TokenType, number> {
  const sorted = [...picks].sort((a, b) => (a.delta === b.delta ? 0 : a.delta < b.delta === (want === 'min') ? -1 : 1));
  const out = new Map<TokenType, number>();
  let sum = 0;
  for (const p of sorted) {
    if (want === 'min' ? p.delta >= 0n : p.delta <= 0n) continue;
    const take = Math.max(0, Math.min(p.tokens, hi - sum));
    out.set(p.type, take);
    sum += take;
  }
  for (const p of sorted) {
    if (sum >= lo) break;
    const have = out.get(p.type) ?? 0;
    const take = Math.min(p.tokens - have, lo - sum);
    out.set(p.type, have + take);
    sum += take;
  }
  return out;
}

/** Input that requests above the threshold surely hold (low) and may hold at most (high); undefined when the buckets cannot tell. */
function inputRange(l: Layout, above: number, held: number): { lo: number; hi: number; mayCross: number } | undefined {
  const stayed = l.edges.filter((e) => e <= above).length; // buckets 0…stayed−1 stayed below
  if (stayed === 0) return undefined;
  const crossedFrom = l.edges.findIndex((e) => e >= above) + 1; // buckets from here on crossed
  let lo = 0;
  let least = 0;
  for (let i = 0; i <= l.edges.length; i++) {
    const b = bucket(l, i);
    if (i < stayed) least += b.count * b.least;
    else if (crossedFrom > 0 && i >= crossedFrom) lo += b.count * b.least;
  }
  const mayCross = l.total - (l.cumulative[stayed - 1] as number);
  const hi = mayCross === 0 ? 0 : Math.max(0, Math.min(held, held - least));
  return lo > hi ? undefined : { lo, hi, mayCross };
}

/** The bound for one cell at one long-context tier; undefined where the histogram does not allow one. */
export function contextBound(
  tokens: TokenCounts,
  base: TypePrices,
  tier: ContextTier,
  h: CellHistogram,
  convert: (femto: bigint) => bigint,
): ContextBound | undefined {
  const input = layout(h.input);
  if (!input) return undefined;
  const measured: TokenType[] = h.inclusive ? ['input', 'cached_input', 'cache_write'] : ['input'];
  const held = measured.reduce((n, t) => n + tokens[t], 0);
  let range = inputRange(input, tier.above, held);
  if (!range) return undefined;
  // Input that excludes cache cannot show whether a small request crossed with its cache reads and
  // writes: only the sure crossers stand; any request may have crossed.
  if (!h.inclusive && tokens.cached_input + tokens.cache_write > 0) range = { lo: range.lo, hi: held, mayCross: input.total };
  const delta = (t: TokenType) => (tier.prices[t] ?? 0n) - (base.prices[t] ?? 0n);
  const extra = (t: TokenType, n: number) =>
    base.prices[t] === undefined || tier.prices[t] === undefined || n === 0
      ? 0n
      : convert(costOf(n, tier.prices[t] as bigint)) - convert(costOf(n, base.prices[t] as bigint));
  const picks = measured.map((type) => ({ type, delta: delta(type), tokens: tokens[type] }));
  const lowTokens = allocate(picks, range.lo, range.hi, 'min');
  const highTokens = allocate(picks, range.lo, range.hi, 'max');
  const output = layout(h.output);
  const outMax = range.mayCross === 0 ? 0 : Math.min(tokens.output, (output && largest(output, range.mayCross)) ?? tokens.output);
  const low = {} as Record<TokenType, bigint>;
  let high = 0n;
  for (const t of TOKEN_TYPES) {
    if (measured.includes(t)) {
      low[t] = extra(t, lowTokens.get(t) ?? 0);
      high += extra(t, highTokens.get(t) ?? 0);
    } else {
      // Unmeasured types (output, and cache where input excludes it) may have crossed in any amount up to this.
      const most = extra(t, t === 'output' ? outMax : tokens[t]);
      low[t] = most < 0n ? most : 0n;
      high += most > 0n ? most : 0n;
    }
  }
  return { low, high };
}
