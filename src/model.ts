/** Label name → value, as read from the source. */
export type Labels = Record<string, string>;

/**
 * An empty label set that inherits nothing: a label named `__proto__`, `constructor` or
 * `toString` is just a label, and a name no series has reads as undefined. Made by a constructor
 * whose prototype is an empty object without a prototype, rather than `Object.create(null)`:
 * the same lookups, but V8 keeps such objects in its fast (shape-sharing) layout instead of a
 * hash table, which makes building a million label sets about a fifth quicker.
 */
const LabelSet = function LabelSet() {} as unknown as new () => Labels;
LabelSet.prototype = Object.create(null) as Labels;
export const emptyLabels = (): Labels => new LabelSet();

/** One sample of one series as a source produced it. */
export interface Sample {
  name: string;
  labels: Labels;
  value: number;
  /** Milliseconds since the epoch; undefined when the exposition carried no timestamp. */
  timestampMs: number | undefined;
}

/** Canonical, disjoint token types: cost is a plain sum over them. */
export const TOKEN_TYPES = ['input', 'cached_input', 'cache_write', 'output'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/**
 * Token types as sources report them, before cached input is taken out of input: `reasoning` is
 * part of output and `total` is never priced.
 */
export type RawTokenType = TokenType | 'reasoning' | 'total';
export const RAW_TOKEN_TYPES: readonly RawTokenType[] = ['input', 'cached_input', 'cache_write', 'output', 'reasoning', 'total'];

export type TokenCounts = Record<TokenType, number>;

export function zeroTokens(): TokenCounts {
  return { input: 0, cached_input: 0, cache_write: 0, output: 0 };
}

export function addTokens(into: TokenCounts, from: TokenCounts): void {
  for (const t of TOKEN_TYPES) into[t] += from[t];
}

export function sumTokens(t: TokenCounts): number {
  return t.input + t.cached_input + t.cache_write + t.output;
}
