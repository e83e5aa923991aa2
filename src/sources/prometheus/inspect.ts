import type { Classifier } from '../../dialects/classifier.js';
import { describeAge, stalenessThreshold } from '../../ledger/freshness.js';
import { detectReplicaLabels, REPLICA_LABELS } from '../../ledger/replicas.js';
import type { Classified } from '../../dialects/spec.js';
import type { Labels } from '../../model.js';
import { type Finding, finding } from '../../findings.js';
import type { PriceBook } from '../../pricing/book.js';
import { selector } from './queries.js';
import type { PrometheusClient, ServerFlavour, VectorSample } from './client.js';
import { newestSamples } from './freshness.js';
import { formatCount, compareText } from '../../text.js';

/** Labels with more distinct values than this make `--by` tables (and Prometheus) suffer. */
export const CARDINALITY_WARNING = 1000;

const RETENTION_PROBES: [string, number][] = [
  ['1d', 86_400_000],
  ['7d', 7 * 86_400_000],
  ['30d', 30 * 86_400_000],
  ['90d', 90 * 86_400_000],
  ['365d', 365 * 86_400_000],
];

export interface DoctorResult {
  server: { url: string; flavour: string; version: string | null };
  metrics: { name: string; dialect: string; series: number }[];
  labels: { name: string; values: number }[];
  models: { name: string; series: number; pricedAs: string | null }[];
  /** The furthest probe back that still has data, e.g. "30d". */
  retention: string | null;
  /** Labels that separate HA replica copies of the same series (counted once in reports). */
  replicaLabels: string[];
  /** Newest sample per dialect and per gateway, and whether it is older than the staleness threshold. */
  freshness: { dialect: Newest[]; gateway: Newest[]; thresholdMs: number };
  findings: Finding[];
  suggestion: string | null;
}

export interface Newest {
  name: string;
  /** ISO time of the newest sample, or null: none in the last hours. */
  newest: string | null;
  stale: boolean;
}

/** Called with every token series the survey classifies (`tokenspend rules` reads what exists through it). */
export type SeriesVisitor = (name: string, labels: Labels, classified: Classified) => void;

/** What a new user needs to get from "nothing shows" to a working report command. */
export async function inspectServer(
  client: PrometheusClient,
  classifier: Classifier,
  book: PriceBook,
  now: number,
  lookbackMs: number,
  /** `onSeries` sees every classified series; `freshness: false` skips the newest-sample queries (`tokenspend rules` needs none). */
  options: { onSeries?: SeriesVisitor; freshness?: boolean } = {},
): Promise<DoctorResult> {
  const { onSeries } = options;
  const findings: Finding[] = [];
  const info = await client.buildInfo();
  const flavour = info.flavour === 'prometheus' ? `Prometheus-compatible ${info.version}` : info.flavour;
  findings.push(finding('SERVER', 'info', `connected to ${client.where}: ${flavour}`));
  const names = (await client.metricNames(now - lookbackMs, now)).filter((n) => classifier.acceptName(n));
  const result: DoctorResult = {
    server: { url: client.where, flavour: info.flavour, version: info.version ?? null },
    metrics: [],
    labels: [],
    models: [],
    retention: null,
    replicaLabels: [],
    freshness: { dialect: [], gateway: [], thresholdMs: 0 },
    findings,
    suggestion: null,
  };
  if (names.length === 0) {
    findings.push(noTokenMetrics(classifier, lookbackMs));
    return result;
  }
  const { labelValues, series } = await surveySeries(client, classifier, names, now - lookbackMs, now, result, onSeries);
  result.replicaLabels = detectReplicaLabels(series, REPLICA_LABELS);
  findings.push(...replicaNote(result.replicaLabels));
  if (options.freshness !== false) {
    result.freshness = await freshnessOf(client, info.flavour, classifier, names, { now, lookbackMs }, series);
    findings.push(...freshnessFindings(result.freshness, now));
  }
  result.models.sort((a, b) => compareText(a.name, b.name));
  for (const m of result.models) m.pricedAs = book.model(m.name)?.id ?? null;
  findings.push(...surveyFindings(result));
  result.retention = await probeRetention(client, names[0] as string, now);
  findings.push(
    finding(
      'RETENTION',
      result.retention === null || result.retention === '1d' ? 'warning' : 'info',
      result.retention === null
        ? 'no token samples older than one day: the server keeps little history'
        : `token samples go back at least ${result.retention}`,
    ),
  );
  const candidates = ['team', 'feature', 'team_alias', 'tenant', 'route', 'gateway'];
  const extra = candidates.find((c) => labelValues.has(c) && (labelValues.get(c)?.size ?? 0) <= CARDINALITY_WARNING);
  result.suggestion = `tokenspend report --prometheus ${client.where} --window 7d --step 1d --by model${extra ? `,${extra}` : ''}`;
  return result;
}

