import { emptyLabels, type Labels } from '../../model.js';
import type { ServerFlavour } from './client.js';

/** Label names tokenspend adds to tell the parts of one query apart in its answer. */
export const Q = '__tokenspend_q';
export const N = '__tokenspend_name';
/** A label holding other labels' values, joined by `ID_SEPARATOR` (a control character: a value holding it does not split back). */
export const ID = '__tokenspend_id';
export const ID_SEPARATOR = '\u001f';
const BARE_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** PromQL selector for a metric name (UTF-8 names go inside the braces). */
export function selector(name: string, matchers: Labels = {}): string {
  const parts = Object.entries(matchers).map(([k, v]) => `${BARE_NAME.test(k) ? k : JSON.stringify(k)}=${JSON.stringify(v)}`);
  if (BARE_NAME.test(name)) return parts.length > 0 ? `${name}{${parts.join(',')}}` : name;
  return `{${[`__name__=${JSON.stringify(name)}`, ...parts].join(',')}}`;
}

/** A label matcher in a narrowed selector: equal to a value, or (RE2, anchored) one of several. */
export interface LabelMatch {
  label: string;
  op: '=' | '=~' | '!=';
  value: string;
}

/** PromQL selector for a metric name with these matchers. */
export function selectorWith(name: string, matches: readonly LabelMatch[]): string {
  const parts = matches.map((m) => `${BARE_NAME.test(m.label) ? m.label : JSON.stringify(m.label)}${m.op}${JSON.stringify(m.value)}`);
  if (BARE_NAME.test(name)) return parts.length > 0 ? `${name}{${parts.join(',')}}` : name;
  return `{${[`__name__=${JSON.stringify(name)}`, ...parts].join(',')}}`;
}

