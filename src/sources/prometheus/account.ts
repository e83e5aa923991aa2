import { sourceError } from '../../errors.js';
import { accountSeries, type Coverage, emptyCoverage, isCounterValue } from '../../ledger/accounting.js';
import type { Labels } from '../../model.js';
import { seriesKey } from '../../ledger/store.js';
import type { MatrixSeries, PrometheusClient, ServerFlavour } from './client.js';

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
 * A slice is exact from the readings alone when the series had a reading at both ends and no
 * reset: its tokens are last(t) − last(t − S). A series with no reading at the slice start is
 * born there when it has no sample within the look-back either (one narrowed query per slice and
 * metric), and then its reading is all usage. Everything else (a reset, an old baseline, samples
 * but no reading at the slice end) is an anomaly: raw samples are fetched, for all anomalous
 * series of one metric at once, narrowed by the labels they share, and accounted like a file.
 * The number of requests depends on the runs and on the anomalies, never on the number of
 * models, groups or buckets.
 */

export interface ServerAccountingInput {
  client: PrometheusClient;
  flavour: ServerFlavour;
  names: readonly string[];
  /** Slice edges (window refined by buckets and price changes); slice i is (edges[i], edges[i+1]]. */
  edges: readonly number[];
  lookbackMs: number;
  /** Most points per series in one range query (Prometheus refuses more than 11,000). */
  maxPoints?: number;
  /** Also count samples per slice (coverage and gaps); the server reads the data once more. */
  countSamples?: boolean;
}

export interface SeriesUsage {
  name: string;
  labels: Labels;
  perSlice: Float64Array;
  coverage: Coverage;
}

const Q = '__tokenspend_q';
const N = '__tokenspend_name';
const BARE_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** PromQL selector for a metric name (UTF-8 names go inside the braces). */
export function selector(name: string, matchers: Labels = {}): string {
  const parts = Object.entries(matchers).map(([k, v]) => `${BARE_NAME.test(k) ? k : JSON.stringify(k)}=${JSON.stringify(v)}`);
  if (BARE_NAME.test(name)) return parts.length > 0 ? `${name}{${parts.join(',')}}` : name;
  return `{${[`__name__=${JSON.stringify(name)}`, ...parts].join(',')}}`;
}

function duration(ms: number): string {
  return `${Math.max(1, Math.round(ms))}ms`;
}

function tag(expr: string, label: string, value: string): string {
  return `label_replace(${expr}, ${JSON.stringify(label)}, ${JSON.stringify(value)}, "", "")`;
}

/** How far before an edge a sample still counts as the reading there (at most one slice). */
export function readingWindow(stepMs: number): number {
  return Math.min(stepMs, 3_600_000);
}

/** The one query of a run: readings, resets (and sample counts) of every named metric. */
export function runQuery(names: readonly string[], stepMs: number, flavour: ServerFlavour, countSamples = false): string {
  // Prometheus 2.x range selectors are closed [t − r, t]; VictoriaMetrics' are (t − r, t].
  const open = flavour === 'victoriametrics' ? 0 : 1;
  const reading = readingWindow(stepMs);
  // The slice and the reading window before it: the slice's own pairs and the one across its
  // start. resets() answers for every series with a sample there, so it also says "present".
  const withStart = duration(stepMs + reading - open);
  const parts: string[] = [];
  for (const name of names) {
    const sel = selector(name);
    parts.push(tag(tag(`last_over_time(${sel}[${duration(reading)}])`, Q, 'last'), N, name));
    parts.push(tag(tag(`resets(${sel}[${withStart}])`, Q, 'resets'), N, name));
    if (countSamples) parts.push(tag(tag(`count_over_time(${sel}[${duration(stepMs - open)}])`, Q, 'count'), N, name));
  }
  return parts.join(' or ');
}

interface Run {
  /** Index of the first edge. */
  first: number;
  /** Number of slices. */
  slices: number;
  stepMs: number;
}

/** Maximal runs of consecutive slices of equal length. */
export function sliceRuns(edges: readonly number[]): Run[] {
  const runs: Run[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const step = (edges[i + 1] as number) - (edges[i] as number);
    const last = runs[runs.length - 1];
    if (last && last.stepMs === step && last.first + last.slices === i) last.slices++;
    else runs.push({ first: i, slices: 1, stepMs: step });
  }
  return runs;
}

