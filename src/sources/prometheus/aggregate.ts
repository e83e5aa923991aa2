import { addCoverage, type Coverage, emptyCoverage, sliceOf } from '../../ledger/accounting.js';
import { seriesKey } from '../../ledger/store.js';
import { emptyLabels, type Labels } from '../../model.js';
import { accountOnServer } from './account.js';
import type { PrometheusClient, ServerFlavour, VectorSample } from './client.js';
import { type RangeSeries, zeros } from './series.js';
import {
  baselineLooks,
  batches,
  duration,
  groupBy,
  headApart,
  ID,
  ID_SEPARATOR,
  inPool,
  type LabelMatch,
  MAX_POINTS,
  N,
  narrowTo,
  parseValue,
  Q,
  ranges,
  readingWindow,
  runParts,
  type RunPart,
  selectorWith,
  stripOurs,
  tag,
  windowAt,
} from './queries.js';

/**
 * Exact accounting summed on the server (design §4, for many series). Series that agree on every
 * label their reading depends on (`groupLabels`: token type, model, provider, gateway, the
 * report's grouping…) form a group, and the server sums them. For each group and slice edge it
 * returns the sum and the count of the readings (each logical series' last sample in the reading
 * window; HA copies are one series, at their highest reading), and for each slice the number of
 * series with samples in it or in the reading window before it, and of those with a reset there.
 *
 * A slice is exact from sums alone when every series present had a reading at both ends and none
 * reset: then its tokens are sum(end) − sum(start). Readings are taken inside the presence window,
 * so equal counts mean the same series. Series with no reading at the start are born when they
 * have no earlier sample at all (counted per group on the server, as on the per-series path);
 * their reading is all usage. Any other slice of a group (a reset, a gap, a series that stopped
 * inside the slice, a value no counter holds) is cut into hours (or days) and asked again, for
 * the groups concerned only, and what is still unclear at that grain is settled series by series
 * (`accountOnServer`), narrowed to those groups. Bytes grow with groups × slices plus what happened,
 * not with series; the result is the per-series path's to the token.
 */

export interface GroupAccountingInput {
  client: PrometheusClient;
  flavour: ServerFlavour;
  names: readonly string[];
  /** Slice edges; slice i is (edges[i], edges[i+1]]. */
  edges: readonly number[];
  /**
   * Finer edges on one step that hold every edge (`uniformGrid`): the groups are accounted on
   * them, in one range query per metric, and their slices summed into the edges' slices.
   */
  grid?: readonly number[] | undefined;
  /** `--lookback`; undefined: 7 days, then the whole retention for series that look born. */
  lookbackMs: number | undefined;
  /** Per metric name, the labels its series are summed by. */
  groupLabels: ReadonlyMap<string, readonly string[]>;
  /** Labels whose copies are one counter (HA replicas); empty with `--no-dedupe`. */
  replicaLabels: readonly string[];
  /**
   * VictoriaMetrics: per metric, the other labels its series have (not summed by, not replica
   * labels). The run query names the series that stopped by them, so that the readings they
   * leave out are looked up for those series alone. Empty or missing: for their whole groups.
   */
  stopLabels?: ReadonlyMap<string, readonly string[]>;
  /**
   * Metrics whose every label is a group label or a replica label: each group is one series (or
   * the HA copies of one), so the count of its readings is 1 where it has one. Their run query
   * leaves the count out (on Prometheus one pass over the samples fewer); where the series
   * present say otherwise, the edge is looked at closer.
   */
  singletons?: ReadonlySet<string>;
  /**
   * VictoriaMetrics: false when some series has a `rollup` label of its own, which
   * `aggr_over_time` would overwrite (its answer would merge such series); then the plain rollups
   * are summed, as on Prometheus. Default true.
   */
  fuse?: boolean;
  /** Most points per series in one range query (Prometheus refuses more than 11,000). */
  maxPoints?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /**
   * Called once the server has answered every query of the sums (it has cores to spare for other
   * questions from then on, while the answers are read).
   */
  onAnswered?: () => void;
  /** Called once the sums are read, with the groups found (every group the result will hold). */
  onSums?: (groups: readonly GroupFound[]) => void;
}

export interface GroupUsage {
  /** Its identity as the ledger keys series: `seriesKey(name, labels)`. */
  key: string;
  name: string;
  /** The group's values of its metric's group labels. */
  labels: Labels;
  perSlice: Float64Array;
  coverage: Coverage;
}

/** A group as the sums found it. */
export interface GroupFound {
  name: string;
  labels: Labels;
  /**
   * Series were present in the last slice, and none lacked a reading at its end (as far as the run
   * query tells: VictoriaMetrics' names the series that did): a group likely to have fresh samples.
   */
  readAtEnd: boolean;
}

/** 2^24: the reset count rides above the presence count in one number. */
const FLAG = 16_777_216;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Slices longer than this are cut into hours (days above two days) before going series by series. */
const REFINE_ABOVE_MS = 2 * HOUR;
const MAX_DEPTH = 2;

interface Group {
  key: string;
  name: string;
  labels: Labels;
  /** Sum and count of readings at each edge (NaN, 0 where none). */
  sl: Float64Array;
  cl: Float64Array;
  /** Readings at each edge counting HA copies apart (only with replica labels). */
  cc: Float64Array;
  /** Per slice: series present, and series with a reset. */
  u: Float64Array;
  x: Float64Array;
  /**
   * Per slice (VictoriaMetrics): the sum of the last samples of the series present in it or in the
   * reading window before it; less the end readings, it is what the series that stopped left.
   */
  dl: Float64Array;
  /**
   * Per edge: over the window of the slice ending there, the series present (on VictoriaMetrics
   * also the sum of the lags of those with no reading at the edge, in `stale`).
   */
  pe: Float64Array;
  stale: Float64Array;
  /** Series with a reset in the slice before the first (for HA copies' stale readings). */
  xBefore: number;
  perSlice: Float64Array;
  coverage: Coverage;
  /** Series found born, per slice. */
  born: Map<number, number>;
  /**
   * VictoriaMetrics, per edge: the series (group and `stopLabels`) with no reading there but a
   * sample in the slice before (null: one whose labels did not split back).
   */
  stoppedAt: Map<number, (Labels | null)[]>;
}

