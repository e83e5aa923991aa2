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

  constructor(options: ClassifierOptions = {}) {
    const all = [...(options.extra ?? []), ...DIALECTS];
    this.settings = options.settings ?? {};
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

  /** True when some dialect may read this metric name; the parser skips the line otherwise. */
  acceptName = (name: string): boolean => {
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

  /** The dialect's reading of one series, or undefined when none claims it. */
  classify(name: string, labels: Labels): Classified | undefined {
    if (!this.acceptName(name)) return undefined;
    const candidates = this.byName.get(name) as readonly DialectSpec[];
    const dialect = this.forced ? candidates[0] : candidates.find((d) => matchesSignature(d, labels));
    if (!dialect) return undefined;
    this.seen.set(dialect.id, (this.seen.get(dialect.id) ?? 0) + 1);
    return classifyWith(dialect, name, labels, this.settings);
  }
}
