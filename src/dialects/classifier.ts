import { usageError } from '../errors.js';
import { keyPart } from '../text.js';
import { emptyLabels, type Labels } from '../model.js';
import { type Classified, classifyingLabels, classifyWith, type DialectSettings, type DialectSpec, matchesSignature } from './spec.js';
import { DIALECTS } from './table.js';

export interface ClassifierOptions {
  /** `--dialect`: read only this dialect's metrics, without checking label signatures. */
  forced?: string | undefined;
  /** Dialects from the config file's mappings; they are tried before the built-in ones. */
  extra?: readonly DialectSpec[];
  settings?: DialectSettings;
  /** Also accept histogram `_bucket` series (to bound long-context tiers); `classify` never takes them. */
  buckets?: boolean;
  /** Labels that carry the billed service tier (config `serviceTiers.labels`, `--service-tier-label`), instead of the built-in ones. */
  serviceTierLabels?: readonly string[] | undefined;
  /** With `buckets`: the models whose buckets are wanted, to skip other bucket lines before their labels are parsed. */
  bucketModels?: ((model: string, provider: string | undefined) => boolean) | undefined;
}

const NULLS = new Set(['', 'unknown', 'None', 'none', 'null', 'undefined']);

/** Characters of an `le` value this reading accepts: digits, letters, `.`, `+`, `-` (`0.5`, `1e3`, `+Inf`). */
function leChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 43 || c === 45;
}

/**
 * Where the final label pair of `text.slice(0, end)` starts when it is `le="…"` with a plain value
 * and the text ends with it (`…,le="5"}`): the index of its comma, or of `le` right after `{`.
 * Else -1. A value may end in `,le=` (`a=",le="`), but then its closing quote is followed by a
 * plain character and `"}`, which no valid line has; so on a valid line this is the `le` pair.
 */
function finalLePair(text: string, end: number): number {
  if (text.charCodeAt(end - 1) !== 125 || text.charCodeAt(end - 2) !== 34) return -1; // "}
  let i = end - 3;
  while (i >= 0 && leChar(text.charCodeAt(i))) i--;
  if (text.charCodeAt(i) !== 34 || !text.startsWith('le=', i - 3)) return -1;
  const before = text.charCodeAt(i - 4);
  return before === 44 ? i - 4 : before === 123 ? i - 3 : -1; // , or {
}

/** In a raw line, where its final `le` pair starts (see `finalLePair`), when nothing after the labels holds a quote; else -1. */
function finalLe(line: string): number {
  const brace = line.lastIndexOf('}');
  if (brace < 0 || line.indexOf('"', brace) >= 0) return -1;
  return finalLePair(line, brace + 1);
}

/** `{a="1",le="5"}` → `{a="1"}`, `{le="5"}` → `{}`: label text without a final `le` pair (see `finalLePair`); anything else unchanged. */
export function withoutFinalLe(labelText: string): string {
  const at = finalLePair(labelText, labelText.length);
  return at < 0 ? labelText : `${labelText.slice(0, at)}}`;
}

/**
 * The model and provider of a raw exposition line, read as `firstLabel` reads parsed labels (the
 * first name of each list with a real value): one pass over the label pairs, no label object.
 * null when the line cannot be read this cheaply (quoted label names, escapes in a value).
 */
export function rawModelAndProvider(
  line: string,
  model: readonly string[],
  provider: readonly string[],
): { model: string | undefined; provider: string | undefined } | null {
  let i = line.indexOf('{') + 1;
  if (i === 0) return { model: undefined, provider: undefined };
  let modelRank = model.length;
  let providerRank = provider.length;
  let modelValue: string | undefined;
  let providerValue: string | undefined;
  const rankIn = (names: readonly string[], from: number, to: number): number => {
    for (let r = 0; r < names.length; r++) {
      const n = names[r] as string;
      if (n.length === to - from && line.startsWith(n, from)) return r;
    }
    return -1;
  };
  for (;;) {
    while (line.charCodeAt(i) === 32) i++;
    const c = line.charCodeAt(i);
    if (c === 125 || Number.isNaN(c)) break; // }
    const eq = line.indexOf('=', i);
    if (eq < 0 || c === 34 || line.charCodeAt(eq + 1) !== 34 || line.charCodeAt(eq - 1) === 32) return null;
    const close = line.indexOf('"', eq + 2);
    const slash = line.indexOf('\\', eq + 2);
    if (close < 0 || (slash >= 0 && slash < close)) return null;
    const m = rankIn(model, i, eq);
    const p = m >= 0 ? -1 : rankIn(provider, i, eq);
    if ((m >= 0 && m < modelRank) || (p >= 0 && p < providerRank)) {
      const value = line.slice(eq + 2, close);
      if (!NULLS.has(value) && m >= 0) [modelRank, modelValue] = [m, value];
      else if (!NULLS.has(value)) [providerRank, providerValue] = [p, value];
    }
    i = close + 1;
    while (line.charCodeAt(i) === 32) i++;
    if (line.charCodeAt(i) === 44) i++; // ,
  }
  return { model: modelValue, provider: providerValue };
}

