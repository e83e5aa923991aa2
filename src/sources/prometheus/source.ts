import type { SourceInfo } from '../../cost/report.js';
import type { Classifier } from '../../dialects/detect.js';
import { incompleteError } from '../../errors.js';
import { type Finding, finding } from '../../findings.js';
import type { UsageStore } from '../../ledger/store.js';
import { accountOnServer } from './account.js';
import { PrometheusClient, type PrometheusConnection } from './client.js';

export interface PrometheusReading {
  source: SourceInfo;
  findings: Finding[];
}

/** Discovers the token metrics on the server, accounts them exactly there, and fills the store. */
export async function readPrometheus(
  conn: PrometheusConnection,
  options: {
    classifier: Classifier;
    store: UsageStore;
    edges: readonly number[];
    lookbackMs: number;
    countSamples: boolean;
    sleep?: (ms: number) => Promise<void>;
  },
): Promise<PrometheusReading> {
  const client = new PrometheusClient(conn, options.sleep ? { sleep: options.sleep } : {});
  const info = await client.buildInfo();
  const start = options.edges[0] as number;
  const end = options.edges[options.edges.length - 1] as number;
  const all = await client.metricNames(start - options.lookbackMs, end);
  const names = all.filter((n) => options.classifier.acceptName(n));
  if (names.length === 0) {
    const lookalikes = [...options.classifier.lookalikes];
    throw incompleteError(
      `${client.where}: no token metric of a known dialect between ${new Date(start).toISOString()} and ${new Date(end).toISOString()}`,
      lookalikes.length > 0
        ? `metrics that look like token counters: ${lookalikes.join(', ')}; map them in a config file (mappings)`
        : 'run tokenspend doctor to see what the server has',
    );
  }
  const usages = await accountOnServer({
    client,
    flavour: info.flavour,
    names,
    edges: options.edges,
    lookbackMs: options.lookbackMs,
    countSamples: options.countSamples,
  });
  for (const u of usages) options.store.addAccounted(u.name, u.labels, undefined, u.perSlice, u.coverage);
  const findings: Finding[] = client.notes.warnings.map((w) => finding('SERVER_WARNING', 'warning', `${client.where}: ${w}`));
  if (client.notes.partial) {
    findings.push(
      finding(
        'PARTIAL_RESPONSE',
        'error',
        `${client.where} answered with partial data: some stores did not respond; the report may be too small`,
      ),
    );
  }
  return {
    source: {
      kind: 'prometheus',
      name: undefined,
      location: client.where,
      timestamped: true,
      server: { flavour: info.flavour, version: info.version ?? null, metrics: names },
      requests: { ...client.stats },
      samplesCounted: options.countSamples,
    },
    findings,
  };
}
