import { seriesKey } from '../../ledger/store.js';
import type { Labels } from '../../model.js';
import type { PrometheusClient, ServerFlavour, VectorSample } from './client.js';
import { anyOf, N, narrowTo, parseValue, Q, selector, selectorWith, stripOurs, tag } from './queries.js';

/** How far back the newest sample is looked for: six hours first, then, for series with none, a week. */
export const FRESHNESS_WINDOWS_MS = [6 * 3_600_000, 7 * 86_400_000] as const;

/**
 * How far before `at` the look at every group may find samples: a week, and on servers without
 * `tlast_over_time` the day before it, which the first daily count of `lookFurther` covers.
 */
export const FRESHNESS_REACH_MS = FRESHNESS_WINDOWS_MS[1] + 86_400_000;

export interface SeriesFreshness {
  name: string;
  labels: Labels;
  /** Time of the newest sample within a week before `at`; NaN when there was none. */
  newest: number;
  /**
   * The scrape interval: the time between the first and the newest sample of the first look-back
   * window over the samples between them (hourly scrapes are seen as hourly, a series that stopped
   * inside the window is not stretched); undefined with fewer than two samples.
   */
  intervalMs: number | undefined;
}

/**
 * The newest sample of every token series before `at`, and its samples in the last hour: one
 * instant query, and a second, narrowed to the metrics with series that had none in six hours,
 * over a week. VictoriaMetrics has `tlast_over_time`; elsewhere `timestamp()` of the raw series
 * gives each sample's own time (`firstLookByTimestamp`). `known` (the series or groups accounted)
 * may still be coming: it is waited for only after the first look.
 */
export async function newestSamples(
  client: PrometheusClient,
  flavour: ServerFlavour,
  names: readonly string[],
  at: number,
  known: readonly { name: string; labels: Labels }[] | Promise<readonly { name: string; labels: Labels }[]>,
  windows: readonly number[] = FRESHNESS_WINDOWS_MS,
  groupBy?: ReadonlyMap<string, readonly string[]>,
): Promise<SeriesFreshness[]> {
  const group = grouper(groupBy);
  const out = new Map<string, SeriesFreshness>();
  let pending = [...names];
  let sel: Selectors = (name) => selector(name);
  for (const [i, windowMs] of windows.entries()) {
    if (pending.length === 0) break;
    if (i === 0 && flavour !== 'victoriametrics') {
      await firstLookByTimestamp(client, pending, at, windowMs, out, group, groupBy);
    } else if (i === 0 || flavour === 'victoriametrics') {
      const spans = new Map<string, { oldest: number; count: number }>();
      const all = i === 0 && flavour === 'victoriametrics' ? sameGroupLabels(pending, groupBy) : undefined;
      if (all) await mergedLook(client, flavour, pending, at, windowMs, all, known, out, spans, group, groupBy);
      else {
        const res = await client.query(freshnessQuery(pending, flavour, windowMs, i === 0, group, sel, groupBy), at);
        for (const r of res.result as VectorSample[]) ingest(r, out, spans);
      }
      intervalsFrom(spans, out);
    } else {
      await lookFurther(client, pending, at, windowMs, out, group, sel);
    }
    // Metrics with a known series that had no sample in the window (narrowed to those), or with
    // no series seen at all (a stale server): look again, further back.
    const knownNow = await known;
    const seen = new Set(knownNow.map((k) => k.name));
    const named = new Set([...out.values()].map((f) => f.name));
    const missing = byName(knownNow.filter((k) => !(out.get(keyOf(k.name, k.labels))?.newest ?? Number.NaN)));
    pending = [...new Set([...missing.keys(), ...names.filter((n) => !seen.has(n) && !named.has(n))])];
    sel = (name) => {
      const list = missing.get(name);
      if (!list) return selector(name);
      return narrowedTo(name, list, groupBy);
    };
  }
  return [...out.values()];
}

/**
 * The newest sample of one group of one metric (one series without `groupBy`) in the first
 * look-back window before `at`: `newestSamples`' first look narrowed to it. Undefined when it had
 * no sample there.
 */
export async function newestOfGroup(
  client: PrometheusClient,
  flavour: ServerFlavour,
  name: string,
  labels: Labels,
  at: number,
  groupBy?: ReadonlyMap<string, readonly string[]>,
): Promise<SeriesFreshness | undefined> {
  const sel = narrowedTo(name, [{ labels }], groupBy);
  const out = new Map<string, SeriesFreshness>();
  // (The newest sample alone: the scrape interval is not asked for.)
  const query = freshnessQuery([name], flavour, FRESHNESS_WINDOWS_MS[0], false, grouper(groupBy), () => sel, groupBy);
  for (const r of (await client.query(query, at)).result as VectorSample[]) ingest(r, out);
  const f = out.get(keyOf(name, labels));
  return f && Number.isFinite(f.newest) ? f : undefined;
}