interface Scope {
  names: readonly string[];
  edges: readonly number[];
  narrow: ReadonlyMap<string, readonly LabelMatch[]>;
  /** Only these groups are wanted (keys); undefined: all. */
  only?: ReadonlySet<string>;
  depth: number;
}

/** A slice of a group that the sums alone do not settle. */
interface Open {
  g: Group;
  i: number;
  /** Series with no reading at the slice start (births, when they have no older sample). */
  unbased: number;
  /** Series with no reading at the slice end (they stopped in the slice). */
  stopped: number;
}

export async function accountGroupsOnServer(input: GroupAccountingInput): Promise<GroupUsage[]> {
  const edges = input.grid ?? input.edges;
  const groups = await settleScope(input, { names: input.names, edges, narrow: new Map(), depth: 0 });
  return [...groups.values()].map((g) => {
    finish(g);
    let most = 0;
    for (const u of g.u) if (u > most) most = u;
    g.coverage.series = most;
    const perSlice = input.grid ? foldSlices(g.perSlice, input.grid, input.edges) : g.perSlice;
    return { key: g.key, name: g.name, labels: g.labels, perSlice, coverage: g.coverage };
  });
}

/** Tokens per slice of `fine` (edges holding every edge of `edges`) summed into the slices of `edges`. */
function foldSlices(perSlice: Float64Array, fine: readonly number[], edges: readonly number[]): Float64Array {
  const out = zeros(edges.length - 1);
  for (let k = 0; k < perSlice.length; k++) {
    const s = sliceOf(edges, fine[k + 1] as number);
    out[s] = (out[s] as number) + (perSlice[k] as number);
  }
  return out;
}

function found(g: Group): GroupFound {
  const last = g.pe.length - 1;
  return { name: g.name, labels: g.labels, readAtEnd: (g.pe[last] as number) > 0 && !((g.stale[last] as number) > 0) };
}

/** Counts the births settled here into the coverage. */
function finish(g: Group): void {
  for (const n of g.born.values()) g.coverage.births += n;
  g.born.clear();
}

async function settleScope(input: GroupAccountingInput, scope: Scope): Promise<Map<string, Group>> {
  const groups = await readGroups(input, scope);
  if (scope.depth === 0) input.onSums?.([...groups.values()].map(found));
  await readingsWhereStopped(input, scope, groups, markStopped(input, scope, groups));
  // Settled after every reading is in: a closer look settles a range of slices for all the groups
  // in it at once, so no slice may be left for later.
  const pending: Open[] = [];
  const anomalies: Open[] = [];
  const replicated = input.replicaLabels.length > 0;
  for (const g of groups.values()) sortSlices(g, replicated, replicated && fused(input, g.name), pending, anomalies);
  // The looks at births and stops side by side with the closer looks at the anomalies already
  // known (each settles slices of its own groups); what the looks leave unsettled is looked at
  // closer after them.
  const late: Open[] = [];
  await Promise.all([settlePending(input, scope, pending, late), settleAnomalies(input, scope, groups, anomalies)]);
  if (late.length > 0) await settleAnomalies(input, scope, groups, late);
  return groups;
}

/** The group sums of every run of equal slices, per metric, a few requests at a time. */
async function readGroups(input: GroupAccountingInput, scope: Scope): Promise<Map<string, Group>> {
  const { edges } = scope;
  const maxPoints = input.maxPoints ?? MAX_POINTS;
  const groups = new Map<string, Group>();
  // Every edge read once.
  const work: NamedPart[] = runParts(edges, maxPoints, headApart(input.flavour)).flatMap((part) =>
    scope.names.map((name) => ({ name, ...part })),
  );
  // The server is done with the sums once every answer has begun (they are read after that).
  let answered = 0;
  const onAnswer = () => {
    if (++answered === work.length && scope.depth === 0) input.onAnswered?.();
  };
  await inPool(work, input.concurrency ?? 2, (item) =>
    fused(input, item.name) ? readFusedRun(input, scope, groups, item, onAnswer) : readPlainRun(input, scope, groups, item, onAnswer),
  );
  if (work.length === 0 && scope.depth === 0) input.onAnswered?.();
  return groups;
}

/** A run query's part for one metric. */
type NamedPart = RunPart & { name: string };

/** VictoriaMetrics' run: every rollup in one pass. */
async function readFusedRun(input: GroupAccountingInput, scope: Scope, groups: Map<string, Group>, run: NamedPart, onAnswer: () => void) {
  const { edges } = scope;
  const { name, firstEdge, n, stepMs } = run;
  const start = edges[firstEdge] as number;
  const sel = selectorWith(name, scope.narrow.get(name) ?? []);
  const query = fusedQuery(input, name, sel, stepMs, readingWindow(edges));
  const extra = stopLabelsOf(input, name);
  const each = (series: RangeSeries) => {
    const { metric } = series;
    const labels = stripOurs(metric, FUSED_OWN);
    // A stopped series' lag comes with its own labels' values, joined (the rest come summed by group).
    const id = extra.length > 0 && metric.rollup === 'lag' ? identity(labels, extra, metric[ID]) : undefined;
    const g = groupOf(input, groups, scope, name, labels);
    if (g) ingest(g, series, start, stepMs, firstEdge, n, id);
  };
  await input.client.queryRange(query, start + (run.skipFirst ? stepMs : 0), start + n * stepMs, stepMs, each, onAnswer);
}

/**
 * Prometheus' run (and VictoriaMetrics' where its rollups cannot be fused): one query, the
 * readings' sum and count, presence and resets. (Two queries would read different data on a live
 * server; one sum carrying both the sum and the count of the readings cannot tell a fractional
 * reading from a series: see BENCHMARKS.md, issue 14, eighth pass.)
 */
