import { CANONICAL_DIMENSIONS } from '../../ledger/census.js';
import { DEFAULT_REPLICA_POLICY, REPLICA_LABELS } from '../../ledger/replicas.js';
import { seriesKey } from '../../ledger/store.js';
import type { ReadRequest } from '../source.js';
import type { SeriesUsage, ServerUsage } from './account.js';
import { accountGroupsOnServer, type GroupFound, type GroupUsage } from './aggregate.js';
import type { PrometheusClient, ServerFlavour, VectorSample } from './client.js';
import { FRESHNESS_REACH_MS, FRESHNESS_WINDOWS_MS, newestOfGroup, newestSamples, type SeriesFreshness } from './freshness.js';
import { duration, MAX_POINTS, parseValue, Q, readingWindow, selectorWith, tag, uniformGrid } from './queries.js';
import { emptyCoverage } from '../../ledger/accounting.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

type FreshEnough = NonNullable<ReadRequest['freshEnough']>;

/**
 * Per metric, the labels its series are summed by on the server: every label the dialects that
 * may read it look at, and the labels the report groups and filters by. Undefined when a label
 * cannot be named in PromQL's `by (…)` (then the server answers series by series).
 */
export function groupLabels(
  names: readonly string[],
  request: ReadRequest,
  present: ReadonlySet<string>,
): Map<string, string[]> | undefined {
  const canonical = new Set<string>(CANONICAL_DIMENSIONS);
  const asked = [...request.grouping.by, ...request.grouping.matchers.map((m) => m.label)].filter((l) => !canonical.has(l));
  const out = new Map<string, string[]>();
  for (const name of names) {
    const reads = request.classifier.labelsFor(name).filter((l) => present.has(l));
    const labels = [...new Set([...reads, ...asked])].sort();
    if (!labels.every((l) => LABEL_NAME.test(l))) return undefined;
    out.set(name, labels);
  }
  return out;
}

/** The replica labels whose copies are one series: none with --no-dedupe, else the given or usual ones not grouped by. */
export function replicaLabelsFor(request: ReadRequest, present: ReadonlySet<string>): string[] {
  const policy = request.replicas ?? DEFAULT_REPLICA_POLICY;
  if (!policy.dedupe) return [];
  const grouped = new Set([...request.grouping.by, ...request.grouping.matchers.map((m) => m.label)]);
  return (policy.labels === 'auto' ? REPLICA_LABELS : policy.labels).filter((l) => !grouped.has(l) && present.has(l) && LABEL_NAME.test(l));
}

/**
 * The label names of the token series over the window and look-back (one request). On
 * VictoriaMetrics from the epoch on: a range of days is searched day by day (0.4 s at 50k
 * series over 37 days), the whole retention in its global index (30 ms); the labels of older
 * series too only widen the sums by labels the window's series lack, which changes no sum.
 */
export async function labelsPresent(
  client: PrometheusClient,
  names: readonly string[],
  request: ReadRequest,
  flavour: ServerFlavour,
): Promise<Set<string>> {
  const edges = request.edges as readonly number[];
  const selectors = names.map((n) => selectorWith(n, []));
  const end = edges[edges.length - 1] as number;
  if (flavour === 'victoriametrics') {
    try {
      return new Set(await client.labelNames(selectors, 0, end));
    } catch (e) {
      // Refused (more series over the retention than it will search): the window's days. Any
      // other failure (network, credentials) would fail again: it is reported as it is.
      if ((e as { refused?: boolean }).refused !== true) throw e;
    }
  }
  // (At least the reading window before the first edge, which the run query reads: its series'
  // labels decide the groups, and whether each group is one series.)
  return new Set(await client.labelNames(selectors, (edges[0] as number) - Math.max(request.lookbackMs, readingWindow(edges)), end));
}

/**
 * The server path for many series: exact tokens per group (`accountGroupsOnServer`), the newest
 * sample per group (groups with samples before the window but none in it are idle or stale, not
 * absent), and how many HA copies were counted once.
 */
