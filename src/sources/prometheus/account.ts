import { accountSeries, type Coverage, emptyCoverage, isCounterValue } from '../../ledger/accounting.js';
import {
  DEFAULT_REPLICA_POLICY,
  detectReplicaLabels,
  mergeReplicas,
  REPLICA_LABELS,
  type ReplicaPolicy,
  withoutLabels,
} from '../../ledger/replicas.js';
import { seriesKey } from '../../ledger/store.js';
import { emptyLabels, type Labels } from '../../model.js';
import type { PrometheusClient, ServerFlavour } from './client.js';
import { type RangeSeries, zeros } from './series.js';
import { newestSamples, type SeriesFreshness } from './freshness.js';
import {
  baselineLooks,
  duration,
  groupBy,
  headApart,
  MAX_POINTS,
  N,
  parseValue,
  Q,
  ranges,
  readingWindow,
  RETENTION_MS,
  runParts,
  runQuery,
  selector,
  stripOurs,
} from './queries.js';

/**
 * Exact accounting (design §4) pushed down to a Prometheus-compatible server.
 *
 * The window's slices are cut into runs of equal length S. For each run one range query, per
 * chunk of at most 11,000 points, asks the server for every token series at every edge t:
 * - `last`: the last sample in the hour before t (the counter's reading at t);
 * - `resets`: how often the counter went down in the slice or across its start (the reading
 *   window before it is included); its presence also says the series had samples there;
 * - with `countSamples`, `count`: samples in the slice (coverage and gaps).
 * Each sample is read about once (twice with `countSamples`), as by one `increase(…[30d])`.
 *
 * HA replica copies of a series (identical but for a replica label) are one logical series: its
 * reading at an edge is the highest of its copies' (a copy that missed scrapes reads lower).
 * A slice is exact from the readings alone when the series had a reading at both ends and no
 * reset: its tokens are last(t) − last(t − S). A series with no reading at a slice start is born
 * there only when it has no earlier sample at all — first within the look-back, then over the
 * server's whole retention (a monthly job, a collector that dropped its counter between runs),
 * narrowed to those series, one query per slice and metric — and then its reading is all usage.
 * Everything else (a reset, an older baseline, samples but no reading at the slice end, a value
 * no counter holds) is an anomaly: raw samples are fetched, for all anomalous series of one metric
 * at once, narrowed by the labels they share, and accounted like a file. The number of requests
 * depends on the runs and on the anomalies, never on the number of models, groups or buckets.
 */

export interface ServerAccountingInput {
  client: PrometheusClient;
  flavour: ServerFlavour;
  names: readonly string[];
  /** Slice edges (window refined by buckets and price changes); slice i is (edges[i], edges[i+1]]. */
  edges: readonly number[];
  /** `--lookback`; undefined: 7 days, then the whole retention for series that look born. */
  lookbackMs: number | undefined;
  /** Most points per series in one range query (Prometheus refuses more than 11,000). */
  maxPoints?: number;
  /** Also count samples per slice (coverage and gaps); the server reads the data once more. */
  countSamples?: boolean;
  replicas?: ReplicaPolicy;
  /** Labels the report groups or filters by: never replica labels. */
  grouped?: readonly string[];
  /** A narrower selector for some metric names (request-size buckets of a few models only). */
  selectors?: Readonly<Record<string, string>>;
  /** Also look for each series' newest sample (and for series quiet in the window); default true. */
  freshness?: boolean;
  /**
   * VictoriaMetrics: readings and resets in one rollup pass (`runQuery`'s `fuse`); only where no
   * series has a `rollup` label of its own. The closer looks of the sums use it; `--per-series`
   * does not (it stays the reference they are tested against).
   */
  fuse?: boolean;
  /**
   * Account every series from its raw samples, without asking for readings first: for a closer
   * look where most series of the groups reset (a gateway's restart), whose readings would only
   * send them all to raw samples one round trip later. Not with replica labels.
   */
  rawFirst?: boolean;
}

export interface SeriesUsage {
  name: string;
  labels: Labels;
  perSlice: Float64Array;
  coverage: Coverage;
  /** Its newest sample (NaN: none in the freshness window) and scrape interval, for staleness. */
  freshness: { newest: number; intervalMs: number | undefined };
}