/** A histogram bucket series: its dialect's reading (as its `_sum` sibling's) and its upper edge. */
export interface ClassifiedBucket {
  c: Classified;
  /** The `le` label: requests with at most this many tokens; +Infinity for `+Inf`. */
  le: number;
}

/** Most names kept of metrics that look like token counters but match no dialect (for the error). */
const MAX_LOOKALIKES = 20;

/**
 * Decides, series by series, which dialect a sample belongs to. Detection uses the metric name
 * first (cached per name, so the hot path is one Map lookup) and the label signature second.
 */
export class Classifier {
  /** Dialect id → number of series it classified. */
  readonly seen = new Map<string, number>();
  /** Metric names that look like token counters but that no dialect reads. */
  readonly lookalikes = new Set<string>();
  /** Every dialect this classifier may use (all of them, or the one forced). */
  readonly dialects: readonly DialectSpec[];
  private readonly forced: boolean;
  private readonly settings: DialectSettings;
  private readonly byName = new Map<string, readonly DialectSpec[]>();
  private readonly byBucketName = new Map<string, readonly DialectSpec[]>();
  private readonly buckets: boolean;
  private readonly tierLabels: readonly string[] | undefined;
  private readonly bucketModels: ClassifierOptions['bucketModels'];
  private readonly wantedCache = new Map<string, boolean>();
  private readonly wantedByText = new Map<string, boolean>();

  constructor(options: ClassifierOptions = {}) {
    const all = [...(options.extra ?? []), ...DIALECTS];
    this.settings = options.settings ?? {};
    this.buckets = options.buckets === true;
    this.tierLabels = options.serviceTierLabels;
    this.bucketModels = options.bucketModels;
    if (options.forced !== undefined) {
      const chosen = all.filter((x) => x.id === options.forced);
      if (chosen.length === 0) {
        const ids = [...new Set(all.map((x) => x.id))];
        throw usageError(`unknown dialect "${options.forced}"`, `choose one of: ${ids.join(', ')}`);
      }
      this.dialects = chosen;
      this.forced = true;
    } else {
      this.dialects = all;
      this.forced = false;
    }
  }

  /**
   * True when some dialect may read this metric name (or bucket, when asked for); the parser skips
   * the line otherwise. With the raw `line`, a bucket line whose model is surely not wanted is
   * skipped before its labels are parsed (histogram files are mostly bucket lines).
   */
  acceptName = (name: string, line?: string): boolean => {
    if (this.acceptMetric(name)) return true;
    if (!this.buckets || !this.isBucket(name)) return false;
    return line === undefined || this.bucketModels === undefined || this.mayWant(name, line);
  };

  /**
   * False only when the raw line names a model and provider that `bucketModels` does not want.
   * The bucket lines of one histogram differ only in `le`, and a history repeats them: the answer
   * is kept per metric and label text without a final `le` pair (the last one asked first: a
   * histogram's lines come together), for the first 1,000 histograms: a snapshot never asks
   * twice, and 10,000 keys held ~3 MB that made V8 grow its young generation sooner (~5 MB of
   * peak RSS on a 1M-line snapshot); a history of more histograms decides the rest from the text
   * (~10% slower decisions at 8,000 interleaved histograms, measured on the classifier alone).
   */
  private mayWant(name: string, line: string): boolean {
    const open = line.indexOf('{');
    if (open < 0) return this.wantedFromText(name, line);
    // The line before, of the same histogram, up to its final `le` pair (compared as a substring:
    // `startsWith` with a long argument is an order of magnitude slower in V8).
    const le = finalLe(line);
    const last = this.lastBucket;
    if (last && le > 0 && le === last.le && name === last.name && line.substring(0, le) === last.prefix) return last.wanted;
    const key = `${name}${withoutFinalLe(line.slice(open, line.lastIndexOf('}') + 1))}`;
    let wanted = this.wantedByText.get(key);
    if (wanted === undefined) {
      wanted = this.wantedFromText(name, line);
      // A copy, so that the key does not keep the whole input chunk alive.
      if (this.wantedByText.size < 1_000) this.wantedByText.set(`${key} `.slice(0, -1), wanted);
    }
    this.lastBucket = le > 0 ? { name, le, prefix: line.slice(0, le), wanted } : undefined;
    return wanted;
  }