async function readPlainRun(input: GroupAccountingInput, scope: Scope, groups: Map<string, Group>, run: NamedPart, onAnswer: () => void) {
  const { edges } = scope;
  const { name, firstEdge, n, stepMs } = run;
  const start = edges[firstEdge] as number;
  const sel = selectorWith(name, scope.narrow.get(name) ?? []);
  const single = input.singletons?.has(name) === true;
  const touched = new Set<Group>();
  const each = (series: RangeSeries) => {
    const g = groupOf(input, groups, scope, name, stripOurs(series.metric));
    if (!g) return;
    ingest(g, series, start, stepMs, firstEdge, n);
    if (single) touched.add(g);
  };
  const query = plainQuery(input, name, sel, stepMs, readingWindow(edges), !single);
  await input.client.queryRange(query, start + (run.skipFirst ? stepMs : 0), start + n * stepMs, stepMs, each, onAnswer);
  for (const g of touched) countsOfSingles(g, firstEdge + (run.skipFirst ? 1 : 0), firstEdge + n);
}

/**
 * A group of one series: at each edge one reading where the sum has one, none elsewhere, when at
 * most one series was present in the window ending there (which holds every reading at the edge).
 * Where more were (a label the report's labels did not show), the count is unknown (NaN): the
 * slices around the edge are looked at closer.
 */
function countsOfSingles(g: Group, from: number, to: number): void {
  for (let e = from; e <= to; e++) {
    if ((g.pe[e] as number) <= 1) g.cl[e] = Number.isNaN(g.sl[e] as number) ? 0 : 1;
    else g.cl[e] = Number.NaN;
  }
}

/** `sum by (labels)` and the like, or the plain aggregation when there are no labels. */
function by(op: string, labels: readonly string[], expr: string): string {
  return labels.length > 0 ? `${op} by (${labels.join(', ')}) (${expr})` : `${op} (${expr})`;
}

/** HA copies as one series: the highest of them. */
function logical(input: GroupAccountingInput, expr: string): string {
  return input.replicaLabels.length > 0 ? `max without (${input.replicaLabels.join(', ')}) (${expr})` : expr;
}

/** An instant query at the window's end reads an earlier time through ` offset …` (none when it is that end). */
function offsetBy(ms: number): string {
  return ms > 0 ? ` offset ${duration(ms)}` : '';
}

/** A series' reading: its last sample in the window, when that is a value a counter can hold. */
function reading(sel: string, windowMs: number, offsetMs = 0): string {
  const offset = offsetBy(offsetMs);
  return `last_over_time(${sel}[${duration(windowMs)}]${offset}) >= 0 <= ${Number.MAX_SAFE_INTEGER}`;
}

/** VictoriaMetrics' `aggr_over_time` computes several rollups in one pass (its output names them by a `rollup` label). */
function fused(input: GroupAccountingInput, name: string): boolean {
  return input.flavour === 'victoriametrics' && input.fuse !== false && !(input.groupLabels.get(name) ?? []).includes('rollup');
}

/**
 * VictoriaMetrics' run query for one metric: per group and edge, the sum of last samples and the
 * series present; per slice, those with a reset; the series with no reading at an edge.
 */
function fusedQuery(input: GroupAccountingInput, name: string, sel: string, stepMs: number, r: number): string {
  const labels = input.groupLabels.get(name) ?? [];
  if (input.singletons?.has(name) === true) return singletonsQuery(input, labels, sel, stepMs, r);
  // VictoriaMetrics decodes every block of a series in the range for each rollup expression, so
  // there is one: over the slice and the reading window before it, per series, presence, resets,
  // the last sample and how long before the edge it came (`lag`). A series whose last sample is
  // within the reading window has a reading at the edge, and when all of a group's series do,
  // the sum of last samples is the sum of readings. A last sample below zero, −Inf or NaN is no
  // counter value: it is left out of the sum (one floor for every rollup, which presences, resets
  // and lags all pass), so a group left with none at an edge has no sum there and goes series by
  // series, which skips the sample and counts on from the last valid one. (Counted as 0 instead,
  // the next valid sample would be billed whole. A group where such a series sits beside valid
  // readings is still settled by its sums: a known gap, see BENCHMARKS.md, thirteenth pass.) One
  // above 2^53 makes the sum too big to be exact. HA copies: the highest lag, so a group reads as
  // whole only when every copy has a reading.
  const seen = logical(input, `aggr_over_time(("present_over_time", "resets", "last_over_time", "lag"), ${sel}[${duration(stepMs + r)}])`);
  let each = `${seen} >= 0`;
  // The lags name their series by their other labels' values, joined in one label (cleared from
  // the other rollups): one pass over the answer, whatever the number of labels.
  const extra = stopLabelsOf(input, name);
  if (extra.length > 0) {
    const names = extra.map((l) => JSON.stringify(l)).join(', ');
    each = `label_replace(label_join(${each}, "${ID}", ${JSON.stringify(ID_SEPARATOR)}, ${names}), "${ID}", "", "rollup", "present_over_time|resets|last_over_time")`;
  }
  // Filtered after the sum (a filter per rollup, joined on its label), where it meets a series per
  // stopped-series name, not one per series and rollup (BENCHMARKS.md, thirteenth pass): resets only
  // where there were some; lags of a reading window or more, so a group has a lag at an edge when
  // one of its series has no reading there. (Where two series share a name — more labels than
  // `stopLabels` keeps, or none joined, as for labels beginning with `__` — their lags add up, and
  // one may be looked at for nothing, never missed.)
  const summed = by('sum', extra.length > 0 ? [...labels, 'rollup', ID] : [...labels, 'rollup'], each);
  return tag(`${summed} >= on(rollup) group_left() ${perRollup(r / 1000)}`, Q, 'seen');
}

/**
 * `fusedQuery` where each group is one series (or the HA copies of one): its last sample in the
 * window is its reading when it is a counter value, and shows it present either way (the window
 * of presence is the same), so presence is not asked for, and no floor leaves a value out of a
 * sum of one: the client tells a reading from a value no counter holds (`ingest`), as series by
 * series does. A third fewer points to send and parse, a rollup and a pass fewer on the server
 * (BENCHMARKS.md, fourteenth pass). Still summed by the group labels, though each series is its
 * group: a series with a label the lookup of label names did not see would otherwise be a group
 * that no closer look keys by (BENCHMARKS.md, eighteenth pass).
 */
function singletonsQuery(input: GroupAccountingInput, labels: readonly string[], sel: string, stepMs: number, r: number): string {
  const seen = logical(input, `aggr_over_time(("resets", "last_over_time", "lag"), ${sel}[${duration(stepMs + r)}])`);
  return tag(`${by('sum', [...labels, 'rollup'], seen)} >= on(rollup) group_left() ${perRollup(r / 1000, true)}`, Q, 'seen1');
}