/** A selector of the metric narrowed to these series or groups (by the group labels, else by theirs). */
function narrowedTo(
  name: string,
  list: readonly { labels: Labels }[],
  groupBy: ReadonlyMap<string, readonly string[]> | undefined,
): string {
  const labels = groupBy?.get(name) ?? [...new Set(list.flatMap((k) => Object.keys(k.labels)))];
  return selectorWith(
    name,
    narrowTo(
      list.map((k) => k.labels),
      labels,
    ),
  );
}

/** The selector of each metric in a look (narrowed to the series still looked for). */
type Selectors = (name: string) => string;

const DAY = 86_400_000;
/** Prometheus' default look-back delta: an instant selector sees a sample this old. */
const LOOKBACK_DELTA_MS = 5 * 60_000;

type Spans = Map<string, { oldest: number; count: number }>;

/** The scrape interval of each series or group with two samples or more in the window. */
function intervalsFrom(spans: Spans, out: Map<string, SeriesFreshness>): void {
  for (const [key, { oldest, count }] of spans) {
    const f = out.get(key);
    const span = (f?.newest ?? Number.NaN) - oldest;
    if (f && count >= 2 && span > 0) f.intervalMs = span / (count - 1);
  }
}

/**
 * The first look on servers without `tlast_over_time`. `timestamp()` of the raw series at `at`
 * is each series' newest sample when that is within the look-back delta (the common case: a live
 * server), and at the window's start it is the oldest; both are plain lookups. A 5-minute
 * `timestamp()` scan of the window (dozens of lookups per series) is left for what the lookups
 * miss: the series or groups with samples in the window but none in the last minutes (narrowed to
 * them), and the oldest samples when no series had one at the window's start (a new deployment).
 */
async function firstLookByTimestamp(
  client: PrometheusClient,
  names: readonly string[],
  at: number,
  windowMs: number,
  out: Map<string, SeriesFreshness>,
  group: Grouper,
  groupBy: ReadonlyMap<string, readonly string[]> | undefined,
): Promise<void> {
  const window = `${Math.round(windowMs / 60_000)}m`;
  const startOffset = `${Math.round((windowMs - LOOKBACK_DELTA_MS) / 60_000)}m`;
  const parts = names.flatMap((name) => {
    const sel = selector(name);
    return [
      tag(tag(group(name, 'max', `timestamp(${sel})`), Q, 'newest'), N, name),
      tag(tag(group(name, 'min', `timestamp(${sel} offset ${startOffset})`), Q, 'oldest'), N, name),
      tag(tag(group(name, 'avg', `count_over_time(${sel}[${window}])`), Q, 'count'), N, name),
    ];
  });
  const spans: Spans = new Map();
  for (const r of (await client.query(parts.join(' or '), at)).result as VectorSample[]) ingest(r, out, spans);
  // With samples in the window (counted) but no newest from the lookup: scan, narrowed to them.
  const missed = [...out.values()].filter((f) => Number.isNaN(f.newest) && (spans.get(keyOf(f.name, f.labels))?.count ?? 0) > 0);
  const scans: string[] = [];
  for (const [name, list] of byName(missed)) {
    const sel = narrowedTo(name, list, groupBy);
    scans.push(tag(tag(group(name, 'max', `max_over_time(timestamp(${sel})[${window}:5m])`), Q, 'newest'), N, name));
  }
  // No oldest anywhere (every series younger than the window): scan for the oldest too.
  if (![...spans.values()].some((s) => Number.isFinite(s.oldest)))
    for (const name of names)
      scans.push(tag(tag(group(name, 'min', `min_over_time(timestamp(${selector(name)})[${window}:5m])`), Q, 'oldest'), N, name));
  if (scans.length > 0) for (const r of (await client.query(scans.join(' or '), at)).result as VectorSample[]) ingest(r, out, spans);
  intervalsFrom(spans, out);
}

function byName<T extends { name: string }>(list: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const f of list) {
    const same = out.get(f.name);
    if (same) same.push(f);
    else out.set(f.name, [f]);
  }
  return out;
}

