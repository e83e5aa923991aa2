import { incompleteError } from '../../errors.js';
import { type Finding, finding } from '../../findings.js';
import { replicaFindings } from '../../ledger/replicas.js';
import type { SampleSink } from '../../ledger/sink.js';
import type { ReadRequest, SourceReading, UsageSource } from '../source.js';
import { accountOnServer, type SeriesUsage } from './account.js';
import { PrometheusClient, type PrometheusConnection, type ServerFlavour } from './client.js';
import { groupLabels, labelsPresent, readByGroups, replicaLabelsFor } from './grouped.js';
import { selector } from './queries.js';

/** Default look-back on a server: a series with no sample in the 7 days before a slice is new. */
export const SERVER_LOOKBACK_MS = 7 * 86_400_000;

/** A Prometheus-compatible server: discovers the token metrics, accounts them exactly there, and fills the sink. */
export class PrometheusSource implements UsageSource {
  readonly kind = 'prometheus';
  readonly reads = 'slices';
  readonly defaults = { window: { kind: 'rolling', ms: 7 * 86_400_000, label: '7d' }, lookbackMs: SERVER_LOOKBACK_MS } as const;

  constructor(
    private readonly conn: PrometheusConnection,
    private readonly options: { countSamples: boolean; perSeries: boolean; concurrency: number },
  ) {}

  async read(sink: SampleSink, request: ReadRequest): Promise<SourceReading> {
    const client = new PrometheusClient(this.conn, {
      sleep: request.ctx.sleep,
      progress: request.ctx.progress,
      maxInFlight: this.options.concurrency,
    });
    try {
      return await this.readWith(client, sink, request);
    } finally {
      await client.close();
    }
  }

  private async readWith(client: PrometheusClient, sink: SampleSink, request: ReadRequest): Promise<SourceReading> {
    const edges = request.edges as readonly number[];
    const start = edges[0] as number;
    const end = edges[edges.length - 1] as number;
    const { countSamples, perSeries, concurrency } = this.options;
    // The server's kind and the token metrics are asked side by side, then their labels.
    const asked = client.buildInfo();
    asked.catch(() => undefined); // awaited below
    const { all, names } = await tokenMetrics(client, request, start, end);
    const info = await asked;
    // Sums per group unless asked otherwise (sample counts and gaps are per series).
    const present = countSamples || perSeries ? undefined : await labelsPresent(client, names, request, info.flavour);
    const labels = present && groupLabels(names, request, present);
    if (present) sink.addLabelNames?.(present);
    const usage =
      present && labels
        ? await readByGroups(client, info.flavour, names, request, labels, replicaLabelsFor(request, present), concurrency, present)
        : await accountOnServer({
            client,
            flavour: info.flavour,
            names,
            edges,
            lookbackMs: request.lookbackGiven,
            countSamples,
            replicas: request.replicas,
            grouped: [...request.grouping.by, ...request.grouping.matchers.map((m) => m.label)],
          });
    if (usage.series.length === 0) {
      throw incompleteError(
        `${client.where}: the token metrics ${names.join(', ')} have no sample between ${new Date(start - 7 * 86_400_000).toISOString()} and ${new Date(end).toISOString()}: the data is stale (have the scrapes stopped?)`,
        'tokenspend doctor shows the newest sample per dialect and gateway',
      );
    }
    for (const u of usage.series) sink.addAccounted(u.name, u.labels, undefined, u.perSlice, u.coverage, u.freshness);
    const buckets = await readBuckets(client, info.flavour, all, usage.series, request);
    for (const u of buckets) sink.addAccounted(u.name, u.labels, undefined, u.perSlice, u.coverage, u.freshness);
    return {
      sources: [
        {
          kind: 'prometheus',
          name: undefined,
          location: client.where,
          timestamped: true,
          server: { flavour: info.flavour, version: info.version ?? null, metrics: names },
          requests: { ...client.stats },
          samplesCounted: countSamples,
          accounting: labels ? 'groups' : 'series',
        },
      ],
      findings: [...serverFindings(client), ...replicaFindings(usage.replicas)],
    };
  }
}

/** The token metric names on the server lately (or ever, to tell a stale server from an empty one). */
async function tokenMetrics(
  client: PrometheusClient,
  request: ReadRequest,
  start: number,
  end: number,
): Promise<{ all: string[]; names: string[] }> {
  const { classifier } = request;
  const all = await client.metricNames(start - request.lookbackMs, end);
  const token = (n: string) => classifier.acceptName(n) && !classifier.isBucket(n);
  let names = all.filter(token);
  // None lately: token metrics that stopped long ago still tell a stale server from an empty one.
  if (names.length === 0) names = (await client.metricNames()).filter(token);
  if (names.length === 0) {
    const lookalikes = [...classifier.lookalikes];
    throw incompleteError(
      `${client.where}: no token metric of a known dialect between ${new Date(start).toISOString()} and ${new Date(end).toISOString()}`,
      lookalikes.length > 0
        ? `metrics that look like token counters: ${lookalikes.join(', ')}; map them in a config file (mappings)`
        : 'run tokenspend doctor to see what the server has',
    );
  }
  return { all, names };
}

/**
 * Request-size histogram buckets of the models with a long-context tier, accounted like the token
 * counters (same edge readings), narrowed to those models by the label that names them.
 */
async function readBuckets(
  client: PrometheusClient,
  flavour: ServerFlavour,
  all: readonly string[],
  series: readonly SeriesUsage[],
  request: ReadRequest,
): Promise<SeriesUsage[]> {
  const wanted = request.bucketModels;
  const names = all.filter((n) => request.classifier.isBucket(n));
  if (!wanted || names.length === 0) return [];
  const byLabel = new Map<string, Set<string>>();
  for (const u of series) {
    const c = request.classifier.classify(u.name, u.labels, false);
    if (!c?.model || !wanted(c.model, c.provider)) continue;
    const label = Object.keys(u.labels).find((k) => u.labels[k] === c.model) as string;
    byLabel.set(label, (byLabel.get(label) ?? new Set()).add(c.model));
  }
  if (byLabel.size === 0) return [];
  const escape = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const [label, models] = [...byLabel.entries()][0] as [string, Set<string>];
  const matcher = `${/^[A-Za-z_][A-Za-z0-9_]*$/.test(label) ? label : JSON.stringify(label)}=~${JSON.stringify([...models].map(escape).join('|'))}`;
  // One label names every wanted model: narrow by it; else read all the buckets.
  const narrow = (name: string) => {
    const sel = selector(name);
    if (byLabel.size !== 1) return sel;
    return sel.endsWith('}') ? `${sel.slice(0, -1)},${matcher}}` : `${sel}{${matcher}}`;
  };
  const usage = await accountOnServer({
    client,
    flavour,
    names,
    edges: request.edges as readonly number[],
    lookbackMs: request.lookbackGiven,
    replicas: request.replicas,
    grouped: [...request.grouping.by, ...request.grouping.matchers.map((m) => m.label)],
    selectors: Object.fromEntries(names.map((n) => [n, narrow(n)])),
  });
  return usage.series;
}

/** What the server said besides data: its warnings, and whether it answered only in part. */
function serverFindings(client: PrometheusClient): Finding[] {
  const findings = client.notes.warnings.map((w) => finding('SERVER_WARNING', 'warning', `${client.where}: ${w}`));
  if (client.notes.partial) {
    findings.push(
      finding(
        'PARTIAL_RESPONSE',
        'error',
        `${client.where} answered with partial data: some stores did not respond; the report may be too small`,
      ),
    );
  }
  return findings;
}
