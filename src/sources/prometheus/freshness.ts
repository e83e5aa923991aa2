import type { Labels } from '../../model.js';
import type { PrometheusClient, ServerFlavour, VectorSample } from './client.js';
import { N, parseValue, Q, selector, stripOurs, tag } from './queries.js';

/** How far back the newest sample is looked for: six hours first, then, for series with none, a week. */
export const FRESHNESS_WINDOWS_MS = [6 * 3_600_000, 7 * 86_400_000] as const;

export interface SeriesFreshness {
  name: string;
  labels: Labels;
  /** Time of the newest sample within a week before `at`; NaN when there was none. */
  newest: number;
  /** Samples in the hour before `at`: the scrape interval is an hour over it. */
  lastHour: number;
}

/**
 * The newest sample of every token series before `at`, and its samples in the last hour: one
 * instant query, and a second, narrowed to the metrics with series that had none in six hours,
 * over a week. VictoriaMetrics has `tlast_over_time`; elsewhere `timestamp()` of the raw series,
 * sampled every 5 minutes (within the default look-back delta, so no sample is missed), gives each
 * sample's own time.
 */
export async function newestSamples(
  client: PrometheusClient,
  flavour: ServerFlavour,
  names: readonly string[],
  at: number,
  known: readonly { name: string; labels: Labels }[],
): Promise<SeriesFreshness[]> {
  const out = new Map<string, SeriesFreshness>();
  let pending = [...names];
  for (const [i, windowMs] of FRESHNESS_WINDOWS_MS.entries()) {
    if (pending.length === 0) break;
    const res = await client.query(freshnessQuery(pending, flavour, windowMs, i === 0), at);
    for (const r of res.result as VectorSample[]) ingest(r, out);
    // Metrics with a known series that had no sample in the window, or with no series seen at
    // all (a stale server): look again, further back.
    const seen = new Set(known.map((k) => k.name));
    pending = [
      ...new Set([
        ...known.filter((k) => !(out.get(keyOf(k.name, k.labels))?.newest ?? Number.NaN)).map((k) => k.name),
        ...names.filter((n) => !seen.has(n) && ![...out.values()].some((f) => f.name === n)),
      ]),
    ];
  }
  return [...out.values()];
}

/** A series' identity in the answers: its name and sorted labels. */
function keyOf(name: string, labels: Labels): string {
  return `${name}\u0000${JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`;
}

function freshnessQuery(names: readonly string[], flavour: ServerFlavour, windowMs: number, withCount: boolean): string {
  const window = `${Math.round(windowMs / 60_000)}m`;
  // Steps within the default look-back delta (5m): every sample is seen by some step.
  const step = '5m';
  return names
    .flatMap((name) => {
      const sel = selector(name);
      const newest =
        flavour === 'victoriametrics' ? `tlast_over_time(${sel}[${window}])` : `max_over_time(timestamp(${sel})[${window}:${step}])`;
      const parts = [tag(tag(newest, Q, 'newest'), N, name)];
      // Samples in the last hour: the scrape interval.
      if (withCount) parts.push(tag(tag(`count_over_time(${sel}[1h])`, Q, 'count'), N, name));
      return parts;
    })
    .join(' or ');
}

function ingest(r: VectorSample, out: Map<string, SeriesFreshness>): void {
  const name = r.metric[N];
  const q = r.metric[Q];
  if (name === undefined || q === undefined || !('value' in r)) return;
  const labels = stripOurs(r.metric);
  const key = keyOf(name, labels);
  let f = out.get(key);
  if (!f) out.set(key, (f = { name, labels, newest: Number.NaN, lastHour: 0 }));
  const v = parseValue(r.value[1]);
  if (q === 'newest' && Number.isFinite(v)) f.newest = Math.round(v * 1000);
  else if (q === 'count' && Number.isFinite(v)) f.lastHour = v;
}