export async function readByGroups(
  client: PrometheusClient,
  flavour: ServerFlavour,
  names: readonly string[],
  request: ReadRequest,
  labels: Map<string, string[]>,
  replicaLabels: string[],
  concurrency: number,
  present: ReadonlySet<string> = new Set(),
): Promise<ServerUsage> {
  const edges = request.edges as readonly number[];
  let answeredNow: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => (answeredNow = resolve));
  let found: (groups: readonly GroupFound[]) => void = () => undefined;
  let lost: (e: unknown) => void = () => undefined;
  const groupsFound = new Promise<readonly GroupFound[]>((resolve, reject) => {
    found = resolve;
    lost = reject;
  });
  groupsFound.catch(() => undefined); // (the accounting's own error is the one reported)
  const fuse = !present.has('rollup');
  const accounted = accountGroupsOnServer({
    client,
    flavour,
    names,
    edges,
    grid: flavour === 'victoriametrics' && fuse ? await gridFor(client, names, labels, edges) : undefined,
    lookbackMs: request.lookbackGiven,
    groupLabels: labels,
    replicaLabels,
    stopLabels: stopLabels(labels, replicaLabels, present),
    singletons: singletons(labels, replicaLabels, present),
    fuse,
    concurrency,
    onAnswered: () => answeredNow(),
    onSums: (groups) => found(groups),
  });
  // A failed accounting stops the freshness look where it waits for the groups.
  accounted.catch(lost);
  const at = edges[edges.length - 1] as number;
  // The newest samples are asked once the server has answered the sums, while the client reads
  // them and beside the closer looks (the groups are waited for only to look further back for
  // those with none lately; they are known once the sums are read). Where one group's can do
  // (`oneGroupDoes`), that group's first, once the sums are read.
  const one = oneGroupDoes(request, edges);
  const asked = answered.then(() =>
    one
      ? newestFirstOfOne(client, flavour, names, at, groupsFound, labels, one, request)
      : newestSamples(client, flavour, names, at, groupsFound, FRESHNESS_WINDOWS_MS, labels),
  );
  asked.catch(() => undefined); // awaited below, after the accounting (whose errors come first)
  const groups = await accounted;
  const newest = await asked;
  const replicas = replicaLabels.length > 0 ? await countCopies(client, names, replicaLabels, at) : undefined;
  return { series: withFreshness(groups, newest, edges.length - 1), replicas };
}

/** Groups × points per metric past which a query per run of equal slices costs less than one on a grid. */
const GRID_POINTS = 100_000;

/**
 * VictoriaMetrics: edges on one step for the sums when the slices are not all equal (weeks,
 * months, a price change or a clock change inside a day, a window that starts or ends inside a
 * step) but every edge falls on a common step of an hour or more (`uniformGrid`). It decodes
 * every block a query touches (up to 8,192 samples of a series: 28 days at 5-minute scrapes), so
 * a query per run of equal slices is about a pass over the series per run; one query on the grid
 * is one pass, at the cost of more points per group. Used when the number of values of the
 * labels summed by bounds groups × points under `GRID_POINTS` per metric (BENCHMARKS.md, issue
 * 14, seventeenth pass).
 */
async function gridFor(
  client: PrometheusClient,
  names: readonly string[],
  labels: ReadonlyMap<string, readonly string[]>,
  edges: readonly number[],
): Promise<number[] | undefined> {
  const grid = uniformGrid(edges, MAX_POINTS);
  if (!grid) return undefined;
  const selectors = names.map((n) => selectorWith(n, []));
  const end = edges[edges.length - 1] as number;
  let counts: Map<string, number>;
  try {
    // (From the epoch: VictoriaMetrics then searches its global index, not day by day.)
    const asked = [...new Set([...labels.values()].flat())];
    counts = new Map(await Promise.all(asked.map(async (l) => [l, (await client.labelValues(l, selectors, 0, end)).length] as const)));
  } catch {
    return undefined; // (only a way to read less: what fails is reported by the queries that follow)
  }
  for (const name of names) {
    let groups = 1;
    for (const l of labels.get(name) ?? []) groups *= (counts.get(l) ?? 0) + 1; // (+1: series without it)
    if (groups * grid.length > GRID_POINTS) return undefined;
  }
  return grid;
}

/** Each group's usage with its newest sample; groups with samples lately but none in the window: no usage, a newest sample. */
function withFreshness(groups: readonly GroupUsage[], newest: readonly SeriesFreshness[], slices: number): SeriesUsage[] {
  const fresh = new Map(newest.map((f) => [seriesKey(f.name, f.labels, undefined), f]));
  const series: SeriesUsage[] = [];
  for (const g of groups) {
    series.push({ name: g.name, labels: g.labels, perSlice: g.perSlice, coverage: g.coverage, freshness: freshnessOf(fresh.get(g.key)) });
    fresh.delete(g.key);
  }
  for (const f of fresh.values()) {
    series.push({
      name: f.name,
      labels: f.labels,
      perSlice: new Float64Array(slices),
      coverage: emptyCoverage(),
      freshness: freshnessOf(f),
    });
  }
  return series;
}