interface SeriesState {
  name: string;
  labels: Labels;
  /** Reading at each edge; NaN where there was none. */
  last: Float64Array;
  count: Float64Array;
  /** Slices with a sample in them or in the reading window before them. */
  present: Set<number>;
  anomalous: Set<number>;
  /** Slices with a reading at the end but none at the start: born there, or an older baseline. */
  unbased: Set<number>;
  perSlice: Float64Array;
  coverage: Coverage;
}

function stripOurs(metric: Record<string, string>): Labels {
  const labels: Labels = {};
  for (const [k, v] of Object.entries(metric)) if (k !== Q && k !== N && k !== '__name__') labels[k] = v;
  return labels;
}

/** Sample values arrive as strings because JSON has no NaN or infinities. */
function parseValue(v: string): number {
  if (v === '+Inf') return Number.POSITIVE_INFINITY;
  if (v === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(v);
}

/** Runs the plan against the server and returns exact tokens per series and slice. */
export async function accountOnServer(input: ServerAccountingInput): Promise<SeriesUsage[]> {
  const { client, names, edges } = input;
  const maxPoints = input.maxPoints ?? 11_000;
  const slices = edges.length - 1;
  const states = new Map<string, SeriesState>();
  const state = (name: string, labels: Labels): SeriesState => {
    const key = seriesKey(name, labels, undefined);
    let s = states.get(key);
    if (!s) {
      s = {
        name,
        labels,
        last: new Float64Array(edges.length).fill(Number.NaN),
        count: new Float64Array(slices),
        present: new Set(),
        anomalous: new Set(),
        unbased: new Set(),
        perSlice: new Float64Array(slices),
        coverage: emptyCoverage(),
      };
      s.coverage.series = 1;
      states.set(key, s);
    }
    return s;
  };

  // 1. Readings, counts and resets, one range query per run chunk.
  for (const run of sliceRuns(edges)) {
    for (let from = 0; from < run.slices; from += maxPoints - 1) {
      const n = Math.min(maxPoints - 1, run.slices - from);
      const firstEdge = run.first + from;
      const start = edges[firstEdge] as number;
      const query = runQuery(names, run.stepMs, input.flavour, input.countSamples);
      const result = await client.queryRange(query, start, start + n * run.stepMs, run.stepMs);
      for (const series of result) ingestRange(series, state, start, run.stepMs, firstEdge, n);
    }
  }

  // 2. Readings → tokens; what the readings cannot settle is an anomaly.
  for (const s of states.values()) settleFromReadings(s, edges, input.countSamples === true);

  // 3. Births: a series with no reading at a slice start and no reset inside is new if it has no
  //    sample within the look-back either; then its reading is all usage. Otherwise: raw samples.
  await settleBirths(input, [...states.values()]);
  // 4. Raw samples where needed.
  await settleAnomalies(input, [...states.values()]);
  return [...states.values()].map((s) => ({ name: s.name, labels: s.labels, perSlice: s.perSlice, coverage: s.coverage }));
}

/** Slices whose readings settle them: a reading at both ends and no reset. The rest are marked. */
function settleFromReadings(s: SeriesState, edges: readonly number[], countSamples: boolean): void {
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

function ingestRange(
  series: MatrixSeries,
  state: (name: string, labels: Labels) => SeriesState,
  start: number,
  stepMs: number,
  firstEdge: number,
  n: number,
): void {
  const q = series.metric[Q];
  const name = series.metric[N];
  if (q === undefined || name === undefined) return;
  const s = state(name, stripOurs(series.metric));
  for (const [t, v] of series.values) {
    const k = Math.round((t * 1000 - start) / stepMs);
    if (k < 0 || k > n) continue;
    const edge = firstEdge + k;
    if (q === 'last') {
      const value = parseValue(v);
      if (isCounterValue(value) || Number.isNaN(value)) {
        s.last[edge] = value;
      } else {
        // ±Inf or a value no counter holds: no reading; raw samples settle both slices around it.
        if (k > 0) s.anomalous.add(edge - 1);
        if (edge < s.last.length - 1) s.anomalous.add(edge);
      }
    } else if (k > 0 && q === 'count') s.count[edge - 1] = Number(v);
    else if (k > 0 && q === 'resets') {
      s.present.add(edge - 1);
      if (Number(v) > 0) s.anomalous.add(edge - 1);
    }
  }
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
function sharedLabels(series: readonly SeriesState[]): Labels {
  const [head, ...rest] = series;
  if (!head) return {};
  const shared: Labels = {};
  for (const [k, v] of Object.entries(head.labels)) if (rest.every((s) => s.labels[k] === v)) shared[k] = v;
  return shared;
}

/** Contiguous ranges of slice indices. */
function ranges(indices: Iterable<number>): [number, number][] {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else out.push([i, i]);
  }
  return out;
}

async function settleBirths(input: ServerAccountingInput, all: SeriesState[]): Promise<void> {
  const { client, edges, lookbackMs } = input;
  const groups = new Map<string, SeriesState[]>();
  for (const s of all) {
    for (const i of s.unbased) {
      const key = `${i}\u0000${s.name}`;
      const list = groups.get(key) ?? [];
      list.push(s);
      groups.set(key, list);
    }
  }
  for (const [key, list] of groups) {
    const i = Number(key.slice(0, key.indexOf('\u0000')));
    const name = (list[0] as SeriesState).name;
    const baselines = await lastWithin(client, name, sharedLabels(list), edges[i] as number, lookbackMs);
    for (const s of list) {
      if (baselines.has(seriesKey(name, s.labels, undefined))) {
        // An older baseline (or an invalid one): the raw samples say how much is new.
        s.anomalous.add(i);
      } else {
        s.perSlice[i] = s.last[i + 1] as number;
        s.coverage.births++;
      }
    }
  }
}

/** The last sample at or before `at` within the look-back, per series of a narrowed selector. */
async function lastWithin(
  client: PrometheusClient,
  name: string,
  matchers: Labels,
  at: number,
  lookbackMs: number,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!(lookbackMs > 0)) return out;
  const look = Number.isFinite(lookbackMs) ? lookbackMs : 365 * 86_400_000;
  const res = await client.query(`last_over_time(${selector(name, matchers)}[${duration(look)}])`, at);
  for (const r of res.result) {
    if ('value' in r) out.set(seriesKey(name, stripOurs(r.metric), undefined), parseValue(r.value[1]));
  }
  return out;
}

async function settleAnomalies(input: ServerAccountingInput, all: SeriesState[]): Promise<void> {
  const { client, edges, lookbackMs } = input;
  const byName = new Map<string, SeriesState[]>();
  for (const s of all) {
    if (s.anomalous.size === 0) continue;
    const list = byName.get(s.name) ?? [];
    list.push(s);
    byName.set(s.name, list);
  }
  for (const [name, list] of byName) {
    for (const [i, j] of ranges(list.flatMap((s) => [...s.anomalous]))) {
      const involved = list.filter((s) => [...s.anomalous].some((x) => x >= i && x <= j));
      const from = edges[i] as number;
      const to = edges[j + 1] as number;
      const sel = selector(name, sharedLabels(involved));
      // Baselines for series with no reading at the range start: the last sample within the look-back.
      const needBaseline = involved.some((s) => Number.isNaN(s.last[i] as number));
      const baselines = needBaseline ? await lastWithin(client, name, sharedLabels(involved), from, lookbackMs) : new Map<string, number>();
      // Raw samples of (from, to]; one second more on the left for closed selectors, cut off below.
      const raw = await client.query(`${sel}[${duration(to - from + 1000)}]`, to);
      if (raw.resultType !== 'matrix') throw sourceError(`${client.where}: expected raw samples (a matrix) for ${sel}`);
      const samples = new Map<string, MatrixSeries>();
      for (const r of raw.result as MatrixSeries[]) samples.set(seriesKey(name, stripOurs(r.metric), undefined), r);
      const sub = edges.slice(i, j + 2);
      for (const s of involved) {
        const key = seriesKey(name, s.labels, undefined);
        const times: number[] = [];
        const values: number[] = [];
        const base = Number.isNaN(s.last[i] as number) ? baselines.get(key) : (s.last[i] as number);
        if (base !== undefined) {
          times.push(from);
          values.push(base);
        }
        for (const [t, v] of samples.get(key)?.values ?? []) {
          const ms = Math.round(t * 1000);
          if (ms > from && ms <= to) {
            times.push(ms);
            values.push(parseValue(v));
          }
        }
        const { perSlice, coverage } = accountSeries(times, values, sub, Number.POSITIVE_INFINITY);
        if (base !== undefined && !isCounterValue(base) && !Number.isNaN(base)) coverage.invalidSamples++;
        for (let k = 0; k < perSlice.length; k++) s.perSlice[i + k] = perSlice[k] as number;
        s.coverage.resets += coverage.resets;
        s.coverage.births += coverage.births;
        s.coverage.skippedSamples += coverage.skippedSamples;
        s.coverage.invalidSamples += coverage.invalidSamples;
        s.coverage.fractionalIncrements += coverage.fractionalIncrements;
      }
    }
  }
}
