import type { Readable } from 'node:stream';
import { buildCostReport, type CostReport, type SourceInfo } from './cost/report.js';
import type { CustomMapping } from './dialects/custom.js';
import { customDialect } from './dialects/custom.js';
import { Classifier } from './dialects/detect.js';
import type { DialectSettings } from './dialects/dialect.js';
import { incompleteError, usageError } from './errors.js';
import type { Matcher } from './ledger/matchers.js';
import { UsageStore } from './ledger/store.js';
import { boundToData, bucketEdges, isRelative, resolveWindow, type Step, type Window, type WindowSpec } from './ledger/windows.js';
import type { PriceBook } from './pricing/book.js';
import { readFileSource } from './sources/file.js';
import { type ScrapeAuth, scrapeTargets } from './sources/scrape.js';
import type { SourceSpec } from './sources/spec.js';
import type { PrometheusConnection } from './sources/prometheus/client.js';
import { readPrometheus } from './sources/prometheus/source.js';
import { DIALECTS } from './dialects/registry.js';

/** Everything a report needs, resolved from flags, config file and environment. */
export interface ReportInput {
  sources: SourceSpec[];
  by: string[];
  matchers: Matcher[];
  top: number | undefined;
  window: WindowSpec;
  step: Step | undefined;
  timezone: string;
  /** `--now`: the anchor of relative windows; by default the end of timestamped data, else the clock. */
  now: number | undefined;
  dialect: string | undefined;
  dialectSettings: DialectSettings;
  mappings: CustomMapping[];
  /** Undefined: all the data for files and scrapes, 7 days for a Prometheus server. */
  lookbackMs: number | undefined;
  scrape: { timeoutMs: number; auth: ScrapeAuth; intervalMs: number | undefined };
  prometheus?: PrometheusConnection | undefined;
  /**
   * Budgets and forecasts: the window and extra bucket edges (period starts, burn-rate windows) as
   * a function of the anchor ("now", or the end of timestamped data), instead of `window`.
   */
  plan?: ((anchor: number) => { window: Window; extraEdges: number[] }) | undefined;
  /** On a server, also count samples per slice (coverage, gaps): the server reads the data twice. */
  countSamples?: boolean | undefined;
}

/** Default look-back on a server: a series with no sample in the 7 days before the window is new. */
export const SERVER_LOOKBACK_MS = 7 * 86_400_000;