function noTokenMetrics(classifier: Classifier, lookbackMs: number): Finding {
  const lookalikes = [...classifier.lookalikes];
  const hint =
    lookalikes.length > 0 ? `; these look like token counters: ${lookalikes.join(', ')} (map them with a config file's mappings)` : '';
  return finding(
    'NO_TOKEN_METRICS',
    'error',
    `no token metric of a known dialect in the last ${Math.round(lookbackMs / 86_400_000)} days${hint}`,
  );
}

function replicaNote(labels: readonly string[]): Finding[] {
  if (labels.length === 0) return [];
  const text = `HA replica copies told apart by ${labels.join(', ')}: reports count each series once (--no-dedupe counts each copy)`;
  return [finding('REPLICAS', 'info', text)];
}

/** Reads every token series' labels: metrics per dialect, models, and the values of each label. */
async function surveySeries(
  client: PrometheusClient,
  classifier: Classifier,
  names: readonly string[],
  from: number,
  to: number,
  result: DoctorResult,
  onSeries: SeriesVisitor | undefined,
): Promise<{ labelValues: Map<string, Set<string>>; series: { name: string; labels: Labels }[] }> {
  const labelValues = new Map<string, Set<string>>();
  const seen: { name: string; labels: Labels }[] = [];
  const models = new Map<string, number>();
  for (const name of names) {
    const dialects = new Map<string, number>();
    for (const s of await client.series([selector(name)], from, to)) {
      const labels = { ...s };
      delete labels.__name__;
      const c = classifier.classify(name, labels);
      if (!c) continue;
      seen.push({ name, labels });
      onSeries?.(name, labels, c);
      dialects.set(c.dialect, (dialects.get(c.dialect) ?? 0) + 1);
      if (c.model !== undefined) models.set(c.model, (models.get(c.model) ?? 0) + 1);
      for (const [k, v] of Object.entries(labels)) {
        let set = labelValues.get(k);
        if (!set) labelValues.set(k, (set = new Set()));
        set.add(v);
      }
    }
    for (const [dialect, count] of dialects) result.metrics.push({ name, dialect, series: count });
  }
  result.labels = [...labelValues.entries()].map(([name, v]) => ({ name, values: v.size })).sort((a, b) => compareText(a.name, b.name));
  result.models = [...models.entries()].map(([name, series]) => ({ name, series, pricedAs: null }));
  return { labelValues, series: seen };
}