export interface ServerUsage {
  series: SeriesUsage[];
  /** Replica labels whose copies were counted once, and how many copies there were. */
  replicas: { labels: string[]; copies: number } | undefined;
}

/** Raw samples start this long before an anomalous range: each copy's last value before it is its baseline. */
const BASELINE_WINDOW_MS = 3_600_000;

/** One series as the server reported it. */
interface Reading {
  name: string;
  labels: Labels;
  /** Reading at each edge; NaN where there was none. */
  last: Float64Array;
  count: Float64Array;
  /** Slices with a sample in them or in the reading window before them. */
  present: Set<number>;
  /** Slices with a reset (`resets` > 0). */
  resets: Set<number>;
  /** Slices next to a reading no counter can hold (±Inf, negative, above 2^53). */
  invalid: Set<number>;
}

/** One counter: a series, or the replica copies of one. */
interface Logical {
  key: string;
  name: string;
  labels: Labels;
  members: Reading[];
  last: Float64Array;
  count: Float64Array;
  present: Set<number>;
  anomalous: Set<number>;
  /** Slices with a reading at the end but none at the start: born there, or an older baseline. */
  unbased: Set<number>;
  /** Slices in which it was found born from its readings (counted once at the end). */
  born: Set<number>;
  perSlice: Float64Array;
  coverage: Coverage;
}

/** Runs the plan against the server and returns exact tokens per logical series and slice. */
export async function accountOnServer(input: ServerAccountingInput): Promise<ServerUsage> {
  if (input.rawFirst === true && input.replicas?.dedupe !== true) return accountFromRaw(input);
  const edgeReadings = await readEdges(input);
  const at = input.edges.at(-1) as number;
  const newest = input.freshness === false ? [] : await newestSamples(input.client, input.flavour, input.names, at, edgeReadings);
  // Series with samples before the window but none in it are series too: idle or stale, not absent.
  const readings = [...edgeReadings, ...quietSeries(newest, edgeReadings, input.edges)];
  const replicaLabels = chooseReplicaLabels(input, readings);
  const logical = combine(readings, replicaLabels, input.edges);
  for (const s of logical) settleFromReadings(s, input.edges, input.countSamples === true);
  await settleBirths(input, logical, replicaLabels);
  await settleAnomalies(input, logical, replicaLabels);
  const fresh = freshnessByKey(newest, replicaLabels);
  const series = logical.map((s) => {
    s.coverage.births += s.born.size;
    const freshness = fresh.get(s.key) ?? { newest: Number.NaN, intervalMs: undefined };
    return { name: s.name, labels: s.labels, perSlice: s.perSlice, coverage: s.coverage, freshness };
  });
  const copies = readings.length - logical.length;
  return { series, replicas: copies > 0 ? { labels: replicaLabels, copies } : undefined };
}

/** Series the freshness query found that had no sample in the window: no readings, no usage. */
function quietSeries(newest: readonly SeriesFreshness[], readings: readonly Reading[], edges: readonly number[]): Reading[] {
  const known = new Set(readings.map((r) => seriesKey(r.name, r.labels, undefined)));
  return newest.filter((f) => !known.has(seriesKey(f.name, f.labels, undefined))).map((f) => emptyReading(f.name, f.labels, edges));
}

/** The newest sample per logical series (the newest of its copies) and its scrape interval. */
function freshnessByKey(
  samples: readonly SeriesFreshness[],
  replicaLabels: readonly string[],
): Map<string, { newest: number; intervalMs: number | undefined }> {
  const out = new Map<string, { newest: number; intervalMs: number | undefined }>();
  for (const f of samples) {
    const key = seriesKey(f.name, withoutLabels(f.labels, replicaLabels), undefined);
    const before = out.get(key);
    const intervalMs = f.intervalMs ?? before?.intervalMs;
    const newest = before === undefined || f.newest > before.newest || Number.isNaN(before.newest) ? f.newest : before.newest;
    out.set(key, { newest, intervalMs });
  }
  return out;
}