  private lastBucket: { name: string; le: number; prefix: string; wanted: boolean } | undefined;

  private wantedFromText(name: string, line: string): boolean {
    const dialect = (this.byBucketName.get(name) as readonly DialectSpec[])[0] as DialectSpec;
    const read = rawModelAndProvider(line, dialect.labels.model, dialect.labels.provider ?? []);
    if (read === null || read.model === undefined) return true;
    const key = `${keyPart(read.model)}\u0000${keyPart(read.provider)}`;
    let wanted = this.wantedCache.get(key);
    if (wanted === undefined) {
      wanted = (this.bucketModels as (m: string, p: string | undefined) => boolean)(read.model, read.provider);
      if (this.wantedCache.size < 10_000) this.wantedCache.set(key, wanted);
    }
    return wanted;
  }

  /** True for a histogram `_bucket` series name of some dialect. */
  isBucket(name: string): boolean {
    // A history asks about one name line after line.
    if (name === this.lastBucketName) return this.lastIsBucket;
    let found = this.byBucketName.get(name);
    if (found === undefined) {
      found = this.dialects.filter((d) => d.buckets?.includes(name) === true);
      this.byBucketName.set(name, found);
    }
    this.lastBucketName = name;
    this.lastIsBucket = found.length > 0;
    return this.lastIsBucket;
  }

  private lastBucketName: string | undefined;
  private lastIsBucket = false;

  private lastAcceptName: string | undefined;
  private lastAccepted = false;

  private acceptMetric = (name: string): boolean => {
    // Lines in a row often share a name (a histogram's buckets, a history's series).
    if (name === this.lastAcceptName) return this.lastAccepted;
    this.lastAcceptName = name;
    this.lastAccepted = this.acceptMetricOnce(name);
    return this.lastAccepted;
  };

  private acceptMetricOnce(name: string): boolean {
    let found = this.byName.get(name);
    if (found === undefined) {
      found = this.dialects.filter((d) => Object.hasOwn(d.metrics, name));
      this.byName.set(name, found);
      if (found.length === 0 && this.lookalikes.size < MAX_LOOKALIKES && /token/i.test(name) && !/_(bucket|count|created)$/.test(name)) {
        this.lookalikes.add(name);
      }
    }
    return found.length > 0;
  }

  /** The dialect's reading of one series, or undefined when none claims it; `count: false` leaves the per-dialect tally alone. */
  classify(name: string, labels: Labels, count = true): Classified | undefined {
    if (!this.acceptMetric(name)) return undefined;
    const candidates = this.byName.get(name) as readonly DialectSpec[];
    const dialect = this.forced ? candidates[0] : candidates.find((d) => matchesSignature(d, labels));
    if (!dialect) return undefined;
    if (count) this.seen.set(dialect.id, (this.seen.get(dialect.id) ?? 0) + 1);
    return classifyWith(dialect, name, labels, this.settings, this.tierLabels);
  }

  /** Every label the reading of this metric's series depends on (across the dialects that may read it). */
  labelsFor(name: string): string[] {
    if (!this.acceptMetric(name)) return [];
    const candidates = this.byName.get(name) as readonly DialectSpec[];
    return [...new Set(candidates.flatMap((d) => classifyingLabels(d, this.tierLabels)))];
  }

  /** A `_bucket` series read as its histogram's `_sum` (same dialect, labels less `le`); undefined when no dialect has it or `le` is no number. */
  classifyBucket(name: string, labels: Labels): ClassifiedBucket | undefined {
    if (!this.isBucket(name)) return undefined;
    const raw = labels.le;
    const le = raw === '+Inf' ? Number.POSITIVE_INFINITY : raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
    if (!(le >= 0)) return undefined;
    const rest = emptyLabels();
    for (const [k, v] of Object.entries(labels)) if (k !== 'le') rest[k] = v;
    const candidates = this.byBucketName.get(name) as readonly DialectSpec[];
    const dialect = this.forced ? candidates[0] : candidates.find((d) => matchesSignature(d, rest));
    const sum = dialect && Object.keys(dialect.metrics)[0];
    if (!dialect || sum === undefined) return undefined;
    return { c: classifyWith(dialect, sum, rest, this.settings, this.tierLabels), le };
  }
}
