import type { Classifier } from '../dialects/classifier.js';
import { DIALECT_IDS } from '../dialects/table.js';
import { incompleteError } from '../errors.js';
import type { ReplicaPolicy } from '../ledger/replicas.js';
import type { PriceBook } from '../pricing/book.js';
import { openSources, type SourceSettings } from '../sources/open.js';
import { PrometheusClient } from '../sources/prometheus/client.js';
import { inspectServer } from '../sources/prometheus/inspect.js';
import type { SourceContext } from '../sources/source.js';
import { type Discovery, DiscoveryCollector } from './discovery.js';

/** Where to look, and how to read what is there. */
export interface DiscoverRequest {
  sources: SourceSettings;
  classifier: Classifier;
  book: PriceBook;
  replicas: ReplicaPolicy;
  /** How far back a server's series count as present (`--lookback`, default 7 days, as `doctor`). */
  lookbackMs: number | undefined;
  ctx: SourceContext;
}

const WEEK = 7 * 86_400_000;

/**
 * Reads which dialects, metrics, labels and models exist: on a server with `doctor`'s survey
 * (series names and labels, no samples), from files and scrapes by reading them into a collector
 * that classifies each series once. Exits 4 when nothing of a known dialect is there.
 */
export async function discover(req: DiscoverRequest): Promise<Discovery> {
  const collector = new DiscoveryCollector(req.classifier);
  const { sources } = req;
  if (sources.prometheusUrl !== undefined && sources.specs.length === 0) {
    const client = new PrometheusClient({ ...sources.http, url: sources.prometheusUrl, retries: sources.retries });
    const found = await inspectServer(client, req.classifier, req.book, req.ctx.clock(), req.lookbackMs ?? WEEK, {
      onSeries: (name, labels, c) => collector.observe(name, labels, c),
      freshness: false,
    }).finally(() => client.close());
    const missing = found.findings.find((f) => f.code === 'NO_TOKEN_METRICS');
    if (missing) throw incompleteError(missing.message);
    return { ...collector.result(client.where, req.replicas), retention: found.retention };
  }
  const read = openSources(sources);
  for (const source of read) {
    await source.read(collector, {
      classifier: req.classifier,
      replicas: req.replicas,
      grouping: { by: [], matchers: [] },
      lookbackMs: req.lookbackMs ?? source.defaults.lookbackMs,
      lookbackGiven: req.lookbackMs,
      ctx: req.ctx,
    });
  }
  const names = sources.specs.map((s) => (s.name === undefined ? s.location : `${s.name}=${s.location}`));
  const result = collector.result(names.join(', '), req.replicas);
  if (result.dialects.length === 0) {
    const lookalikes = [...req.classifier.lookalikes];
    throw incompleteError(
      'no token series of a known dialect matched',
      lookalikes.length > 0
        ? `metrics that look like token counters: ${lookalikes.join(', ')}; map them in a config file (mappings) or check --dialect`
        : `supported: ${DIALECT_IDS.filter((d) => d !== 'custom').join(', ')}`,
    );
  }
  return result;
}
