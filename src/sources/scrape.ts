import { sourceError } from '../errors.js';
import type { SampleSink } from '../ledger/sink.js';
import { ExpositionParser } from './exposition.js';
import { discard, HttpEndpoint, type HttpSettings, requestFailure } from './http.js';
import type { ReadRequest, SourceContext, SourceInfo, SourceReading, UsageSource } from './source.js';
import { SCRAPE_EXAMPLE, type SourceSpec } from './spec.js';

const ACCEPT = 'application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The wait between two scrape rounds; with a progress line, a countdown each second. */
async function countdown(ms: number, ctx: SourceContext, targets: number): Promise<void> {
  const sleep = ctx.sleep ?? defaultSleep;
  if (!ctx.progress) return sleep(ms);
  const what = `the second scrape of ${targets} target${targets === 1 ? '' : 's'} (--interval)`;
  for (let left = ms; left > 0; left -= 1000) {
    ctx.progress({ kind: 'wait', what, remainingMs: left });
    await sleep(Math.min(1000, left));
  }
}

/**
 * Live `/metrics` endpoints, read concurrently, once or twice `intervalMs` apart. One scrape is a
 * snapshot: lifetime totals. Two give the usage between them.
 */
export class ScrapeSource implements UsageSource {
  readonly kind = 'scrape';
  readonly reads = 'samples';
  readonly defaults = { window: { kind: 'all', label: 'all' }, lookbackMs: Number.POSITIVE_INFINITY } as const;

  constructor(
    private readonly specs: readonly SourceSpec[],
    private readonly http: HttpSettings,
    private readonly intervalMs: number | undefined,
  ) {}

  async read(sink: SampleSink, request: ReadRequest): Promise<SourceReading> {
    const { ctx } = request;
    const rounds: number[] = [];
    const timed = this.intervalMs !== undefined;
    const targets = this.specs.map((spec) => ({ spec, endpoint: new HttpEndpoint(spec.location, this.http, '--scrape', SCRAPE_EXAMPLE) }));
    try {
      for (let round = 0; round < (timed ? 2 : 1); round++) {
        if (round > 0) await countdown(this.intervalMs as number, ctx, targets.length);
        await Promise.all(targets.map((t) => scrapeOne(t.spec, t.endpoint, sink, request, timed)));
        rounds.push(ctx.clock());
      }
    } finally {
      await Promise.all(targets.map((t) => t.endpoint.close()));
    }
    const sources = targets.map((t): SourceInfo => ({
      kind: 'scrape',
      name: t.spec.name,
      location: t.endpoint.display,
      timestamped: timed,
    }));
    const [first, second] = rounds;
    // Two rounds: the usage between them (the first round is only the baseline).
    const observed =
      first !== undefined && second !== undefined
        ? { start: first, end: second, label: `between scrapes ${((second - first) / 1000).toFixed(0)}s apart` }
        : undefined;
    return { sources, findings: [], ...(observed ? { observed } : {}) };
  }
}

async function scrapeOne(spec: SourceSpec, endpoint: HttpEndpoint, sink: SampleSink, request: ReadRequest, timed: boolean): Promise<void> {
  const where = `scrape ${spec.name ? `${spec.name} ` : ''}(${endpoint.display})`;
  const timeoutMs = endpoint.settings.timeoutMs;
  let res: Awaited<ReturnType<HttpEndpoint['send']>>;
  try {
    res = await endpoint.send(endpoint.base, { method: 'GET', headers: { accept: ACCEPT } });
  } catch (e) {
    throw requestFailure(e, where, timeoutMs);
  }
  endpoint.checkRedirect(res, where);
  if (res.statusCode < 200 || res.statusCode >= 300) {
    discard(res);
    throw sourceError(
      `${where}: HTTP ${res.statusCode}`,
      res.statusCode === 401 || res.statusCode === 403 ? 'check --header or TOKENSPEND_BEARER_TOKEN' : undefined,
    );
  }
  const contentType = String(res.headers['content-type'] ?? '');
  const scrapeTime = request.ctx.clock();
  const parser = new ExpositionParser({
    source: where,
    format: contentType.includes('openmetrics') ? 'openmetrics' : 'auto',
    accept: request.classifier.acceptName,
    onSample(sample) {
      if (timed || sample.timestampMs !== undefined) sink.addTimed(sample, sample.timestampMs ?? scrapeTime, spec.name);
      else sink.addSnapshot(sample, spec.name);
    },
  });
  try {
    for await (const chunk of endpoint.chunks(res, where)) parser.push(chunk);
    parser.end();
  } catch (e) {
    throw requestFailure(e, where, timeoutMs);
  }
}