export interface PipelineContext {
  stdin?: Readable | undefined;
  clock: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Source → samples → dialect → ledger → prices: the one way data goes through. */
export async function computeReport(input: ReportInput, book: PriceBook, ctx: PipelineContext): Promise<CostReport> {
  const extra = input.mappings.length > 0 ? [customDialect(input.mappings)] : [];
  const classifier = new Classifier({ forced: input.dialect, extra, settings: input.dialectSettings });
  const store = new UsageStore({ by: input.by, matchers: input.matchers, classifier });
  if (input.prometheus) return computeFromServer(input, input.prometheus, book, ctx, classifier, store);
  if (input.sources.length === 0) {
    throw usageError('no data source', 'give --prometheus URL, --file PATH (or - for stdin) or --scrape URL; see tokenspend report --help');
  }

  const sources: SourceInfo[] = [];
  for (const spec of input.sources.filter((s) => s.kind === 'file')) {
    sources.push(await readFileSource(spec, { store, acceptName: classifier.acceptName, stdin: ctx.stdin }));
  }
  const scrapes = input.sources.filter((s) => s.kind === 'scrape');
  let scrapeWindow: Window | undefined;
  if (scrapes.length > 0) {
    const result = await scrapeTargets(scrapes, {
      store,
      acceptName: classifier.acceptName,
      timeoutMs: input.scrape.timeoutMs,
      auth: input.scrape.auth,
      intervalMs: input.scrape.intervalMs,
      now: ctx.clock,
      ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
    });
    sources.push(...result.sources);
    const [first, second] = result.rounds;
    // Two rounds: the usage between them (the first round is only the baseline).
    if (second !== undefined && first !== undefined && input.window.window === undefined && input.window.since === undefined) {
      scrapeWindow = { start: first, end: second, label: `between scrapes ${((second - first) / 1000).toFixed(0)}s apart` };
    }
  }

  checkMatched(classifier, input.dialect);

  const range = store.dataRange;
  const anchoredToData = input.now === undefined && range !== undefined && (isRelative(input.window) || input.plan !== undefined);
  const anchor = input.now ?? (anchoredToData ? range.last : ctx.clock());
  const planned = input.plan?.(anchor);
  let window = planned?.window ?? scrapeWindow ?? resolveWindow(input.window, anchor, input.timezone);
  if (range) window = boundToData(window, range.first, range.last, input.step, input.timezone);
  const buckets = refineEdges(bucketEdges(window, input.step, input.timezone), planned?.extraEdges ?? []);
  const edges = refineEdges(buckets, book.changeTimes());
  const usage = store.account(edges, input.lookbackMs ?? Number.POSITIVE_INFINITY);

  if (range && usage.coverage.samples === 0 && !store.hasSnapshot) {
    throw incompleteError(
      `no samples fall in the window ${describeBounds(window)}`,
      `the data runs from ${new Date(range.first).toISOString()} to ${new Date(range.last).toISOString()}`,
    );
  }
  return buildCostReport(usage, book, {
    window,
    timezone: input.timezone,
    lifetime: store.hasSnapshot,
    step: input.step?.label,
    bucketEdges: buckets,
    sources,
    top: input.top,
    now: anchor,
    anchoredToData,
  });
}

/** Exits 4 when no series of a known dialect was read, naming look-alikes. */
function checkMatched(classifier: Classifier, dialect: string | undefined): void {
  if (classifier.seen.size > 0) return;
  const lookalikes = [...classifier.lookalikes];
  throw incompleteError(
    'no token series of a known dialect matched',
    lookalikes.length > 0
      ? `metrics that look like token counters: ${lookalikes.join(', ')}; map them in a config file (mappings) or check --dialect`
      : `supported: ${DIALECTS.map((d) => d.id).join(', ')}${dialect ? `; --dialect ${dialect} may be wrong` : ''}`,
  );
}

/** The same pipeline with the ledger's work done on a Prometheus-compatible server. */
async function computeFromServer(
  input: ReportInput,
  conn: PrometheusConnection,
  book: PriceBook,
  ctx: PipelineContext,
  classifier: Classifier,
  store: UsageStore,
): Promise<CostReport> {
  if (input.sources.length > 0) throw usageError('--prometheus cannot be combined with --file or --scrape');
  const spec =
    input.window.window === undefined && input.window.since === undefined && input.window.until === undefined
      ? { window: '7d' }
      : input.window;
  const anchor = input.now ?? ctx.clock();
  const planned = input.plan?.(anchor);
  const window = planned?.window ?? resolveWindow(spec, anchor, input.timezone);
  if (!Number.isFinite(window.start) || !Number.isFinite(window.end)) {
    throw usageError(
      'a report from a Prometheus server needs a bounded window',
      'give --window 7d (or month, lastmonth…) or --since and --until',
    );
  }
  if (window.end > ctx.clock() + 60_000) window.end = Math.max(window.start + 1, ctx.clock());
  const buckets = refineEdges(bucketEdges(window, input.step, input.timezone), planned?.extraEdges ?? []);
  const edges = refineEdges(buckets, book.changeTimes());
  const lookbackMs = input.lookbackMs ?? SERVER_LOOKBACK_MS;
  const reading = await readPrometheus(conn, {
    classifier,
    store,
    edges,
    lookbackMs,
    countSamples: input.countSamples === true,
    ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
  });
  checkMatched(classifier, input.dialect);
  const usage = store.account(edges, lookbackMs);
  const report = buildCostReport(usage, book, {
    window,
    timezone: input.timezone,
    lifetime: false,
    step: input.step?.label,
    bucketEdges: buckets,
    sources: [reading.source],
    top: input.top,
    now: anchor,
    anchoredToData: false,
  });
  report.findings.push(...reading.findings);
  return report;
}

function describeBounds(w: Window): string {
  const t = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : '…');
  return `(${t(w.start)}, ${t(w.end)}]`;
}

/** Bucket edges plus every price change inside the window: no slice straddles a price change. */
export function refineEdges(buckets: readonly number[], changes: readonly number[]): number[] {
  const start = buckets[0] as number;
  const end = buckets[buckets.length - 1] as number;
  const all = new Set(buckets);
  for (const c of changes) if (c > start && c < end) all.add(c);
  return [...all].sort((a, b) => a - b);
}