/** 1. Readings, counts and resets of every series, one range query per run chunk. */
async function readEdges(input: ServerAccountingInput): Promise<Reading[]> {
  const { client, names, edges } = input;
  const maxPoints = input.maxPoints ?? MAX_POINTS;
  const states = new Map<string, Reading>();
  const state = (name: string, labels: Labels): Reading => {
    const key = seriesKey(name, labels, undefined);
    let s = states.get(key);
    if (!s) {
      const last = zeros(edges.length).fill(Number.NaN);
      s = { name, labels, last, count: zeros(edges.length - 1), present: new Set(), resets: new Set(), invalid: new Set() };
      states.set(key, s);
    }
    return s;
  };
  // Every edge read once (the first one's readings are all it gives here).
  for (const { firstEdge, n, stepMs, skipFirst } of runParts(edges, maxPoints, headApart(input.flavour))) {
    const start = edges[firstEdge] as number;
    const r = readingWindow(edges);
    const query = runQuery(names, stepMs, r, input.flavour, input.countSamples, input.selectors, input.fuse);
    const result = await client.queryRange(query, start + (skipFirst ? stepMs : 0), start + n * stepMs, stepMs);
    const fused: Fused = new Map();
    for (const series of result) ingestRange(series, state, start, stepMs, firstEdge, n, fused);
    // A fused answer's last sample is the reading when it came within the reading window.
    for (const [s, f] of fused) {
      for (let k = 0; k <= n; k++) if ((f.lag[k] as number) < r / 1000) readingAt(s, f.last[k] as number, firstEdge + k, k > 0);
    }
  }
  return [...states.values()];
}

/** Per series of a fused answer: its last samples and their lags, per point of the chunk (NaN: none). */
type Fused = Map<Reading, { last: Float64Array; lag: Float64Array }>;

/** A series' reading at an edge; a value no counter holds is none, and raw samples settle the slices around it. */
function readingAt(s: Reading, value: number, edge: number, afterFirst: boolean): void {
  if (isCounterValue(value) || Number.isNaN(value)) {
    s.last[edge] = value;
    return;
  }
  if (afterFirst) s.invalid.add(edge - 1);
  if (edge < s.last.length - 1) s.invalid.add(edge);
}

function ingestRange(
  series: RangeSeries,
  state: (name: string, labels: Labels) => Reading,
  start: number,
  stepMs: number,
  firstEdge: number,
  n: number,
  fused: Fused,
): void {
  let q = series.metric[Q];
  const name = series.metric[N];
  if (q === undefined || name === undefined) return;
  const labels = stripOurs(series.metric);
  let f: { last: Float64Array; lag: Float64Array } | undefined;
  if (q === 'fused') {
    q = labels.rollup === 'resets' ? 'resets' : labels.rollup === 'last_over_time' ? 'wide' : labels.rollup === 'lag' ? 'lag' : '';
    delete labels.rollup;
  }
  const s = state(name, labels);
  if (q === 'wide' || q === 'lag') {
    f = fused.get(s);
    if (!f) fused.set(s, (f = { last: zeros(n + 1).fill(Number.NaN), lag: zeros(n + 1).fill(Number.NaN) }));
  }
  for (let p = 0; p < series.times.length; p++) {
    const k = Math.round(((series.times[p] as number) * 1000 - start) / stepMs);
    if (k < 0 || k > n) continue;
    const edge = firstEdge + k;
    const value = series.values[p] as number;
    if (q === 'last') readingAt(s, value, edge, k > 0);
    else if (f) (q === 'wide' ? f.last : f.lag)[k] = value;
    else if (k > 0 && q === 'count') s.count[edge - 1] = value;
    else if (k > 0 && q === 'resets') {
      s.present.add(edge - 1);
      if (value > 0) s.resets.add(edge - 1);
    }
  }
}

/** The replica labels in force: none with --no-dedupe, the given ones, or the usual ones found here. */
function chooseReplicaLabels(input: ServerAccountingInput, readings: readonly Reading[]): string[] {
  const policy = input.replicas ?? DEFAULT_REPLICA_POLICY;
  if (!policy.dedupe) return [];
  const grouped = new Set(input.grouped ?? []);
  const candidates = (policy.labels === 'auto' ? REPLICA_LABELS : policy.labels).filter((l) => !grouped.has(l));
  return policy.labels === 'auto' ? detectReplicaLabels(readings, candidates) : [...candidates];
}

