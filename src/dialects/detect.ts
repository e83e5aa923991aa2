import { usageError } from '../errors.js';
import type { Labels } from '../model.js';
import { type Classified, DEFAULT_DIALECT_SETTINGS, type Dialect, type DialectSettings } from './dialect.js';
import { DIALECTS, dialectById } from './registry.js';

export interface ClassifierOptions {
  /** `--dialect`: read only this dialect's metrics, without checking label signatures. */
  forced?: string | undefined;
  extra?: readonly Dialect[];
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
  private readonly dialects: readonly Dialect[];
  private readonly forced: boolean;
  private readonly settings: DialectSettings;
  private readonly byName = new Map<string, readonly Dialect[]>();

  constructor(options: ClassifierOptions = {}) {
    const all = [...(options.extra ?? []), ...DIALECTS];
    this.settings = options.settings ?? DEFAULT_DIALECT_SETTINGS;
    if (options.forced !== undefined) {
      const d = all.find((x) => x.id === options.forced) ?? dialectById(options.forced);
      if (!d) {
        throw usageError(`unknown dialect "${options.forced}"`, `choose one of: ${all.map((x) => x.id).join(', ')}`);
      }
      this.dialects = [d];
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
      found = this.dialects.filter((d) => d.matchesName(name));
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
    const candidates = this.byName.get(name) as readonly Dialect[];
    const dialect = this.forced ? candidates[0] : candidates.find((d) => d.matchesLabels(name, labels));
    if (!dialect) return undefined;
    this.seen.set(dialect.id, (this.seen.get(dialect.id) ?? 0) + 1);
    return dialect.classify(name, labels, this.settings);
  }
}