/**
 * A run query without fused rollups: the readings' sum (`sl`) and count (`cl`, `withCount`); per
 * slice, the series present in it or in the reading window before it, and those with a reset
 * there (`x`).
 */
function plainQuery(input: GroupAccountingInput, name: string, sel: string, stepMs: number, r: number, withCount: boolean): string {
  const labels = input.groupLabels.get(name) ?? [];
  // Prometheus 2.x range selectors are closed [t − r, t]; VictoriaMetrics' are (t − r, t].
  const open = input.flavour === 'victoriametrics' ? 0 : 1;
  const read = logical(input, reading(sel, r));
  const resets = logical(input, `clamp_max(resets(${sel}[${duration(stepMs + r - open)}]), 1)`);
  const parts = [tag(by('sum', labels, read), Q, 'sl'), tag(by('sum', labels, `${resets} * ${FLAG} + 1`), Q, 'x')];
  if (withCount) parts.push(tag(by('count', labels, read), Q, 'cl'));
  // Copies read apart: where two copies of a series have readings, one may be stale.
  if (input.replicaLabels.length > 0) parts.push(tag(by('count', labels, reading(sel, r)), Q, 'cc'));
  return parts.join(' or ');
}

/**
 * VictoriaMetrics: an edge's readings are its window's last samples when every series present
 * there has a reading; where some have none (they stopped in the slice before), those groups'
 * readings at that edge are asked for (`readingsWhereStopped`). Here those edges are cleared and
 * listed with the run query's sum of last samples there; the counts elsewhere are the series
 * present.
 */
function markStopped(input: GroupAccountingInput, scope: Scope, groups: Map<string, Group>): Wanted[] {
  const wanted: Wanted[] = [];
  for (const g of groups.values()) {
    if (!fused(input, g.name)) continue;
    for (let k = 0; k < scope.edges.length; k++) {
      g.cl[k] = g.pe[k] as number;
      if (!((g.stale[k] as number) > 0)) continue;
      wanted.push({ g, k, last: g.sl[k] as number });
      g.sl[k] = Number.NaN;
      g.cl[k] = 0;
    }
  }
  return wanted;
}

/**
 * The readings `markStopped` asked for, into the groups' sums and counts at those edges. Where
 * the run query named the stopped series apart from their groups (`stopLabels`), only those
 * series are looked at (a lookup into old data decodes every block it touches, about a pass over
 * the month for each series asked): their last samples in the slice's window, and their readings,
 * replace theirs in the group's sum. Elsewhere the groups' readings are asked for: an instant
 * query per edge, or, past a few edges, one range query over the window.
 */
async function readingsWhereStopped(
  input: GroupAccountingInput,
  scope: Scope,
  groups: Map<string, Group>,
  wanted: Wanted[],
): Promise<void> {
  if (wanted.length === 0) return;
  const apart: [Wanted[], LabelMatch[]][] = [];
  const whole: Wanted[] = [];
  for (const list of groupBy(wanted, (w) => `${w.k}\u0000${w.g.name}`).values()) {
    const name = (list[0] as Wanted).g.name;
    const extra = new Set(stopLabelsOf(input, name));
    const named = list.flatMap((w) => w.g.stoppedAt.get(w.k) ?? [null]);
    const ids = named.filter((id) => id !== null);
    const narrow = ids.length === named.length ? narrowTo(ids, [...(input.groupLabels.get(name) ?? []), ...extra]) : [];
    // Named apart when a label of their own narrows them to series that have it (else the answer
    // would hold every series of the groups).
    if (narrow.some((m) => extra.has(m.label) && !ids.some((id) => !Object.hasOwn(id, m.label) || id[m.label] === '')))
      apart.push([list, narrow]);
    else whole.push(...list);
  }
  const want = new Set(whole.map((w) => `${w.k}\u0000${w.g.key}`));
  const take: Take = (name, metric, k, value) => {
    const labels = stripOurs(metric);
    const rollup = labels.rollup;
    delete labels.rollup;
    const g = groups.get(seriesKey(name, labels, undefined));
    if (!g || !want.has(`${k}\u0000${g.key}`)) return;
    if (rollup === 'last_over_time') g.sl[k] = value;
    else if (rollup === 'present_over_time') g.cl[k] = value;
  };
  const byName = [...groupBy(whole, (w) => w.g.name)];
  const few = byName.filter(([, list]) => new Set(list.map((w) => w.k)).size <= INSTANT_READINGS);
  await Promise.all([
    readingsAtEdges(input, scope, few, take),
    readingsOverRuns(
      input,
      scope,
      byName.filter((entry) => !few.includes(entry)),
      take,
    ),
    readingsOfStopped(input, scope, groups, apart),
  ]);
}

interface Wanted {
  g: Group;
  k: number;
  /** The run query's sum of last samples in the window of the slice ending at the edge. */
  last: number;
}

/**
 * Per edge, the stopped series (and those the matchers cannot tell from them), one by one: their
 * last sample in the run query's window and how long before the edge it came, in one pass. Per
 * group, the readings at the edge are the run query's last samples less those series' last
 * samples plus their readings (HA copies as one series, as in the run query); a sum that integers
 * below 2^53 cannot make exact is left unread (the slice is then settled series by series).
 */
