import { usageError } from '../errors.js';
import type { Labels } from '../model.js';
import { type Classified, classifyWith, type DialectSettings, type DialectSpec, matchesSignature } from './spec.js';
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

  constructor(options: ClassifierOptions = {}) {
    const all = [...(options.extra ?? []), ...DIALECTS];
    this.settings = options.settings ?? {};
    this.buckets = options.buckets === true;
    this.tierLabels = options.serviceTierLabels;
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

  /** True when some dialect may read this metric name (or bucket, when asked for); the parser skips the line otherwise. */
  acceptName = (name: string): boolean => this.acceptMetric(name) || (this.buckets && this.isBucket(name));

  /** True for a histogram `_bucket` series name of some dialect. */
  isBucket(name: string): boolean {
    let found = this.byBucketName.get(name);
    if (found === undefined) {
      found = this.dialects.filter((d) => d.buckets?.includes(name) === true);
      this.byBucketName.set(name, found);
    }
    return found.length > 0;
  }

  private acceptMetric = (name: string): boolean => {
    let found = this.byName.get(name);
    if (found === undefined) {
      found = this.dialects.filter((d) => Object.hasOwn(d.metrics, name));
      this.byName.set(name, found);
      if (found.length === 0 && this.lookalikes.size < MAX_LOOKALIKES && /token/i.test(name) && !/_(bucket|count|created)$/.test(name)) {
        this.lookalikes.add(name);
      }
    }
    return found.length > 0;
  };

  /** The dialect's reading of one series, or undefined when none claims it; `count: false` leaves the per-dialect tally alone. */
  classify(name: string, labels: Labels, count = true): Classified | undefined {
    if (!this.acceptMetric(name)) return undefined;
    const candidates = this.byName.get(name) as readonly DialectSpec[];
    const dialect = this.forced ? candidates[0] : candidates.find((d) => matchesSignature(d, labels));
    if (!dialect) return undefined;
    if (count) this.seen.set(dialect.id, (this.seen.get(dialect.id) ?? 0) + 1);
    return classifyWith(dialect, name, labels, this.settings, this.tierLabels);
  }

  /** A `_bucket` series read as its histogram's `_sum` (same dialect, labels less `le`); undefined when no dialect has it or `le` is no number. */
  classifyBucket(name: string, labels: Labels): ClassifiedBucket | undefined {
    if (!this.isBucket(name)) return undefined;
    const raw = labels.le;
    const le = raw === '+Inf' ? Number.POSITIVE_INFINITY : raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
    if (!(le >= 0)) return undefined;
    const rest: Labels = {};
    for (const [k, v] of Object.entries(labels)) if (k !== 'le') rest[k] = v;
    const candidates = this.byBucketName.get(name) as readonly DialectSpec[];
    const dialect = this.forced ? candidates[0] : candidates.find((d) => matchesSignature(d, rest));
    const sum = dialect && Object.keys(dialect.metrics)[0];
    if (!dialect || sum === undefined) return undefined;
    return { c: classifyWith(dialect, sum, rest, this.settings, this.tierLabels), le };
  }
}
