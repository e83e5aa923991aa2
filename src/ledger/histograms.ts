import type { Classifier } from '../dialects/classifier.js';
import type { Classified } from '../dialects/spec.js';
import type { Labels, Sample } from '../model.js';
import type { Coverage } from './accounting.js';
import { accountSeries, isCounterValue, sliceOf } from './accounting.js';
import type { Matcher } from './matchers.js';
import {
  DEFAULT_REPLICA_POLICY,
  detectReplicaLabels,
  mergeReplicas,
  REPLICA_LABELS,
  type ReplicaPolicy,
  withoutLabels,
} from './replicas.js';
import type { SampleSink } from './sink.js';
import { joinKey, keyPart } from '../text.js';
import { dimension, seriesKey } from './store.js';

/**
 * Requests per size of one cell (group × model × provider × service tier × slice), from the
 * token-usage histogram's `_bucket` series: `input` and `output` map each upper edge (`le`) to the
 * number of requests in the slice with at most that many tokens of the type.
 */
export interface CellHistogram {
  input: Map<number, number>;
  output: Map<number, number>;
  /** The histogram's input counts cache reads and writes too (false if any series of the cell did not). */
  inclusive: boolean;
}

/** Bucket counts per cell key (`histogramKey`). */
export type HistogramUsage = Map<string, CellHistogram>;

/** The key a `UsageCell` and its histogram share. */
export function histogramKey(
  group: readonly string[],
  model: string | undefined,
  provider: string | undefined,
  serviceTier: string | undefined,
  slice: number,
): string {
  return `${joinKey(group)}\u0001${keyPart(model)}\u0001${keyPart(provider)}\u0001${keyPart(serviceTier)}\u0001${slice}`;
}

interface BucketSeries {
  name: string;
  labels: Labels;
  source: string | undefined;
  c: Classified;
  group: string[];
  type: 'input' | 'output';
  le: number;
  times: number[];
  values: number[];
}

export interface BucketStoreOptions {
  by: readonly string[];
  matchers: readonly Matcher[];
  classifier: Classifier;
  replicas?: ReplicaPolicy;
  /** Only series of models that have a long-context tier are kept. */
  wanted: (model: string | undefined, provider: string | undefined) => boolean;
}

/**
 * The `_bucket` series of token-usage histograms, counted per slice exactly as counters are
 * (resets, births, gaps, HA replica copies once): each bucket is a counter of requests. It takes
 * samples through the same `SampleSink` interface as the usage store (`splitSink`).
 */
export class BucketStore implements SampleSink {
  private readonly series = new Map<string, BucketSeries | null>();
  private readonly snapshots: { s: BucketSeries; value: number }[] = [];
  private readonly accounted: { s: BucketSeries; perSlice: Float64Array }[] = [];

  constructor(private readonly options: BucketStoreOptions) {}

  addTimed(sample: Sample, time: number, source: string | undefined): void {
    const key = seriesKey(sample.name, sample.labels, source);
    let s = this.series.get(key);
    if (s === undefined) this.series.set(key, (s = this.read(sample.name, sample.labels, source)));
    if (s === null) return;
    const n = s.times.length;
    if (n > 0 && time === s.times[n - 1]) {
      s.values[n - 1] = sample.value;
      return;
    }
    s.times.push(time);
    s.values.push(sample.value);
  }

  addSnapshot(sample: Sample, source: string | undefined): void {
    const s = this.read(sample.name, sample.labels, source);
    if (s && isCounterValue(sample.value)) this.snapshots.push({ s, value: sample.value });
  }

  addAccounted(name: string, labels: Labels, source: string | undefined, perSlice: Float64Array, _coverage: Coverage): void {
    const s = this.read(name, labels, source);
    if (s) this.accounted.push({ s, perSlice });
  }

  /** A bucket series this store keeps, or null: not a bucket, another token type, excluded by `--match`, or a model without a long-context tier. */
  private read(name: string, labels: Labels, source: string | undefined): BucketSeries | null {
    const b = this.options.classifier.classifyBucket(name, labels);
    if (!b || (b.c.type !== 'input' && b.c.type !== 'output') || !this.options.wanted(b.c.model, b.c.provider)) return null;
    const rest = withoutLabels(labels, ['le']);
    const value = (d: string) => dimension(d, b.c, rest, source);
    if (!this.options.matchers.every((m) => m.test(value(m.label)))) return null;
    return { name, labels, source, c: b.c, group: this.options.by.map(value), type: b.c.type, le: b.le, times: [], values: [] };
  }