async function readingsOfStopped(
  input: GroupAccountingInput,
  scope: Scope,
  groups: Map<string, Group>,
  apart: [Wanted[], LabelMatch[]][],
): Promise<void> {
  if (apart.length === 0) return;
  const { edges } = scope;
  const at = edges[edges.length - 1] as number;
  const r = readingWindow(edges);
  const parts: string[] = [];
  for (const [list, narrow] of apart) {
    const { k, g } = list[0] as Wanted;
    const sel = selectorWith(g.name, [...(scope.narrow.get(g.name) ?? []), ...narrow]);
    const offset = offsetBy(at - (edges[k] as number));
    // The run query's window at the edge.
    const slice = windowAt(edges, k, headApart(input.flavour));
    const each = `clamp(aggr_over_time(("last_over_time", "lag"), ${sel}[${duration(slice + r)}]${offset}), 0, ${Number.MAX_SAFE_INTEGER + 1})`;
    parts.push(tag(tag(each, Q, String(k)), N, g.name));
  }
  // Per edge and logical series: the highest last sample of its copies, and of those with a reading.
  const seen = new Map<string, { g: Group; k: number; last: number; read: number }>();
  const copies = new Map<string, { last?: number; lag?: number }>();
  await inPool(batches(parts), input.concurrency ?? 2, async (query) => {
    for (const s of (await input.client.query(query, at)).result as VectorSample[]) {
      const q = s.metric[Q];
      const name = s.metric[N];
      if (!('value' in s) || q === undefined || name === undefined) continue;
      const labels = stripOurs(s.metric);
      const rollup = labels.rollup;
      delete labels.rollup;
      const copy = `${q}\u0000${seriesKey(name, labels, undefined)}`;
      let c = copies.get(copy);
      if (!c) copies.set(copy, (c = {}));
      if (rollup === 'last_over_time') c.last = parseValue(s.value[1]);
      else if (rollup === 'lag') c.lag = parseValue(s.value[1]);
      if (c.last === undefined || c.lag === undefined) continue;
      const g = groups.get(seriesKey(name, project(labels, input.groupLabels.get(name) ?? []), undefined));
      if (!g) continue;
      for (const l of input.replicaLabels) delete labels[l];
      const key = `${q}\u0000${seriesKey(name, labels, undefined)}`;
      let e = seen.get(key);
      if (!e) seen.set(key, (e = { g, k: Number(q), last: Number.NEGATIVE_INFINITY, read: Number.NEGATIVE_INFINITY }));
      // (NaN stays NaN: a value no counter holds leaves the group unread.)
      e.last = Number.isNaN(c.last) ? Number.NaN : Math.max(e.last, c.last);
      if (c.lag < r / 1000) e.read = Math.max(e.read, c.last);
    }
  });
  replaceStopped(apart, seen.values());
}

/** Per group and edge: the run query's last samples less the stopped series', plus their readings. */
function replaceStopped(apart: [Wanted[], LabelMatch[]][], seen: Iterable<{ g: Group; k: number; last: number; read: number }>): void {
  const left = new Map<string, { sum: number; count: number; readSum: number; readCount: number; exact: boolean }>();
  for (const { g, k, last, read } of seen) {
    const key = `${k}\u0000${g.key}`;
    let t = left.get(key);
    if (!t) left.set(key, (t = { sum: 0, count: 0, readSum: 0, readCount: 0, exact: true }));
    t.sum += last;
    t.count++;
    t.exact &&= Number.isSafeInteger(last);
    if (read > Number.NEGATIVE_INFINITY) {
      t.readSum += read;
      t.readCount++;
    }
  }
  for (const [list] of apart) {
    for (const { g, k, last } of list) {
      const t = left.get(`${k}\u0000${g.key}`);
      // Integers below 2^53 subtract exactly; the stopped series must have been seen.
      if (!t || !t.exact || !Number.isSafeInteger(last) || !Number.isSafeInteger(t.sum)) continue;
      const sum = last - t.sum + t.readSum;
      const count = (g.pe[k] as number) - t.count + t.readCount;
      if (!(sum >= 0) || !(count >= 0)) continue;
      g.sl[k] = sum;
      g.cl[k] = count;
    }
  }
}

type Take = (name: string, metric: Record<string, string>, k: number, value: number) => void;

/** The sum and the count of the readings of a selector, in one pass (`rollup` names them). */
function readingsOf(input: GroupAccountingInput, sel: string, windowMs: number, offset: string): string {
  return logical(
    input,
    `clamp(aggr_over_time(("last_over_time", "present_over_time"), ${sel}[${duration(windowMs)}]${offset}), 0, ${Number.MAX_SAFE_INTEGER + 1})`,
  );
}

function narrowedTo(input: GroupAccountingInput, scope: Scope, name: string, list: readonly Wanted[]): string {
  const narrow = narrowTo(
    list.map((w) => w.g.labels),
    input.groupLabels.get(name) ?? [],
  );
  return selectorWith(name, [...(scope.narrow.get(name) ?? []), ...narrow]);
}

async function readingsAtEdges(input: GroupAccountingInput, scope: Scope, byName: [string, Wanted[]][], take: Take): Promise<void> {
  const { edges } = scope;
  const at = edges[edges.length - 1] as number;
  const queries: string[] = [];
  for (const [name, list] of byName) {
    const parts: string[] = [];
    const labels = input.groupLabels.get(name) ?? [];
    for (const [edge, same] of groupBy(list, (w) => String(w.k))) {
      const k = Number(edge);
      // The reading window of the slice ending at the edge (the first edge: of the first slice).
      const r = readingWindow(edges);
      const offset = offsetBy(at - (edges[k] as number));
      const read = readingsOf(input, narrowedTo(input, scope, name, same), r, offset);
      parts.push(tag(tag(by('sum', [...labels, 'rollup'], read), Q, edge), N, name));
    }
    queries.push(...batches(parts));
  }
  await inPool(queries, input.concurrency ?? 2, async (query) => {
    for (const r of (await input.client.query(query, at)).result as VectorSample[]) {
      const edge = r.metric[Q];
      const name = r.metric[N];
      if ('value' in r && name !== undefined && edge !== undefined) take(name, r.metric, Number(edge), parseValue(r.value[1]));
    }
  });
}

async function readingsOverRuns(input: GroupAccountingInput, scope: Scope, byName: [string, Wanted[]][], take: Take): Promise<void> {
  const { edges } = scope;
  const maxPoints = input.maxPoints ?? MAX_POINTS;
  const work: (RunPart & { name: string; sel: string })[] = [];
  for (const [name, list] of byName) {
    const sel = narrowedTo(input, scope, name, list);
    for (const part of runParts(edges, maxPoints, false)) work.push({ name, sel, ...part });
  }
  await inPool(work, input.concurrency ?? 2, async ({ name, sel, firstEdge, n, stepMs, skipFirst }) => {
    const start = edges[firstEdge] as number;
    const query = by('sum', [...(input.groupLabels.get(name) ?? []), 'rollup'], readingsOf(input, sel, readingWindow(edges), ''));
    await input.client.queryRange(query, start + (skipFirst ? stepMs : 0), start + n * stepMs, stepMs, (series) => {
      for (let p = 0; p < series.times.length; p++) {
        const k = Math.round(((series.times[p] as number) * 1000 - start) / stepMs);
        // An edge's reading window is that of the slice ending there (as in the run query).
        if (k >= 0 && k <= n && (k > 0 || firstEdge === 0)) take(name, series.metric, firstEdge + k, series.values[p] as number);
      }
    });
  });
}