/** Wraps a per-series expression of a metric in an aggregation by its group labels (none: per series). */
type Grouper = (name: string, op: 'max' | 'min' | 'avg' | 'sum', expr: string) => string;

function grouper(groupBy: ReadonlyMap<string, readonly string[]> | undefined): Grouper {
  return (name, op, expr) => {
    const labels = groupBy?.get(name);
    if (!labels) return expr;
    return labels.length > 0 ? `${op} by (${labels.join(', ')}) (${expr})` : `${op} (${expr})`;
  };
}

/**
 * Further back without VictoriaMetrics' `tlast_over_time`: which day each series last had samples
 * (one range query, a point a day), then, per such day, the exact time (a 5-minute `timestamp()`
 * scan of that day only). Requests grow with the distinct last days, never with the series.
 */
async function lookFurther(
  client: PrometheusClient,
  names: readonly string[],
  at: number,
  windowMs: number,
  out: Map<string, SeriesFreshness>,
  group: Grouper,
  sel: Selectors,
): Promise<void> {
  const days = Math.min(Math.ceil(windowMs / DAY), 11_000);
  const query = names.map((name) => tag(group(name, 'sum', `count_over_time(${sel(name)}[1d])`), N, name)).join(' or ');
  const lastDay = new Map<number, Set<string>>();
  for (const series of await client.queryRange(query, at - days * DAY, at, DAY)) {
    const name = series.metric[N];
    if (name === undefined) continue;
    let t = Number.NaN;
    for (let p = 0; p < series.times.length; p++) if ((series.values[p] as number) > 0) t = Math.round((series.times[p] as number) * 1000);
    if (Number.isNaN(t)) continue;
    const set = lastDay.get(t) ?? new Set<string>();
    set.add(name);
    lastDay.set(t, set);
  }
  for (const [dayEnd, dayNames] of lastDay) {
    const parts = [...dayNames].map((name) =>
      tag(tag(group(name, 'max', `max_over_time(timestamp(${sel(name)})[1d:5m])`), Q, 'newest'), N, name),
    );
    const res = await client.query(parts.join(' or '), dayEnd);
    for (const r of res.result as VectorSample[]) {
      // Several days may be asked about one metric: keep the newest time per series.
      const before = out.get(keyOf(r.metric[N] ?? '', stripOurs(r.metric)))?.newest;
      ingest(r, out);
      const after = out.get(keyOf(r.metric[N] ?? '', stripOurs(r.metric)));
      if (after && before !== undefined && before > after.newest) after.newest = before;
    }
  }
}

/** A series' identity in the answers: its name and sorted labels (as the accounting keys its groups). */
function keyOf(name: string, labels: Labels): string {
  return seriesKey(name, labels, undefined);
}

/** The labels every metric is summed by, when all share them and none is `rollup` (which the fused look sets); else undefined. */
function sameGroupLabels(
  names: readonly string[],
  groupBy: ReadonlyMap<string, readonly string[]> | undefined,
): readonly string[] | undefined {
  const first = names[0] === undefined ? undefined : groupBy?.get(names[0]);
  if (!first || names.length < 2 || first.includes('rollup')) return undefined;
  const same = (l: readonly string[] | undefined) => l !== undefined && l.length === first.length && l.every((x, i) => x === first[i]);
  return names.every((n) => same(groupBy?.get(n))) ? first : undefined;
}

/**
 * VictoriaMetrics' first look when every metric is summed by the same labels: one pass over all
 * of them, which the server answers once per group, not once per metric and group (half the time
 * and bytes at 50k series, BENCHMARKS.md, fourteenth pass). A group's newest sample and scrape
 * interval are then the highest over its metrics: the report keeps the newest sample per group of
 * its own, across token types, so what it shows does not change. Each answer stands for the
 * metrics that have the group in the accounting (`known`), and for no other: a metric must not
 * seem to have series it has not (a repeating counter's tokens are dropped where the metric it
 * repeats has the model). Groups the accounting does not have (samples lately, none in the
 * window) are asked again per metric, narrowed to them.
 */