  private logical(): BucketSeries[][] {
    const all = [...this.series.values()].filter((s): s is BucketSeries => s !== null);
    for (const s of all) sortByTime(s);
    const policy = this.options.replicas ?? DEFAULT_REPLICA_POLICY;
    if (!policy.dedupe) return all.map((s) => [s]);
    const used = new Set([...this.options.by, ...this.options.matchers.map((m) => m.label)]);
    const candidates = (policy.labels === 'auto' ? REPLICA_LABELS : policy.labels).filter((l) => !used.has(l));
    const labels = policy.labels === 'auto' ? detectReplicaLabels(all, candidates) : [...candidates];
    const groups = new Map<string, BucketSeries[]>();
    for (const s of all) {
      const key = seriesKey(s.name, withoutLabels(s.labels, labels), s.source);
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    return [...groups.values()];
  }

  /**
   * Request counts per cell and bucket over the slices of `edges`. `cacheOutsideInput`: models whose
   * `auto` input the usage store found to exclude cache.
   */
  account(edges: readonly number[], lookbackMs: number, cacheOutsideInput: readonly string[] = []): HistogramUsage {
    const excluding = new Set(cacheOutsideInput);
    const out: HistogramUsage = new Map();
    const layouts = new Map<string, Map<string, Set<number>>>();
    const add = (s: BucketSeries, slice: number, count: number) => {
      const where = `${histogramKey(s.group, s.c.model, s.c.provider, s.c.serviceTier, -1)}\u0001${s.type}`;
      let series = layouts.get(where);
      if (!series) layouts.set(where, (series = new Map()));
      const own = seriesKey(s.name, withoutLabels(s.labels, ['le']), s.source);
      series.set(own, (series.get(own) ?? new Set()).add(s.le));
      if (count === 0) return;
      const key = histogramKey(s.group, s.c.model, s.c.provider, s.c.serviceTier, slice);
      let h = out.get(key);
      if (!h) out.set(key, (h = { input: new Map(), output: new Map(), inclusive: true }));
      // `auto`: as the usage store decided from the token counters for this model.
      h.inclusive &&= s.c.inputIncludesCache === true || (s.c.inputIncludesCache === 'auto' && !excluding.has(s.c.model ?? ''));
      const m = h[s.type];
      m.set(s.le, (m.get(s.le) ?? 0) + count);
    };
    for (const copies of this.logical()) {
      const merged = copies.length === 1 ? (copies[0] as BucketSeries) : mergeReplicas(copies);
      const { perSlice } = accountSeries(merged.times, merged.values, edges, lookbackMs);
      for (const c of copies) add(c, 0, 0);
      perSlice.forEach((count, i) => add(copies[0] as BucketSeries, i, count));
    }
    for (const a of this.accounted) a.perSlice.forEach((count, i) => add(a.s, i, count));
    const last = Math.max(0, sliceOf(edges, edges[edges.length - 1] as number));
    for (const { s, value } of this.snapshots) add(s, last, value);
    fillLayouts(out, layouts);
    return out;
  }
}

/**
 * A bucket with no request in a slice has no increment: its edge is filled in with 0 from the
 * layout of the cell's series. Series of one cell with different layouts (two gateways with their
 * own buckets) cannot be added up per edge: that type's counts are dropped (no bound).
 */
function fillLayouts(out: HistogramUsage, layouts: Map<string, Map<string, Set<number>>>): void {
  for (const [key, h] of out) {
    const cell = key.slice(0, key.lastIndexOf('\u0001'));
    for (const type of ['input', 'output'] as const) {
      const sets = [...(layouts.get(`${cell}\u0001-1\u0001${type}`)?.values() ?? [])];
      const first = sets[0];
      if (!first) continue;
      if (sets.some((x) => x.size !== first.size || [...x].some((le) => !first.has(le)))) h[type] = new Map();
      else for (const le of first) if (!h[type].has(le)) h[type].set(le, 0);
    }
  }
}

function sortByTime(s: BucketSeries): void {
  const order = s.times.map((_, i) => i).sort((a, b) => (s.times[a] as number) - (s.times[b] as number));
  s.times = order.map((i) => s.times[i] as number);
  s.values = order.map((i) => s.values[i] as number);
}

/** One sink for the sources: `_bucket` series go to the bucket store, everything else to `main`. */
export function splitSink(main: SampleSink, buckets: BucketStore, classifier: Classifier): SampleSink {
  return {
    addTimed: (sample, time, source) => (classifier.isBucket(sample.name) ? buckets : main).addTimed(sample, time, source),
    addSnapshot: (sample, source) => (classifier.isBucket(sample.name) ? buckets : main).addSnapshot(sample, source),
    addAccounted: (name, labels, source, perSlice, coverage, freshness) =>
      (classifier.isBucket(name) ? buckets : main).addAccounted(name, labels, source, perSlice, coverage, freshness),
  };
}
