import { type Finding, finding } from '../findings.js';
import { emptyLabels, type Labels } from '../model.js';
import { isCounterValue } from './accounting.js';

/**
 * HA pairs: two Prometheus replicas scraping the same targets store series that differ only by a
 * replica label. They count the same tokens once, so they are read as one logical series.
 */

/** Labels HA setups put on each replica's copy (Prometheus/Thanos, Cortex/Mimir, VictoriaMetrics). `cluster` is not one. */
export const REPLICA_LABELS = ['prometheus_replica', 'replica', '__replica__', 'rule_replica'] as const;

/** `--replica-label` / `--no-dedupe`: `auto` finds the usual labels in the data. */
export type ReplicaPolicy = { dedupe: false } | { dedupe: true; labels: 'auto' | readonly string[] };

export const DEFAULT_REPLICA_POLICY: ReplicaPolicy = { dedupe: true, labels: 'auto' };

/** The labels without `drop`. */
export function withoutLabels(labels: Labels, drop: readonly string[]): Labels {
  const out = emptyLabels();
  for (const [k, v] of Object.entries(labels)) if (!drop.includes(k)) out[k] = v;
  return out;
}

/**
 * The candidate labels that really separate replicas here: some two series (of the same metric)
 * are identical but for that label. A label that merely varies (a per-pod `replica` index on
 * series that differ in `pod` too) is not one.
 */
export function detectReplicaLabels(series: Iterable<{ name: string; labels: Labels }>, candidates: readonly string[]): string[] {
  const found: string[] = [];
  const list = [...series];
  for (const label of candidates) {
    const seen = new Map<string, string>();
    for (const s of list) {
      const value = s.labels[label];
      if (value === undefined) continue;
      const rest = withoutLabels(s.labels, [label]);
      const key = `${s.name}\u0000${JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`;
      const other = seen.get(key);
      if (other !== undefined && other !== value) {
        found.push(label);
        break;
      }
      seen.set(key, value);
    }
  }
  return found;
}

/**
 * One counter seen by several replicas, as one series of readings. Samples are taken in time
 * order; the reading is the highest value seen since the last reset, so a replica that missed
 * scrapes loses nothing (another one saw them) and a replica whose scrape was stamped a moment
 * before another's reads a stale value without it counting as a reset. A drop is a reset when the
 * replica that reports it saw its own counter go down, or when the value fell to half or less
 * (far more than any clock skew between replicas). After a reset, a replica's next sample belongs
 * to the new counter: it was taken after the reset. At an instant several replicas report, the
 * highest gives the reading, unless one of them went down from its own last value (a reset: the
 * others' old values at that instant are stale); the result does not depend on the order of
 * `replicas`.
 */
export function mergeReplicas(replicas: readonly { times: ArrayLike<number>; values: ArrayLike<number> }[]): {
  times: number[];
  values: number[];
} {
  if (replicas.length === 1) {
    const [only] = replicas as [{ times: ArrayLike<number>; values: ArrayLike<number> }];
    return { times: Array.from(only.times), values: Array.from(only.values) };
  }
  const order: [number, number, number][] = [];
  // Copies in an order of their own content, not the server's (which varies between answers).
  [...replicas].sort(byContent).forEach((r, k) => {
    // (+ 0: -0 and 0 are one value, whichever copy comes first.)
    for (let i = 0; i < r.times.length; i++) order.push([r.times[i] as number, k, (r.values[i] as number) + 0]);
  });
  // At an instant several copies report, the lowest counter value first and invalid ones last
  // (the highest copy then gives the reading, as `max without (replica)` does on a server): the
  // order in which a server lists the copies must not change the readings.
  order.sort((a, b) => a[0] - b[0] || byValue(a[2], b[2]) || a[1] - b[1]);
  const times: number[] = [];
  const values: number[] = [];
  let level = Number.NaN;
  let epoch = 0;
  /** When a replica last saw its own counter go down. */
  let ownResetAt = Number.NaN;
  const epochOf = new Map<number, number>();
  const last = new Map<number, number>();
  for (const [t, k, v] of order) {
    if (!isCounterValue(v)) {
      times.push(t);
      values.push(v); // NaN or invalid: passed on, so coverage counts it
      continue;
    }
    const own = last.get(k);
    if (Number.isNaN(level)) {
      level = v;
    } else if ((epochOf.get(k) ?? epoch) < epoch) {
      // The first sample since another replica saw a reset: the new counter's, unless it was taken
      // at the very instant a replica saw its own counter go down and does not go down itself.
      if (t !== ownResetAt || (own !== undefined && v < own)) level = Math.max(level, v);
    } else if (v >= level) {
      level = v;
    } else if ((own !== undefined && v < own) || v <= level / 2) {
      epoch++;
      level = v; // a reset
      if (own !== undefined && v < own) ownResetAt = t;
    } // else: a stale reading, a moment older than the level; it adds nothing
    epochOf.set(k, epoch);
    last.set(k, v);
    if (times.length > 0 && times[times.length - 1] === t) values[values.length - 1] = level;
    else {
      times.push(t);
      values.push(level);
    }
  }
  return { times, values };
}

/** Copies by their samples, time and value in turn (then the shorter first). */
function byContent(
  a: { times: ArrayLike<number>; values: ArrayLike<number> },
  b: { times: ArrayLike<number>; values: ArrayLike<number> },
): number {
  for (let i = 0; i < a.times.length && i < b.times.length; i++) {
    const d = (a.times[i] as number) - (b.times[i] as number) || byValue(a.values[i] as number, b.values[i] as number);
    if (d !== 0) return d;
  }
  return a.times.length - b.times.length;
}

/** Counter values ascending, then values no counter holds (NaN last): a total order. */
function byValue(x: number, y: number): number {
  const bad = Number(!isCounterValue(x)) - Number(!isCounterValue(y));
  if (bad !== 0 || x === y) return bad;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
  return x < y ? -1 : 1;
}

/** The one-line notice that HA replica copies were counted once. */
export function replicaFindings(note: { labels: readonly string[]; copies: number } | undefined): Finding[] {
  if (!note) return [];
  return [
    finding(
      'REPLICAS_DEDUPLICATED',
      'info',
      `${note.copies} series were HA replica copies (${note.labels.join(', ')}) of others and were counted once; --no-dedupe counts each`,
    ),
  ];
}