/** Edges with stopped series looked up one by one (instant queries); past this, one range query. */
const INSTANT_READINGS = 2;

/**
 * MetricsQL: the per-rollup floor of the run query's sums. Every presence; sums of last samples; resets only
 * where there was one (a group without a point had none, as its zero-initialised slices say: a
 * third fewer points to send and parse); lags of the reading window or more.
 */
function perRollup(lag: number, singletons = false): string {
  const floors: [string, string][] = [
    ...(singletons ? [] : ([['present_over_time', '-Inf']] as [string, string][])),
    ['resets', '1'],
    // (Of one series: every last sample, whatever its value.)
    ['last_over_time', singletons ? '-Inf' : '0'],
    ['lag', String(lag)],
  ];
  return `(${floors.map(([r, v]) => `label_set(vector(${v}), "rollup", "${r}")`).join(' or ')})`;
}

/** A stopped series' labels from its group's and the joined values of `extra`; null when they do not split back. */
function identity(group: Labels, extra: readonly string[], joined: string | undefined): Labels | null {
  const values = (joined ?? '').split(ID_SEPARATOR);
  if (values.length !== extra.length) return null;
  const out = emptyLabels();
  for (const [k, v] of Object.entries(group)) out[k] = v;
  for (const [i, l] of extra.entries()) if (values[i] !== '') out[l] = values[i] as string;
  return out;
}

/** The labels that name a stopped series beside its group's, on VictoriaMetrics' run query. */
function stopLabelsOf(input: GroupAccountingInput, name: string): readonly string[] {
  return input.stopLabels?.get(name) ?? [];
}

/** The labels a fused run's query adds to a series: its rollup's, and the joined names of a stopped series. */
const FUSED_OWN = ['rollup', ID];

/** The group of a series of a run's answer (`labels`: its group's, as the run query gave them). */
function groupOf(input: GroupAccountingInput, groups: Map<string, Group>, scope: Scope, name: string, labels: Labels): Group | undefined {
  const key = seriesKey(name, labels, undefined);
  if (scope.only && !scope.only.has(key)) return undefined;
  let g = groups.get(key);
  if (!g) {
    const n = scope.edges.length;
    g = {
      key,
      name,
      labels,
      sl: zeros(n).fill(Number.NaN),
      cl: zeros(n),
      cc: zeros(n),
      u: zeros(n - 1),
      x: zeros(n - 1),
      dl: zeros(n - 1).fill(Number.NaN),
      pe: zeros(n),
      stale: zeros(n),
      xBefore: 0,
      perSlice: zeros(n - 1),
      coverage: emptyCoverage(),
      born: new Map(),
      stoppedAt: new Map(),
    };
    groups.set(key, g);
  }
  return g;
}

function ingest(g: Group, series: RangeSeries, start: number, stepMs: number, firstEdge: number, n: number, id?: Labels | null): void {
  const q = partOf(series.metric);
  for (let p = 0; p < series.times.length; p++) {
    const k = Math.round(((series.times[p] as number) * 1000 - start) / stepMs);
    if (k < 0 || k > n) continue;
    const edge = firstEdge + k;
    const value = series.values[p] as number;
    if (q === 'sl') g.sl[edge] = value;
    else if (q === 'cl') g.cl[edge] = value;
    else if (q === 'cc') g.cc[edge] = value;
    else if (q === 'x') {
      // (The series present in the window ending at the edge: a bound on its readings.)
      g.pe[edge] = value % FLAG;
      if (k > 0) {
        g.u[edge - 1] = value % FLAG;
        g.x[edge - 1] = Math.floor(value / FLAG);
      } else if (edge === 0) g.xBefore = Math.floor(value / FLAG);
    } else if (q === 'resets' && k > 0) g.x[edge - 1] = value;
    else if (q === 'resets' && edge === 0) g.xBefore = value;
    // An edge's values come from the window of the slice that ends there (the first edge: the
    // window before it), all from one query (a run that starts at an edge does not read it).
    else if (k === 0 && edge > 0) continue;
    else if (q === 'present') {
      g.pe[edge] = value;
      if (k > 0) g.u[edge - 1] = value;
    } else if (q === 'dl') {
      g.sl[edge] = value;
      if (k > 0) g.dl[edge - 1] = value;
    } else if (q === 'dl1') {
      // One series' last sample: present, and its reading when a counter holds it (else none,
      // as the floor leaves it where groups are summed: the slices around go series by series).
      g.pe[edge] = 1;
      if (k > 0) g.u[edge - 1] = 1;
      if (!(value >= 0)) continue;
      g.sl[edge] = value;
      if (k > 0) g.dl[edge - 1] = value;
    } else if (q === 'stale' && id !== undefined) {
      // One of several stopped series of the group (each names itself).
      g.stale[edge] = (g.stale[edge] as number) + value;
      const list = g.stoppedAt.get(edge);
      if (list) list.push(id);
      else g.stoppedAt.set(edge, [id]);
    } else if (q === 'stale') g.stale[edge] = value;
  }
}

/** Which part of the run query a series of its answer is (VictoriaMetrics' parts by their rollup). */
function partOf(metric: Record<string, string>): string | undefined {
  const q = metric[Q];
  if (q === 'seen' || q === 'seen1') {
    const rollup = metric.rollup;
    if (rollup === 'lag') return 'stale';
    if (rollup === 'last_over_time') return q === 'seen' ? 'dl' : 'dl1';
    return rollup === 'present_over_time' ? 'present' : rollup === 'resets' ? 'resets' : undefined;
  }
  return q;
}