/** 2. Replica copies become one counter: the highest reading of its copies at each edge. */
function combine(readings: readonly Reading[], replicaLabels: readonly string[], edges: readonly number[]): Logical[] {
  const groups = new Map<string, Reading[]>();
  for (const r of readings) {
    const key = seriesKey(r.name, withoutLabels(r.labels, replicaLabels), undefined);
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.entries()].map(([key, members]) => {
    const first = members[0] as Reading;
    const slices = edges.length - 1;
    const s: Logical = {
      key,
      name: first.name,
      labels: withoutLabels(first.labels, replicaLabels),
      members,
      last: zeros(edges.length).fill(Number.NaN),
      count: zeros(slices),
      present: new Set(),
      anomalous: new Set(),
      unbased: new Set(),
      born: new Set(),
      perSlice: zeros(slices),
      coverage: emptyCoverage(),
    };
    s.coverage.series = 1;
    for (const m of members) {
      for (let e = 0; e < edges.length; e++) {
        const v = m.last[e] as number;
        if (!Number.isNaN(v) && !(v <= (s.last[e] as number))) s.last[e] = v;
      }
      for (let i = 0; i < slices; i++) s.count[i] = (s.count[i] as number) + (m.count[i] as number);
      for (const i of m.present) s.present.add(i);
      for (const i of m.invalid) s.anomalous.add(i);
      for (const i of m.resets) {
        s.anomalous.add(i);
        // A copy that missed the reset reads its old counter for up to an hour after: the next
        // slice too comes from raw samples, which tell the copies' counters apart.
        if (members.length > 1 && i + 1 < slices) s.anomalous.add(i + 1);
      }
    }
    return s;
  });
}

/** 3. Slices whose readings settle them: a reading at both ends and no reset. The rest are marked. */
function settleFromReadings(s: Logical, edges: readonly number[], countSamples: boolean): void {
  for (let i = 0; i + 1 < edges.length; i++) {
    const a = s.last[i] as number;
    const b = s.last[i + 1] as number;
    s.coverage.samples += s.count[i] as number;
    if (Number.isNaN(b)) {
      // No reading at the end: nothing used, unless samples fell earlier in the slice.
      if (s.present.has(i)) s.anomalous.add(i);
      continue;
    }
    if (s.anomalous.has(i)) continue;
    if (Number.isNaN(a)) {
      s.unbased.add(i);
      continue;
    }
    if (b < a) {
      s.anomalous.add(i);
      continue;
    }
    s.perSlice[i] = b - a;
    if (b - a !== Math.floor(b - a)) s.coverage.fractionalIncrements++;
  }
  if (countSamples) s.coverage.gaps += countGaps(s.count, edges);
}

/**
 * Slices with clearly fewer samples than the series' usual scrape interval predicts (missed
 * scrapes), between its first and last slice with samples. Nothing is lost over a gap; it is noted.
 */
function countGaps(count: Float64Array, edges: readonly number[]): number {
  const intervals: number[] = [];
  for (let i = 0; i < count.length; i++) {
    const c = count[i] as number;
    if (c > 0) intervals.push(((edges[i + 1] as number) - (edges[i] as number)) / c);
  }
  if (intervals.length < 3) return 0;
  intervals.sort((a, b) => a - b);
  const usual = intervals[intervals.length >> 1] as number;
  const first = count.findIndex((c) => c > 0);
  let last = count.length - 1;
  while (last > 0 && count[last] === 0) last--;
  let gaps = 0;
  for (let i = first + 1; i < last; i++) {
    const expected = ((edges[i + 1] as number) - (edges[i] as number)) / usual;
    if ((count[i] as number) < expected - Math.max(2, 0.05 * expected)) gaps++;
  }
  return gaps;
}