/** The newest sample of each dialect's and each gateway's series, in one query. */
async function freshnessOf(
  client: PrometheusClient,
  flavour: ServerFlavour,
  classifier: Classifier,
  names: readonly string[],
  { now, lookbackMs }: { now: number; lookbackMs: number },
  series: readonly { name: string; labels: Labels }[],
): Promise<DoctorResult['freshness']> {
  const byDialect = new Map<string, number>();
  const byGateway = new Map<string, number>();
  // Every dialect and gateway seen is listed, with no sample until one is found.
  for (const s of series) {
    const c = classifier.classify(s.name, s.labels);
    if (!c) continue;
    if (!byDialect.has(c.dialect)) byDialect.set(c.dialect, Number.NaN);
    if (!byGateway.has(c.gateway ?? '(no gateway label)')) byGateway.set(c.gateway ?? '(no gateway label)', Number.NaN);
  }
  const intervals: number[] = [];
  const keep = (m: Map<string, number>, k: string, t: number) => {
    if (!m.has(k) || (Number.isFinite(t) && t > (m.get(k) as number)) || Number.isNaN(m.get(k) as number)) m.set(k, t);
  };
  for (const f of await newestSamples(client, flavour, names, now, series, [6 * 3_600_000, lookbackMs])) {
    const c = classifier.classify(f.name, f.labels);
    if (!c) continue;
    keep(byDialect, c.dialect, f.newest);
    keep(byGateway, c.gateway ?? '(no gateway label)', f.newest);
    if (f.intervalMs !== undefined) intervals.push(f.intervalMs);
  }
  intervals.sort((a, b) => a - b);
  const thresholdMs = stalenessThreshold(undefined, intervals[intervals.length >> 1]);
  const list = (m: Map<string, number>): Newest[] =>
    [...m.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([name, t]) => ({ name, newest: Number.isFinite(t) ? new Date(t).toISOString() : null, stale: !(t >= now - thresholdMs) }));
  return { dialect: list(byDialect), gateway: list(byGateway), thresholdMs };
}

function freshnessFindings(f: DoctorResult['freshness'], now: number): Finding[] {
  const age = (n: Newest) => (n.newest === null ? 'none in the look-back' : `${describeAge(now - Date.parse(n.newest))} ago`);
  const line = (what: string, list: Newest[]) =>
    finding(
      'FRESHNESS',
      list.some((n) => n.stale) ? 'warning' : 'info',
      `newest sample by ${what}: ${list
        .slice(0, 20)
        .map((n) => `${n.name} ${age(n)}${n.stale ? ' (stale)' : ''}`)
        .join(', ')}${list.length > 20 ? ', …' : ''}`,
    );
  const out = [line('dialect', f.dialect)];
  if (f.gateway.length > 0) out.push(line('gateway', f.gateway));
  if ([...f.dialect, ...f.gateway].some((n) => n.stale))
    out.push(
      finding(
        'FRESHNESS',
        'warning',
        `stale means older than ${describeAge(f.thresholdMs)} (4 scrape intervals, at least 15m): budget gates exit 4 on such scopes`,
      ),
    );
  return out;
}

function surveyFindings(result: DoctorResult): Finding[] {
  const findings = result.metrics.map((m) => finding('DIALECT', 'info', `${m.name}: ${m.series} series read as ${m.dialect}`));
  for (const l of result.labels) {
    if (l.values > CARDINALITY_WARNING) {
      findings.push(
        finding('HIGH_CARDINALITY', 'warning', `label ${l.name} has ${formatCount(l.values)} values: fine for --match, heavy for --by`),
      );
    }
  }
  const unpriced = result.models.filter((m) => m.pricedAs === null);
  if (unpriced.length > 0) {
    findings.push(
      finding(
        'UNPRICED_MODELS',
        'warning',
        `no price for ${unpriced.map((m) => m.name).join(', ')}: they will show as unpriced; add them to a --pricing file`,
      ),
    );
  }
  return findings;
}

/** How far back data goes: one query probing several offsets at once. */
async function probeRetention(client: PrometheusClient, name: string, now: number): Promise<string | null> {
  const probe = RETENTION_PROBES.map(
    ([label, ms]) => `label_replace(count(last_over_time(${selector(name)}[1h] offset ${ms}ms)), "probe", "${label}", "", "")`,
  ).join(' or ');
  const res = await client.query(probe, now);
  const found = new Set((res.result as VectorSample[]).map((r) => r.metric.probe));
  let retention: string | null = null;
  for (const [label] of RETENTION_PROBES) if (found.has(label)) retention = label;
  return retention;
}