/** Settles the slices the sums settle; the rest wait for a closer look or go to `anomalies`. */
function sortSlices(g: Group, replicated: boolean, blind: boolean, pending: Open[], anomalies: Open[]): void {
  for (let i = 0; i < g.u.length; i++) {
    const u = g.u[i] as number;
    const a = g.cl[i] as number;
    const b = g.cl[i + 1] as number;
    if (u === 0 && a === 0 && b === 0) continue; // nothing there
    // An HA copy that missed a reset reads its old counter for up to an hour after it: with two
    // copies read at the slice start, a reset just before it leaves the start reading in doubt.
    const before = i > 0 ? (g.x[i - 1] as number) : g.xBefore;
    // (`blind`: copies were not counted apart, so any reset before the slice leaves it in doubt.)
    const doubtful = replicated && before > 0 && (blind || (g.cc[i] as number) > a);
    if ((g.x[i] as number) > 0 || doubtful || !(a <= u) || !(b <= u)) anomalies.push({ g, i, unbased: 0, stopped: 0 });
    else if (a < u || b < u) pending.push({ g, i, unbased: u - a, stopped: u - b });
    else if (!settleBySums(g, i, 0)) anomalies.push({ g, i, unbased: 0, stopped: 0 });
  }
}

/**
 * Tokens of slice i as sum(end) + `extra` − sum(start), where `extra` is the last sample of the
 * series that stopped in the slice; false when the sums cannot be exact.
 */
function settleBySums(g: Group, i: number, extra: number): boolean {
  const end = (g.cl[i + 1] as number) > 0 ? (g.sl[i + 1] as number) : 0;
  const start = (g.cl[i] as number) > 0 ? (g.sl[i] as number) : 0;
  const d = end + extra - start;
  if (!(end + extra <= Number.MAX_SAFE_INTEGER) || !(d >= 0) || !Number.isFinite(start)) return false;
  g.perSlice[i] = d;
  if (d !== Math.floor(d)) g.coverage.fractionalIncrements++;
  return true;
}

/**
 * Slices where some series had no reading at the start or at the end. Those with none at the
 * start are born when none has an older sample (within `--lookback`, else a week, then the whole
 * retention); those with none at the end stopped in the slice, and their last sample there ends
 * their usage. One query per metric and look, whatever the number of slices and groups.
 */
async function settlePending(input: GroupAccountingInput, scope: Scope, pending: Open[], anomalies: Open[]): Promise<void> {
  // Metrics side by side; each one's looks in turn (the second asks only what the first left).
  const byName = [...groupBy(pending, (p) => p.g.name)];
  // At most --concurrency queries at the server: shared between the metrics and their batches.
  const outer = Math.max(1, Math.min(byName.length, input.concurrency ?? 2));
  const inner = Math.max(1, Math.floor((input.concurrency ?? 2) / outer));
  await inPool(byName, outer, async ([name, list]) => {
    const answers = new Map<string, number>();
    // On VictoriaMetrics the run query gave what stopped series left; elsewhere it is asked here.
    const askStopped = !fused(input, name);
    let open = list;
    for (const [stage, look] of baselineLooks(input.lookbackMs).entries()) {
      const asked = open.filter((p) => (stage === 0 && askStopped) || p.unbased > 0);
      if (asked.length === 0) break;
      const got = await closerLook(input, scope, name, asked, look, stage === 0 && askStopped, inner);
      open = open.filter((p) => {
        const key = (what: string) => `${what} ${p.i}\u0000${p.g.key}`;
        const ok =
          (p.unbased === 0 || !(look > 0) || got.get(key('b')) === p.unbased) &&
          (stage > 0 || p.stopped === 0 || !askStopped || got.get(key('dc')) === p.stopped);
        if (!ok) anomalies.push(p); // an older sample, or a stopped series without a counter value
        if (stage === 0 && p.stopped > 0 && askStopped) answers.set(key('d'), got.get(key('d')) ?? Number.NaN);
        return ok;
      });
    }
    for (const p of open) {
      const extra = p.stopped === 0 ? 0 : askStopped ? (answers.get(`d ${p.i}\u0000${p.g.key}`) as number) : leftByStopped(p);
      if (settleBySums(p.g, p.i, extra)) {
        if (p.unbased > 0) p.g.born.set(p.i, p.unbased);
      } else anomalies.push(p);
    }
  });
}

/** VictoriaMetrics: the last samples of the series present in the slice less the end readings. */
function leftByStopped(p: Open): number {
  const { g, i } = p;
  const end = (g.cl[i + 1] as number) > 0 ? (g.sl[i + 1] as number) : 0;
  const d = (g.dl[i] as number) - end;
  return d >= 0 ? d : Number.NaN;
}

/**
 * Per slice and group (`what slice NUL group` → value): `b`, series with samples in the slice and
 * none within `look` before it; with `stopped`, `d` and `dc`, the sum and count of the last
 * samples of the series present in the slice with no reading at its end.
 */
async function closerLook(
  input: GroupAccountingInput,
  scope: Scope,
  name: string,
  open: Open[],
  look: number,
  stopped: boolean,
  limit: number,
): Promise<Map<string, number>> {
  const labels = input.groupLabels.get(name) ?? [];
  const at = scope.edges[scope.edges.length - 1] as number;
  const shut = input.flavour === 'victoriametrics' ? 0 : 1;
  const offset = (t: number) => offsetBy(at - t);
  const parts: string[] = [];
  for (const [slice, list] of groupBy(open, (p) => String(p.i))) {
    const i = Number(slice);
    const from = scope.edges[i] as number;
    const to = scope.edges[i + 1] as number;
    const r = readingWindow(scope.edges);
    const sel = selectorWith(name, [
      ...(scope.narrow.get(name) ?? []),
      ...narrowTo(
        list.map((p) => p.g.labels),
        labels,
      ),
    ]);
    if (list.some((p) => p.unbased > 0) && look > 0) {
      const inSlice = logical(input, `last_over_time(${sel}[${duration(to - from - shut)}]${offset(to)})`);
      const older = logical(input, `last_over_time(${sel}[${duration(look)}]${offset(from)})`);
      parts.push(tag(by('count', labels, `${inSlice} unless ${older}`), Q, `b ${i}`));
    }
    if (stopped && list.some((p) => p.stopped > 0)) {
      const last = logical(
        input,
        `last_over_time(${sel}[${duration(to - from + r - shut)}]${offset(to)}) >= 0 <= ${Number.MAX_SAFE_INTEGER}`,
      );
      const gone = `${last} unless ${logical(input, reading(sel, r, at - to))}`;
      parts.push(tag(by('sum', labels, gone), Q, `d ${i}`), tag(by('count', labels, gone), Q, `dc ${i}`));
    }
  }
  const out = new Map<string, number>();
  await inPool(batches(parts), limit, async (query) => {
    const res = await input.client.query(query, at);
    for (const r of res.result as VectorSample[]) {
      if (!('value' in r) || r.metric[Q] === undefined) continue;
      out.set(`${r.metric[Q]}\u0000${seriesKey(name, stripOurs(r.metric), undefined)}`, parseValue(r.value[1]));
    }
  });
  return out;
}