/** Labels with one value across all these series: a selector that fetches them and few others. */
function sharedLabels(series: readonly { labels: Labels }[]): Labels {
  const [head, ...rest] = series;
  if (!head) return emptyLabels();
  const shared = emptyLabels();
  for (const [k, v] of Object.entries(head.labels)) if (rest.every((s) => s.labels[k] === v)) shared[k] = v;
  return shared;
}

/** 4. Series with no reading at a slice start: an older baseline makes it an anomaly, none a birth. */
async function settleBirths(input: ServerAccountingInput, all: readonly Logical[], replicaLabels: readonly string[]): Promise<void> {
  const pending = all.flatMap((s) => [...s.unbased].map((i) => ({ s, i })));
  for (const list of groupBy(pending, (p) => `${p.i}\u0000${p.s.name}`).values()) {
    const i = (list[0] as { i: number }).i;
    const series = list.map((p) => p.s);
    const baselines = await baselinesAt(input, series, input.edges[i] as number, replicaLabels);
    for (const s of series) {
      if (baselines.has(s.key)) {
        s.anomalous.add(i); // an older baseline: the raw samples say how much is new
      } else {
        const used = s.last[i + 1] as number;
        s.perSlice[i] = used;
        if (used !== Math.floor(used)) s.coverage.fractionalIncrements++;
        s.born.add(i);
      }
    }
  }
}

/**
 * The last sample at or before `at` of each of these series (one metric), per logical series:
 * within `--lookback` when given; else within a week, then over the whole retention for the
 * series still without one. One or two narrowed queries, whatever the number of series, and a
 * third where HA copies' last values differ within the first look: their raw samples there, merged.
 * (Copies found only over the whole retention are still read at the highest.)
 */
async function baselinesAt(
  input: ServerAccountingInput,
  series: readonly Logical[],
  at: number,
  replicaLabels: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  /** Logical series whose copies' last samples differ (in the first look). */
  const contested = new Set<string>();
  const looks = baselineLooks(input.lookbackMs);
  let missing = [...series];
  for (const [n, look] of looks.entries()) {
    if (missing.length === 0 || !(look > 0)) break;
    const name = (missing[0] as Logical).name;
    const sel = selector(name, sharedLabels(missing));
    const res = await input.client.query(`last_over_time(${sel}[${duration(Math.min(look, RETENTION_MS))}])`, at);
    const wanted = new Set(missing.map((s) => s.key));
    for (const r of res.result) {
      if (!('value' in r)) continue;
      const key = seriesKey(name, withoutLabels(stripOurs(r.metric), replicaLabels), undefined);
      // (A wider look's selector may name series an earlier look settled: they keep its baseline.)
      if (!wanted.has(key)) continue;
      const v = parseValue(r.value[1]);
      // Any older sample is a baseline, one no counter holds (-Inf, NaN) too: the series is then
      // no birth, and its raw samples say the rest. (Compared by value alone, -Inf was none.)
      const had = out.get(key);
      if (n === 0 && had !== undefined && had !== v && !(Number.isNaN(had) && Number.isNaN(v))) contested.add(key);
      if (had === undefined || v > had || (Number.isNaN(had) && !Number.isNaN(v))) out.set(key, v);
    }
    missing = missing.filter((s) => !out.has(s.key));
  }
  if (contested.size > 0)
    await mergedBaselines(
      input,
      series.filter((s) => contested.has(s.key)),
      at,
      looks[0] as number,
      replicaLabels,
      out,
    );
  return out;
}

/**
 * HA copies' last values differ: the highest may be a copy's from before a reset that only the
 * others saw (its replica was down then). The counter's value at `at` is the copies merged sample
 * by sample over the look (as a file's are): its last reading a counter can hold.
 */
async function mergedBaselines(
  input: ServerAccountingInput,
  series: readonly Logical[],
  at: number,
  look: number,
  replicaLabels: readonly string[],
  out: Map<string, number>,
): Promise<void> {
  const name = (series[0] as Logical).name;
  const span = Math.min(look, RETENTION_MS);
  // (By the logical series' labels: a copy with no reading in the range is one of them too.)
  const raw = await input.client.samples(`${selector(name, sharedLabels(series))}[${duration(span)}]`, at);
  const copies = groupBy(raw, (r) => seriesKey(name, withoutLabels(stripOurs(r.metric), replicaLabels), undefined));
  for (const s of series) {
    const members = (copies.get(s.key) ?? []).map((r) => samplesOf(r, at - span, at));
    if (members.length === 0) continue;
    const merged = mergeReplicas(members);
    const v = lastCounterValue(merged.values);
    if (v !== undefined) out.set(s.key, v);
  }
}

