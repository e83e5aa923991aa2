/**
 * How fresh the data is: the newest sample of each group's series, and the usual scrape interval.
 * An idle target is still scraped (its counter stays flat but its samples keep coming); a stale
 * one has no recent samples at all, and a gate must not pass on it.
 */
import { joinKey } from '../text.js';

export interface Freshness {
  /** The staleness threshold in force: `--max-staleness`, or the default from the scrape interval. */
  thresholdMs?: number;
  /** Newest sample of any series, or undefined when nothing had a time (a snapshot). */
  overall: number | undefined;
  /** Group key (the `--by` values joined by NUL) → newest sample of its series. */
  byGroup: ReadonlyMap<string, number>;
  /** The median scrape interval of the series, where it could be seen. */
  intervalMs: number | undefined;
}

const groupKeys = new WeakMap<readonly string[], string>();

/** A group's `--by` values joined by NUL (`joinKey`); remembered per array (the ledger shares one array per group). */
export function groupKey(group: readonly string[]): string {
  let key = groupKeys.get(group);
  if (key === undefined) {
    key = joinKey(group);
    groupKeys.set(group, key);
  }
  return key;
}

/** Collects the newest sample per group as series are accounted. */
export class FreshnessTracker {
  private readonly byGroup = new Map<string, number>();
  private readonly intervals: number[] = [];
  private overall = Number.NEGATIVE_INFINITY;

  note(group: readonly string[], newest: number, intervalMs: number | undefined): void {
    if (!Number.isFinite(newest)) return;
    const key = groupKey(group);
    if (!(newest <= (this.byGroup.get(key) ?? Number.NEGATIVE_INFINITY))) this.byGroup.set(key, newest);
    if (newest > this.overall) this.overall = newest;
    if (intervalMs !== undefined && intervalMs > 0) this.intervals.push(intervalMs);
  }

  result(): Freshness {
    const sorted = [...this.intervals].sort((a, b) => a - b);
    return {
      overall: Number.isFinite(this.overall) ? this.overall : undefined,
      byGroup: this.byGroup,
      intervalMs: sorted.length > 0 ? sorted[sorted.length >> 1] : undefined,
    };
  }
}

/** The floor of the default threshold: a quarter hour. */
const MIN_STALENESS_MS = 15 * 60_000;

/** `--max-staleness`, else four scrape intervals, and never less than 15 minutes. */
export function stalenessThreshold(explicitMs: number | undefined, intervalMs: number | undefined): number {
  if (explicitMs !== undefined) return explicitMs;
  return Math.max(MIN_STALENESS_MS, 4 * (intervalMs ?? 0));
}

/** `2d 3h`, `47m`, `12s`: an age for messages. */
export function describeAge(ms: number): string {
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}

/**
 * Whether the newest sample is older than the threshold at `ref` (the window's end, or now if
 * that is earlier): `undefined` when fresh, else a sentence naming both times and the age.
 */
export function staleness(newest: number | undefined, ref: number, thresholdMs: number): string | undefined {
  if (newest !== undefined && newest >= ref - thresholdMs) return undefined;
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const allowed = `more than the ${describeAge(thresholdMs)} allowed (--max-staleness)`;
  if (newest === undefined) return `no token sample in the hours before ${iso(ref)}, ${allowed}`;
  return `the newest token sample is from ${iso(newest)}, ${describeAge(ref - newest)} before ${iso(ref)}, ${allowed}`;
}