/**
 * Slices the sums could not settle: per metric, each run of such slices is asked again for the
 * groups concerned, in hours (or days), or series by series when the slices are short enough.
 * Those groups' slices in the run all take the new answer, and the births counted for them here
 * are dropped (the new answer counts them).
 */
async function settleAnomalies(input: GroupAccountingInput, scope: Scope, groups: Map<string, Group>, anomalies: Open[]): Promise<void> {
  const work: { name: string; i: number; j: number; members: Group[] }[] = [];
  for (const [name, list] of groupBy(anomalies, (a) => a.g.name)) {
    for (const [i, j] of ranges(list.map((a) => a.i))) {
      const keys = new Set(list.filter((a) => a.i >= i && a.i <= j).map((a) => a.g.key));
      work.push({ name, i, j, members: [...keys].map((k) => groups.get(k) as Group) });
    }
  }
  await inPool(work, input.concurrency ?? 2, async ({ name, i, j, members }) => {
    const narrow = [
      ...(scope.narrow.get(name) ?? []),
      ...narrowTo(
        members.map((g) => g.labels),
        input.groupLabels.get(name) ?? [],
      ),
    ];
    const keys = new Set(members.map((g) => g.key));
    const settled = await settleRange(input, scope, name, i, j, narrow, keys, mostlyReset(members, i, j));
    for (const g of members) {
      const r = settled.get(g.key);
      for (let s = i; s <= j; s++) {
        g.perSlice[s] = r ? (r.perSlice[s - i] as number) : 0;
        g.born.delete(s);
      }
      if (r) addCoverage(g.coverage, { ...r.coverage, series: 0 });
    }
  });
}

/**
 * Whether the resets in slices i…j of these groups are at least half the series present there (a
 * gateway's restart; on VictoriaMetrics a series that reset twice counts twice).
 */
function mostlyReset(members: readonly Group[], i: number, j: number): boolean {
  let resets = 0;
  let present = 0;
  for (const g of members) {
    for (let s = i; s <= j; s++) {
      resets += g.x[s] as number;
      present += g.u[s] as number;
    }
  }
  return present > 0 && 2 * resets >= present;
}

/**
 * Tokens per slice i…j of these groups of one metric: finer sums, or series by series (from raw
 * samples at once when most of them reset: their readings would not settle them).
 */
async function settleRange(
  input: GroupAccountingInput,
  scope: Scope,
  name: string,
  i: number,
  j: number,
  narrow: LabelMatch[],
  keys: ReadonlySet<string>,
  rawFirst: boolean,
): Promise<Map<string, { perSlice: Float64Array; coverage: Coverage }>> {
  const edges = scope.edges.slice(i, j + 2);
  const out = new Map<string, { perSlice: Float64Array; coverage: Coverage }>();
  const entry = (key: string) => {
    let e = out.get(key);
    if (!e) out.set(key, (e = { perSlice: new Float64Array(edges.length - 1), coverage: emptyCoverage() }));
    return e;
  };
  const sub = finerEdges(edges);
  if (scope.depth < MAX_DEPTH && sub.length > edges.length) {
    const child = await settleScope(input, {
      names: [name],
      edges: sub,
      narrow: new Map([[name, narrow]]),
      only: keys,
      depth: scope.depth + 1,
    });
    for (const g of child.values()) {
      finish(g);
      const e = entry(g.key);
      const folded = foldSlices(g.perSlice, sub, edges);
      for (let k = 0; k < folded.length; k++) e.perSlice[k] = (e.perSlice[k] as number) + (folded[k] as number);
      addCoverage(e.coverage, g.coverage);
    }
    return out;
  }
  const usage = await accountOnServer({
    client: input.client,
    flavour: input.flavour,
    names: [name],
    edges,
    lookbackMs: input.lookbackMs,
    replicas: input.replicaLabels.length > 0 ? { dedupe: true, labels: input.replicaLabels } : { dedupe: false },
    selectors: { [name]: selectorWith(name, narrow) },
    freshness: false,
    fuse: fused(input, name),
    rawFirst,
  });
  const labels = input.groupLabels.get(name) ?? [];
  for (const s of usage.series) {
    const key = seriesKey(name, project(s.labels, labels), undefined);
    if (!keys.has(key)) continue;
    const e = entry(key);
    for (let k = 0; k < s.perSlice.length; k++) e.perSlice[k] = (e.perSlice[k] as number) + (s.perSlice[k] as number);
    addCoverage(e.coverage, s.coverage);
  }
  return out;
}

/** A series' values of the group labels (those it has). */
function project(labels: Labels, names: readonly string[]): Labels {
  const out = emptyLabels();
  for (const n of names) if (Object.hasOwn(labels, n) && labels[n] !== '') out[n] = labels[n] as string;
  return out;
}

/** The edges with every slice longer than two hours cut into hours (days, above two days). */
function finerEdges(edges: readonly number[]): number[] {
  const out: number[] = [edges[0] as number];
  for (let i = 0; i + 1 < edges.length; i++) {
    const a = edges[i] as number;
    const b = edges[i + 1] as number;
    if (b - a > REFINE_ABOVE_MS) {
      const step = b - a > 2 * DAY ? DAY : HOUR;
      for (let t = a + step; t < b; t += step) out.push(t);
    }
    out.push(b);
  }
  return out;
}