/**
 * Whether one group's newest sample can stand for all the data's (BENCHMARKS.md, fifteenth pass):
 * only the newest sample of all is wanted (`freshEnough`); no `--match` may leave the group out of
 * the report; and the window holds all that the look at every group reaches (so that look can
 * find no group the sums did not, which would enter the report with no usage).
 */
function oneGroupDoes(request: ReadRequest, edges: readonly number[]): FreshEnough | undefined {
  const span = (edges[edges.length - 1] as number) - (edges[0] as number);
  if (request.grouping.matchers.length > 0 || span < FRESHNESS_REACH_MS) return undefined;
  return request.freshEnough;
}

/**
 * The newest sample of one group the report keeps, with readings at the window's end, when it is
 * fresh enough; else the newest samples of every group (`newestSamples`).
 */
async function newestFirstOfOne(
  client: PrometheusClient,
  flavour: ServerFlavour,
  names: readonly string[],
  at: number,
  groups: Promise<readonly GroupFound[]>,
  labels: Map<string, string[]>,
  fresh: FreshEnough,
  request: ReadRequest,
): Promise<SeriesFreshness[]> {
  const one = (await groups).find((g) => g.readAtEnd && request.classifier.classify(g.name, g.labels, false)?.type !== undefined);
  const f = one ? await newestOfGroup(client, flavour, one.name, one.labels, at, labels) : undefined;
  if (f && f.newest >= fresh.at - fresh.withinMs) return [f];
  return newestSamples(client, flavour, names, at, groups, FRESHNESS_WINDOWS_MS, labels);
}

/** At most this many labels name a stopped series beside its group's (their values are joined on every series of the run query's answer). */
const MAX_STOP_LABELS = 24;

/** Per metric, the labels present that it is not summed by (replica labels and reserved names aside). */
function stopLabels(labels: Map<string, string[]>, replicaLabels: readonly string[], present: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, grouped] of labels) {
    const skip = new Set([...grouped, ...replicaLabels, 'rollup']);
    const rest = [...present].filter((l) => LABEL_NAME.test(l) && !l.startsWith('__') && !skip.has(l)).sort();
    out.set(name, rest.slice(0, MAX_STOP_LABELS));
  }
  return out;
}

/** The metrics whose every label (of any token metric) is summed by or a replica label. */
function singletons(labels: Map<string, string[]>, replicaLabels: readonly string[], present: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const [name, grouped] of labels) {
    const known = new Set([...grouped, ...replicaLabels, '__name__']);
    if ([...present].every((l) => known.has(l))) out.add(name);
  }
  return out;
}

function freshnessOf(f: { newest: number; intervalMs: number | undefined } | undefined): SeriesUsage['freshness'] {
  if (!f) return { newest: Number.NaN, intervalMs: undefined };
  return { newest: f.newest, intervalMs: f.intervalMs };
}

/** Window in which HA copies are counted for the notice: the last hours before the window's end. */
const COPIES_WINDOW_MS = 6 * 3_600_000;

/** How many series were copies of another (counted once), and which replica labels told them apart. */
async function countCopies(
  client: PrometheusClient,
  names: readonly string[],
  replicaLabels: readonly string[],
  at: number,
): Promise<{ labels: string[]; copies: number } | undefined> {
  const w = duration(COPIES_WINDOW_MS);
  const parts: string[] = [];
  for (const name of names) {
    const sel = selectorWith(name, []);
    parts.push(
      tag(
        `count(last_over_time(${sel}[${w}])) - count(max without (${replicaLabels.join(', ')}) (last_over_time(${sel}[${w}])))`,
        Q,
        `copies ${name}`,
      ),
    );
    for (const l of replicaLabels)
      parts.push(tag(`count(last_over_time(${selectorWith(name, [{ label: l, op: '!=', value: '' }])}[${w}]))`, Q, `has ${l}`));
  }
  const res = await client.query(parts.join(' or '), at);
  let copies = 0;
  const found = new Set<string>();
  for (const r of res.result as VectorSample[]) {
    const q = r.metric[Q] ?? '';
    if (!('value' in r)) continue;
    if (q.startsWith('copies ')) copies += parseValue(r.value[1]) || 0;
    else if (q.startsWith('has ') && parseValue(r.value[1]) > 0) found.add(q.slice(4));
  }
  return copies > 0 ? { labels: replicaLabels.filter((l) => found.has(l)), copies } : undefined;
}