async function mergedLook(
  client: PrometheusClient,
  flavour: ServerFlavour,
  names: readonly string[],
  at: number,
  windowMs: number,
  labels: readonly string[],
  known: readonly { name: string; labels: Labels }[] | Promise<readonly { name: string; labels: Labels }[]>,
  out: Map<string, SeriesFreshness>,
  spans: Spans,
  group: Grouper,
  groupBy: ReadonlyMap<string, readonly string[]> | undefined,
): Promise<void> {
  const sel = `{__name__=~${JSON.stringify(anyOf(names))}}`;
  const all = `aggr_over_time(("tlast_over_time", "scrape_interval"), ${sel}[${Math.round(windowMs / 60_000)}m])`;
  const res = await client.query(tag(`max by (${[...labels, 'rollup'].join(', ')}) (${all})`, Q, 'fused'), at);
  const namesOf = new Map<string, string[]>();
  // (Waited for once the server has answered: the groups are read meanwhile.)
  for (const k of await known) {
    const key = keyOf('', k.labels);
    const list = namesOf.get(key);
    if (list) list.push(k.name);
    else namesOf.set(key, [k.name]);
  }
  const unknown = new Map<string, Labels>();
  for (const r of res.result as VectorSample[]) {
    const own = stripOurs(r.metric);
    delete own.rollup;
    const key = keyOf('', own);
    const list = namesOf.get(key);
    if (list) for (const name of list) ingest({ ...r, metric: { ...r.metric, [N]: name } }, out, spans);
    else unknown.set(key, own);
  }
  if (unknown.size === 0) return;
  const list = [...unknown.values()].map((l) => ({ labels: l }));
  const query = freshnessQuery(names, flavour, windowMs, true, group, (name) => narrowedTo(name, list, groupBy), groupBy);
  for (const r of (await client.query(query, at)).result as VectorSample[]) ingest(r, out, spans);
}

function freshnessQuery(
  names: readonly string[],
  flavour: ServerFlavour,
  windowMs: number,
  withCount: boolean,
  group: Grouper,
  selectorOf: Selectors,
  groupBy?: ReadonlyMap<string, readonly string[]>,
): string {
  const window = `${Math.round(windowMs / 60_000)}m`;
  // Steps within the default look-back delta (5m): every sample is seen by some step.
  const step = '5m';
  return names
    .flatMap((name) => {
      const sel = selectorOf(name);
      const labels = groupBy?.get(name);
      if (flavour === 'victoriametrics' && withCount && labels && !labels.includes('rollup')) {
        // One pass (VictoriaMetrics decodes the blocks once per rollup expression): the newest
        // sample and the scrape interval (per series; a group takes its longest).
        const all = `aggr_over_time(("tlast_over_time", "scrape_interval"), ${sel}[${window}])`;
        return [tag(tag(`max by (${[...labels, 'rollup'].join(', ')}) (${all})`, Q, 'fused'), N, name)];
      }
      const newest =
        flavour === 'victoriametrics' ? `tlast_over_time(${sel}[${window}])` : `max_over_time(timestamp(${sel})[${window}:${step}])`;
      const parts = [tag(tag(group(name, 'max', newest), Q, 'newest'), N, name)];
      if (!withCount) return parts;
      // The first sample in the window and the samples in it: the scrape interval.
      const oldest =
        flavour === 'victoriametrics' ? `tfirst_over_time(${sel}[${window}])` : `min_over_time(timestamp(${sel})[${window}:${step}])`;
      parts.push(
        tag(tag(group(name, 'min', oldest), Q, 'oldest'), N, name),
        tag(tag(group(name, 'avg', `count_over_time(${sel}[${window}])`), Q, 'count'), N, name),
      );
      return parts;
    })
    .join(' or ');
}

function ingest(r: VectorSample, out: Map<string, SeriesFreshness>, spans?: Map<string, { oldest: number; count: number }>): void {
  const name = r.metric[N];
  let q = r.metric[Q];
  if (name === undefined || q === undefined || !('value' in r)) return;
  const labels = stripOurs(r.metric);
  const v = parseValue(r.value[1]);
  if (q === 'fused') {
    const rollup = labels.rollup;
    delete labels.rollup;
    q = rollup === 'tlast_over_time' ? 'newest' : rollup === 'scrape_interval' ? 'interval' : '';
  }
  const key = keyOf(name, labels);
  let f = out.get(key);
  if (!f) out.set(key, (f = { name, labels, newest: Number.NaN, intervalMs: undefined }));
  if (q === 'newest' && Number.isFinite(v)) f.newest = Math.round(v * 1000);
  else if (q === 'interval' && v > 0 && Number.isFinite(v)) f.intervalMs = v * 1000;
  else if (spans && (q === 'oldest' || q === 'count') && Number.isFinite(v)) {
    const span = spans.get(key) ?? { oldest: Number.NaN, count: 0 };
    if (q === 'oldest') span.oldest = Math.round(v * 1000);
    else span.count = v;
    spans.set(key, span);
  }
}