/** An RE2 pattern matching exactly these values (the empty value matches series without the label). */
export function anyOf(values: Iterable<string>): string {
  return [...values].map((v) => v.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')).join('|');
}

/** Most values one label may list in a narrowing matcher; beyond it the label is not used to narrow. */
const MAX_NARROW_VALUES = 64;
/** Most characters of all narrowing alternations together (VictoriaMetrics refuses queries over 16 KiB). */
const MAX_NARROW_CHARS = 3000;
/** Longest query sent in one request (VictoriaMetrics' default -search.maxQueryLen is 16 KiB). */
export const MAX_QUERY_CHARS = 15_000;

/** Parts of an `or` query, joined into as few queries as fit `MAX_QUERY_CHARS`. */
export function batches(parts: readonly string[]): string[] {
  const out: string[] = [];
  let current = '';
  for (const p of parts) {
    if (current !== '' && current.length + 4 + p.length > MAX_QUERY_CHARS) {
      out.push(current);
      current = '';
    }
    current = current === '' ? p : `${current} or ${p}`;
  }
  if (current !== '') out.push(current);
  return out;
}

/**
 * Matchers that select the series of these groups (label sets over the same label names) and as
 * few others as they can: a label with one value is matched exactly, one with a few by an
 * alternation, one with many not at all.
 */
export function narrowTo(groups: Iterable<Readonly<Record<string, string>>>, labels: readonly string[]): LabelMatch[] {
  const values = new Map<string, Set<string>>(labels.map((l) => [l, new Set<string>()]));
  for (const g of groups) for (const l of labels) values.get(l)?.add(Object.hasOwn(g, l) ? (g[l] as string) : '');
  const out: LabelMatch[] = [];
  let chars = 0;
  // Labels with the fewest values narrow the most for their length: they go first.
  for (const [label, set] of [...values].sort((a, b) => a[1].size - b[1].size)) {
    if (set.size === 0 || set.size > MAX_NARROW_VALUES) continue;
    const m: LabelMatch =
      set.size === 1 ? { label, op: '=', value: [...set][0] as string } : { label, op: '=~', value: anyOf([...set].sort()) };
    if (chars + m.value.length > MAX_NARROW_CHARS) continue;
    chars += m.value.length;
    out.push(m);
  }
  return out;
}

export function duration(ms: number): string {
  return `${Math.max(1, Math.round(ms))}ms`;
}

export function tag(expr: string, label: string, value: string): string {
  return `label_replace(${expr}, ${JSON.stringify(label)}, ${JSON.stringify(value)}, "", "")`;
}

/**
 * How far before an edge a sample still counts as the reading there: one window for every edge of
 * the slices accounted together (the longest slice, at most an hour), so that the slice ending at
 * an edge and the one starting there read it alike. (With a window per slice length, a series
 * read at an edge by the hour-long slice before it but not present in a 20-minute slice after it
 * would make equal counts stand for different series.) A window longer than a slice is sound: its
 * readings and presence still lie in the slice and the window before it.
 */
export function readingWindow(edges: readonly number[]): number {
  let longest = 0;
  for (let i = 0; i + 1 < edges.length; i++) longest = Math.max(longest, (edges[i + 1] as number) - (edges[i] as number));
  return Math.min(longest, 3_600_000);
}

/**
 * The one query of a run: readings, resets (and sample counts) of every named metric. With `fuse`
 * on VictoriaMetrics (and no sample counts), one rollup pass per metric instead of two: over the
 * slice and the reading window before it, the last sample, how long before the edge it came
 * (`lag`: a reading when under the reading window) and the resets; `rollup` names each.
 */
export function runQuery(
  names: readonly string[],
  stepMs: number,
  readingMs: number,
  flavour: ServerFlavour,
  countSamples = false,
  selectors: Readonly<Record<string, string>> = {},
  fuse = false,
): string {
  // Prometheus 2.x range selectors are closed [t − r, t]; VictoriaMetrics' are (t − r, t].
  const open = flavour === 'victoriametrics' ? 0 : 1;
  const reading = readingMs;
  // The slice and the reading window before it: the slice's own pairs and the one across its
  // start. resets() answers for every series with a sample there, so it also says "present".
  const withStart = duration(stepMs + reading - open);
  const parts: string[] = [];
  for (const name of names) {
    const sel = Object.hasOwn(selectors, name) ? (selectors[name] as string) : selector(name);
    if (fuse && flavour === 'victoriametrics' && !countSamples) {
      parts.push(tag(tag(`aggr_over_time(("last_over_time", "lag", "resets"), ${sel}[${withStart}])`, Q, 'fused'), N, name));
      continue;
    }
    parts.push(tag(tag(`last_over_time(${sel}[${duration(reading)}])`, Q, 'last'), N, name));
    parts.push(tag(tag(`resets(${sel}[${withStart}])`, Q, 'resets'), N, name));
    if (countSamples) parts.push(tag(tag(`count_over_time(${sel}[${duration(stepMs - open)}])`, Q, 'count'), N, name));
  }
  return parts.join(' or ');
}

export interface Run {
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

/** A range query of a run of equal slices: its points from `firstEdge`, or from the one after it. */
export interface RunPart {
  firstEdge: number;
  /** Slices: the query ends `n` steps after `firstEdge`. */
  n: number;
  stepMs: number;
  /** The first edge is read by another part: the query starts one step later. */
  skipFirst: boolean;
}

/** Points per range query at most (Prometheus refuses more than 11,000). */
export const MAX_POINTS = 11_000;

/** The longest window before the first edge that a run query reads (see `runParts`). */
export const HEAD_MS = 86_400_000;

/** The slice whose window a run query reads at an edge: the one ending there; at the first edge, `HEAD_MS` at most with `head`. */
export function windowAt(edges: readonly number[], k: number, head: boolean): number {
  if (k > 0) return (edges[k] as number) - (edges[k - 1] as number);
  const first = (edges[1] as number) - (edges[0] as number);
  return head ? Math.min(first, HEAD_MS) : first;
}

/**
 * Whether a run query reads the window's first edge apart when the first slice is longer than
 * `HEAD_MS`. Prometheus reads about what the window holds, so a shorter one reads less;
 * VictoriaMetrics decodes every block a query touches (up to 8,192 samples of a series: 28 days
 * at 5-minute scrapes), so one query more costs about a pass over the series however short its
 * window (BENCHMARKS.md, issue 14, seventeenth pass).
 */
export function headApart(flavour: ServerFlavour): boolean {
  return flavour !== 'victoriametrics';
}

/**
 * The range queries that read every edge once: each run of equal slices, cut at `maxPoints`. An
 * edge's values come from the window of the slice ending there, so a part that starts where
 * another ends leaves out its first point (a whole step of data read for nothing). The window's
 * first edge has no slice before it: its readings, who was present and what reset just before
 * it need no more than `HEAD_MS`, so with `head`, a first step longer than that reads that edge
 * alone, as a part of one `HEAD_MS` step and no slices.
 */
export function runParts(edges: readonly number[], maxPoints: number, head: boolean): RunPart[] {
  const parts: RunPart[] = [];
  for (const run of sliceRuns(edges)) {
    for (let from = 0; from < run.slices; from += maxPoints - 1) {
      const n = Math.min(maxPoints - 1, run.slices - from);
      const firstEdge = run.first + from;
      const apart = head && firstEdge === 0 && run.stepMs > HEAD_MS;
      if (apart) parts.push({ firstEdge: 0, n: 0, stepMs: HEAD_MS, skipFirst: false });
      parts.push({ firstEdge, n, stepMs: run.stepMs, skipFirst: firstEdge > 0 || apart });
    }
  }
  return parts;
}

/**
 * The window's edges on one step, the longest that every slice is a multiple of, so that one
 * range query per metric reads them all; undefined when the slices are equal already, or when the
 * grid would need more than `maxPoints` points or a step shorter than the reading window.
 */
export function uniformGrid(edges: readonly number[], maxPoints: number): number[] | undefined {
  if (sliceRuns(edges).length <= 1) return undefined;
  const first = edges[0] as number;
  let step = 0;
  for (const e of edges) step = gcd(step, e - first);
  const points = ((edges[edges.length - 1] as number) - first) / step + 1;
  if (!(step >= readingWindow(edges)) || points > maxPoints) return undefined;
  return Array.from({ length: points }, (_, k) => first + k * step);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Our labels and `__name__` taken off a series from an answer, and the labels in `off` (a query's
 * own, such as the rollup's): a new object built without them, never one they are deleted from,
 * which would stay slower to read everywhere after.
 */
export function stripOurs(metric: Record<string, string>, off: readonly string[] = []): Labels {
  const labels = emptyLabels();
  for (const [k, v] of Object.entries(metric)) if (k !== Q && k !== N && k !== '__name__' && !off.includes(k)) labels[k] = v;
  return labels;
}

export { parseValue } from './series.js';

/** The first look for an older sample; then, for series that still look born, the whole retention. */
export const FIRST_LOOK_MS = 7 * 86_400_000;
export const RETENTION_MS = 10 * 366 * 86_400_000;

/** How far back a series that looks born is checked for an older sample: `--lookback`, else a week and then the whole retention. */
export function baselineLooks(lookbackMs: number | undefined): number[] {
  return lookbackMs === undefined ? [FIRST_LOOK_MS, RETENTION_MS] : [lookbackMs];
}

/** Contiguous ranges of slice indices. */
export function ranges(indices: Iterable<number>): [number, number][] {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else out.push([i, i]);
  }
  return out;
}

/** Items grouped by a key, in first-seen order. */
export function groupBy<T>(items: Iterable<T>, key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}

/** Runs `work` over the items, at most `limit` at a time; results in the items' order. */
export async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