/** The last of these values a counter can hold, if any. */
function lastCounterValue(values: ArrayLike<number>): number | undefined {
  for (let k = values.length - 1; k >= 0; k--) if (isCounterValue(values[k] as number)) return values[k] as number;
  return undefined;
}

/**
 * The last sample a counter can hold at or before `at`, per logical series, from raw samples over
 * the look-back (`--lookback`, else a week): for series whose samples just before a range are all
 * values no counter holds. Only such hostile data asks it.
 */
async function lastValidBefore(
  input: ServerAccountingInput,
  series: readonly Logical[],
  at: number,
  replicaLabels: readonly string[],
): Promise<Map<string, number>> {
  const name = (series[0] as Logical).name;
  const look = baselineLooks(input.lookbackMs)[0] as number;
  const raw = await input.client.samples(`${selector(name, sharedLabels(series.flatMap((s) => s.members)))}[${duration(look)}]`, at);
  const out = new Map<string, number>();
  for (const r of raw) {
    const key = seriesKey(name, withoutLabels(stripOurs(r.metric), replicaLabels), undefined);
    const v = lastCounterValue(r.values);
    if (v !== undefined && !(v <= (out.get(key) ?? -1))) out.set(key, v);
  }
  return out;
}

/** 5. Raw samples where the readings cannot say: per metric, contiguous ranges of anomalous slices. */
async function settleAnomalies(input: ServerAccountingInput, all: readonly Logical[], replicaLabels: readonly string[]): Promise<void> {
  for (const list of groupBy(
    all.filter((s) => s.anomalous.size > 0),
    (s) => s.name,
  ).values()) {
    for (const [i, j] of ranges(list.flatMap((s) => [...s.anomalous]))) {
      const involved = list.filter((s) => [...s.anomalous].some((x) => x >= i && x <= j));
      await settleRange(input, involved, i, j, replicaLabels);
    }
  }
}

/** Raw samples of slices i…j (and the hour before, for each copy's last reading) of these series of one metric. */
async function settleRange(
  input: ServerAccountingInput,
  involved: Logical[],
  i: number,
  j: number,
  replicaLabels: readonly string[],
): Promise<void> {
  const name = (involved[0] as Logical).name;
  const sel = selector(name, sharedLabels(involved.flatMap((s) => s.members)));
  const raw = await rawSamples(input, sel, input.edges[i] as number, input.edges[j + 1] as number);
  await settleFromRaw(input, involved, i, j, raw, replicaLabels);
}

/** The raw samples of a selector in (from, to] and the hour before (each copy's last value there is its baseline). */
async function rawSamples(input: ServerAccountingInput, sel: string, from: number, to: number): Promise<RangeSeries[]> {
  return input.client.samples(`${sel}[${duration(to - from + BASELINE_WINDOW_MS + 1000)}]`, to);
}

/** Slices i…j of these series of one metric from their raw samples (`rawSamples` over those slices). */
async function settleFromRaw(
  input: ServerAccountingInput,
  involved: Logical[],
  i: number,
  j: number,
  raw: readonly RangeSeries[],
  replicaLabels: readonly string[],
): Promise<void> {
  const { edges } = input;
  const name = (involved[0] as Logical).name;
  const from = edges[i] as number;
  const to = edges[j + 1] as number;
  const before = BASELINE_WINDOW_MS;
  const copies = groupBy(raw, (r) => seriesKey(name, withoutLabels(stripOurs(r.metric), replicaLabels), undefined));
  const streams = new Map<string, { times: number[]; values: number[] }>();
  for (const s of involved) {
    const members = (copies.get(s.key) ?? []).map((r) => samplesOf(r, from - before, to));
    streams.set(s.key, mergeReplicas(members.length > 0 ? members : [{ times: [], values: [] }]));
  }
  // A baseline for series whose copies had no sample in the hour before the range.
  const unbased = involved.filter((s) => !((streams.get(s.key)?.times[0] ?? Number.POSITIVE_INFINITY) <= from));
  const baselines = unbased.length > 0 ? await baselinesAt(input, unbased, from, replicaLabels) : new Map<string, number>();
  // Where all that came before the range holds no counter value (below zero, -Inf, NaN), series
  // by series counts on from the last valid sample further back: looked for in raw samples.
  const invalidBefore = involved.filter((s) => {
    const stream = streams.get(s.key) as { times: number[]; values: number[] };
    let n = 0;
    while (n < stream.times.length && (stream.times[n] as number) <= from) n++;
    const prior = [...stream.values.slice(0, n), ...(baselines.has(s.key) ? [baselines.get(s.key) as number] : [])];
    return prior.length > 0 && !prior.some(isCounterValue);
  });
  const valid =
    invalidBefore.length > 0 ? await lastValidBefore(input, invalidBefore, from - before, replicaLabels) : new Map<string, number>();
  const sub = edges.slice(i, j + 2);
  for (const s of involved) {
    const stream = streams.get(s.key) as { times: number[]; values: number[] };
    const base = baselines.get(s.key);
    const earlier = valid.get(s.key);
    const times = [...(earlier === undefined ? [] : [from - before]), ...(base === undefined ? [] : [from]), ...stream.times];
    const values = [...(earlier === undefined ? [] : [earlier]), ...(base === undefined ? [] : [base]), ...stream.values];
    const { perSlice, coverage } = accountSeries(times, values, sub, Number.POSITIVE_INFINITY);
    if (base !== undefined && !isCounterValue(base) && !Number.isNaN(base)) coverage.invalidSamples++;
    for (let k = 0; k < perSlice.length; k++) {
      s.perSlice[i + k] = perSlice[k] as number;
      s.born.delete(i + k); // the raw samples say it again, once
    }
    s.coverage.resets += coverage.resets;
    s.coverage.births += coverage.births;
    s.coverage.skippedSamples += coverage.skippedSamples;
    s.coverage.invalidSamples += coverage.invalidSamples;
    s.coverage.fractionalIncrements += coverage.fractionalIncrements;
  }
}

/**
 * `rawFirst`: every series of each metric's selector from one raw fetch over the window (and the
 * hour before): the series are those the samples name; one with no sample before the window is
 * born, or has an older baseline, as in `settleFromRaw`.
 */
async function accountFromRaw(input: ServerAccountingInput): Promise<ServerUsage> {
  const { edges } = input;
  const series: SeriesUsage[] = [];
  for (const name of input.names) {
    const raw = await rawSamples(input, input.selectors?.[name] ?? selector(name), edges[0] as number, edges.at(-1) as number);
    const readings = raw.map((r) => emptyReading(name, stripOurs(r.metric), edges));
    const logical = combine(readings, [], edges);
    if (logical.length > 0) await settleFromRaw(input, logical, 0, edges.length - 2, raw, []);
    for (const s of logical) {
      series.push({
        name,
        labels: s.labels,
        perSlice: s.perSlice,
        coverage: s.coverage,
        freshness: { newest: Number.NaN, intervalMs: undefined },
      });
    }
  }
  return { series, replicas: undefined };
}

/** A series known by its labels, with no readings. */
function emptyReading(name: string, labels: Labels, edges: readonly number[]): Reading {
  return {
    name,
    labels,
    last: zeros(edges.length).fill(Number.NaN),
    count: zeros(edges.length - 1),
    present: new Set(),
    resets: new Set(),
    invalid: new Set(),
  };
}

/** A series' raw samples in (from, to], in ms. */
function samplesOf(r: RangeSeries, from: number, to: number): { times: number[]; values: number[] } {
  const times: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < r.times.length; i++) {
    const ms = Math.round((r.times[i] as number) * 1000);
    if (ms > from && ms <= to) {
      times.push(ms);
      values.push(r.values[i] as number);
    }
  }
  return { times, values };
}
