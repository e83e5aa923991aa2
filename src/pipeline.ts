import { buildCostReport, type CostReport } from './cost/report.js';
import { Classifier } from './dialects/classifier.js';
import { type CustomMapping, customDialects } from './dialects/mappings.js';
import type { DialectSettings } from './dialects/spec.js';
import { DIALECT_IDS } from './dialects/table.js';
import { incompleteError, sourceError, usageError } from './errors.js';
import { finding } from './findings.js';
import { stalenessThreshold, staleness } from './ledger/freshness.js';
import type { Matcher } from './ledger/matchers.js';
import {
  boundToData,
  bucketEdges,
  isRelative,
  refineEdges,
  resolvePlan,
  type TimePlan,
  type Window,
  type WindowSpec,
} from './ledger/periods.js';
import { DEFAULT_REPLICA_POLICY, type ReplicaPolicy } from './ledger/replicas.js';
import { type Usage, UsageStore } from './ledger/store.js';
import { BucketStore, splitSink } from './ledger/histograms.js';
import type { SampleSink } from './ledger/sink.js';
import type { PriceBook } from './pricing/book.js';
import type { ReadRequest, SourceContext, SourceReading, UsageSource } from './sources/source.js';

/** How series become groups: the `--by` dimensions, `--match` selectors and `--top`. */
export interface Grouping {
  by: string[];
  matchers: Matcher[];
  top?: number | undefined;
  /**
   * Where each label was asked for, for messages: label (or matcher text) → `in --by`,
   * `in budgets.yaml: budgets[2].match`. By default `--by` and `--match`.
   */
  origins?: Readonly<Record<string, string>> | undefined;
}

/** Names a mistyped label (exit 2) or a selector that left no series (exit 4), before any report is made. */
function checkGrouping(grouping: Grouping, store: UsageStore): void {
  const origins: Record<string, string> = {};
  for (const d of grouping.by) origins[d] = 'in --by';
  for (const m of grouping.matchers) origins[m.label] ??= `in --match ${m.label}${m.op}${m.value}`;
  Object.assign(origins, grouping.origins);
  store.census.checkLabels([...grouping.by, ...grouping.matchers.map((m) => m.label)], origins);
  store.census.checkMatched(origins);
}

/** How metric names and labels are read. */
export interface DialectChoice {
  /** `--dialect`: read only this one. */
  forced: string | undefined;
  /** Labels that carry the billed service tier, when not the built-in ones. */
  serviceTierLabels?: readonly string[] | undefined;
  settings: DialectSettings;
  mappings: CustomMapping[];
}

/** Everything a report needs, already resolved from flags, config file and environment. */
export interface ReportRequest {
  sources: UsageSource[];
  grouping: Grouping;
  plan: TimePlan;
  timezone: string;
  /** `--now`/`--at`: the anchor; by default the end of timestamped data for relative windows, else the clock. */
  now: number | undefined;
  dialects: DialectChoice;
  /** undefined: each source's default (all the data for files and scrapes, 7 days on a server). */
  lookbackMs: number | undefined;
  /** HA replica copies: counted once by default. */
  replicas?: ReplicaPolicy | undefined;
  /** `--max-staleness`; undefined: four scrape intervals, at least 15 minutes. */
  maxStalenessMs?: number | undefined;
  /**
   * Only the newest sample of all the data is used (the report's staleness warning), not each
   * group's (budgets, whose periods are judged group by group): sources may look for less.
   */
  overallFreshness?: boolean | undefined;
  /** Files read twice for a window anchored to their data from this size on (`PRESCAN_FROM_BYTES`; tests lower it). */
  prescanFromBytes?: number | undefined;
}

/**
 * Files this large or larger (their text; gzip counted at a typical ratio) are read twice when
 * the window is anchored to their last sample, so that memory stays flat in samples; smaller ones
 * are read once and their samples kept (at most a few MB), which is faster.
 */
export const PRESCAN_FROM_BYTES = 32 * 1024 * 1024;

/** Where the report sits in time once the anchor is known. */
interface Placement {
  window: Window;
  /** Bucket edges (report rows), and slice edges (buckets cut again at every price change). */
  buckets: number[];
  edges: number[];
  anchor: number;
  anchoredToData: boolean;
}

/** Source → samples → dialect → ledger → prices: the one way data goes through. */
export async function computeReport(request: ReportRequest, book: PriceBook, ctx: SourceContext): Promise<CostReport> {
  return (await computeUsageReport(request, book, ctx)).report;
}

/** A report with what it was made from: the exact usage per slice, and the span of timestamped samples read. */
export interface UsageReport {
  report: CostReport;
  usage: Usage;
  /** First and last timestamped sample (files, scrapes); undefined for servers and snapshots. */
  dataRange: { first: number; last: number } | undefined;
}

/** `computeReport`, keeping the usage per slice (chargeback prices it again, at list prices) and the data's span. */
export async function computeUsageReport(request: ReportRequest, book: PriceBook, ctx: SourceContext): Promise<UsageReport> {
  const { sources, dialects } = request;
  if (sources.length === 0) {
    throw usageError('no data source', 'give --prometheus URL, --file PATH (or - for stdin) or --scrape URL; see tokenspend report --help');
  }
  const stored = stores(request, book);
  const { classifier, store, buckets, lookbackMs } = stored;
  const read = (s: UsageSource, placed?: Placement) => s.read(stored.sink, readRequest(request, stored, ctx, placed));
  // Anchored to the data's last sample: files read twice, first for that sample alone (`prescan`).
  const streamed = await prescan(request, book, ctx);
  if (streamed) store.stream(streamed.placement.edges, lookbackMs);

  // Sources of raw samples first: a file's last sample may be the anchor of the time plan.
  const readings: SourceReading[] = [];
  const late = sources.filter((s) => s.reads === 'slices');
  for (const s of sources) if (s.reads === 'samples') readings.push(await read(s));
  if (late.length === 0) {
    checkMatched(classifier, dialects.forced);
    checkGrouping(request.grouping, store);
  }
  const placed = place(request, store.dataRange, readings, book, ctx);
  if (streamed) checkUnchanged(streamed, placed, store.dataRange);
  for (const s of late) readings.push(await read(s, placed));
  if (late.length > 0) {
    checkMatched(classifier, dialects.forced);
    checkGrouping(request.grouping, store);
  }

  const usage = store.account(placed.edges, lookbackMs);
  const range = store.dataRange;
  if (range && usage.coverage.samples === 0 && !store.hasSnapshot) {
    throw incompleteError(
      `no samples fall in the window ${describeBounds(placed.window)}`,
      `the data runs from ${new Date(range.first).toISOString()} to ${new Date(range.last).toISOString()}`,
    );
  }
  const report = buildCostReport(usage, book, {
    window: placed.window,
    timezone: request.timezone,
    lifetime: store.hasSnapshot,
    step: request.plan.kind === 'window' ? request.plan.step?.label : '1d',
    bucketEdges: placed.buckets,
    sources: readings.flatMap((r) => r.sources),
    top: request.grouping.top,
    now: placed.anchor,
    anchoredToData: placed.anchoredToData,
    ...(buckets ? { histograms: buckets.account(placed.edges, lookbackMs, usage.cacheOutsideInput) } : {}),
  });
  report.findings.push(...readings.flatMap((r) => r.findings));
  const thresholdMs = stalenessThreshold(request.maxStalenessMs, report.freshness.intervalMs);
  report.freshness = { ...report.freshness, thresholdMs };
  noneInWindow(report.freshness.overall, placed.window, late.length > 0 && !(range && usage.coverage.samples > 0) && !store.hasSnapshot);
  // Fresh enough at the window's end (or now, if that comes first)? Snapshots have no time to be stale at.
  if (report.freshness.overall !== undefined || late.length > 0) {
    const stale = staleness(report.freshness.overall, staleAt(placed), thresholdMs);
    if (stale) report.findings.push(finding('STALE_DATA', 'warning', `${stale}: the report may miss recent usage`));
  }
  return { report, usage, dataRange: range };
}

/**
 * The classifier, the usage store (streaming where the slice edges are known before reading), the
 * look-back and, where some model has a long-context tier, the store of request-size buckets.
 */
function stores(request: ReportRequest, book: PriceBook) {
  const { dialects } = request;
  const wanted = longContextModels(book);
  const classifier = new Classifier({
    forced: dialects.forced,
    extra: customDialects(dialects.mappings),
    settings: dialects.settings,
    buckets: wanted !== undefined,
    bucketModels: wanted,
    serviceTierLabels: dialects.serviceTierLabels,
  });
  const replicas = request.replicas ?? DEFAULT_REPLICA_POLICY;
  const grouping = { by: request.grouping.by, matchers: request.grouping.matchers, classifier, replicas };
  const store = new UsageStore(grouping);
  const lookbackMs = request.lookbackMs ?? Math.min(...request.sources.map((s) => s.defaults.lookbackMs));
  const streamEdges = streamingEdges(request, book);
  if (streamEdges) store.stream(streamEdges, lookbackMs);
  const buckets = wanted ? new BucketStore({ ...grouping, wanted }) : undefined;
  const sink: SampleSink = buckets ? splitSink(store, buckets, classifier) : store;
  return { classifier, replicas, store, buckets, sink, wanted, lookbackMs };
}

/** Which models bill long requests higher (their request-size histograms are read); undefined when none does. */
function longContextModels(book: PriceBook): ((model: string | undefined, provider: string | undefined) => boolean) | undefined {
  if (!book.list().some((m) => m.rates.some((r) => r.context.length > 0))) return undefined;
  return (model, provider) => model !== undefined && (book.model(model, provider)?.rates.some((r) => r.context.length > 0) ?? false);
}

/**
 * Resolves the time plan: the anchor (`--now`, else the last sample of timestamped data for
 * relative windows and periods, else the clock), the window, its buckets and slice edges.
 */
function place(request: ReportRequest, range: Span | undefined, readings: SourceReading[], book: PriceBook, ctx: SourceContext): Placement {
  const { plan, timezone, sources } = request;
  const server = sources.some((s) => s.reads === 'slices');
  const fallback: WindowSpec = sources.find((s) => s.reads === 'slices')?.defaults.window ?? { kind: 'all', label: 'all' };
  const relative = hangsOnAnchor(plan);
  const anchoredToData = request.now === undefined && range !== undefined && relative;
  const anchor = request.now ?? (anchoredToData ? range.last : ctx.clock());
  const resolved = resolvePlan(plan, anchor, timezone, fallback);
  const observed = readings.find((r) => r.observed)?.observed;
  let window = plan.kind === 'window' && plan.window === undefined && observed ? observed : resolved.window;
  if (range) window = boundToData(window, range.first, range.last, resolved.step, timezone);
  if (server) window = boundForServer(window, ctx.clock());
  const buckets = refineEdges(bucketEdges(window, resolved.step, timezone), resolved.extraEdges);
  return { window, buckets, edges: refineEdges(buckets, book.changeTimes()), anchor, anchoredToData };
}

/**
 * The slice edges, when files are the only sources and the edges do not depend on where their
 * data begins and ends except at the outer bounds (left open here, ±Infinity): the store then
 * accounts each sample as it arrives. Undefined when the plan is anchored to the data's last
 * sample (a relative window or budget periods without --now), or steps over an unbounded window.
 */
function streamingEdges(request: ReportRequest, book: PriceBook): number[] | undefined {
  const { plan, timezone } = request;
  if (!request.sources.every((s) => s.kind === 'file')) return undefined;
  const relative = hangsOnAnchor(plan);
  const clockEnd = plan.kind === 'window' && plan.window?.kind === 'range' && plan.window.end === undefined;
  if ((relative || clockEnd) && request.now === undefined) return undefined;
  try {
    const resolved = resolvePlan(plan, request.now ?? 0, timezone, { kind: 'all', label: 'all' });
    const w = resolved.window;
    const bounded = Number.isFinite(w.start) && Number.isFinite(w.end);
    if (!bounded && (resolved.step !== undefined || resolved.extraEdges.length > 0)) return undefined;
    return refineEdges(refineEdges(bucketEdges(w, resolved.step, timezone), resolved.extraEdges), book.changeTimes());
  } catch {
    return undefined; // the same plan fails again after reading, where the message belongs
  }
}

type Stores = ReturnType<typeof stores>;

/** When the data's freshness is judged: at the window's end, or now if that comes first. */
function staleAt(placed: Placement): number {
  return Math.min(placed.window.end, placed.anchor);
}

/** What every source is told when asked to read. */
function readRequest(request: ReportRequest, stored: Stores, ctx: SourceContext, placed?: Placement): ReadRequest {
  const { wanted, classifier, lookbackMs, replicas } = stored;
  // As the staleness check judges it: at the window's end (or now), against the least threshold.
  const freshEnough =
    placed && request.overallFreshness === true
      ? { at: staleAt(placed), withinMs: stalenessThreshold(request.maxStalenessMs, undefined) }
      : undefined;
  return {
    ...(freshEnough ? { freshEnough } : {}),
    ...(wanted ? { bucketModels: wanted } : {}),
    classifier,
    lookbackMs,
    lookbackGiven: request.lookbackMs,
    ctx,
    replicas,
    grouping: request.grouping,
    ...(placed ? { edges: placed.edges } : {}),
  };
}

type Span = { first: number; last: number };
interface Scanned {
  range: Span;
  placement: Placement;
}

/**
 * A plan anchored to the data's last sample (a relative window or budget periods, no --now) over
 * large files that can be read twice: a first pass finds the span of the samples the report
 * counts, keeping none, and the placement it gives; the second pass then streams each series into
 * the final slices (memory per series, not per sample), as with a window given by dates.
 * Undefined otherwise (standard input, a pipe, a server, small files), or when some series'
 * samples came out of time order by more than the streaming window (they are then kept and
 * sorted, as before).
 */
async function prescan(request: ReportRequest, book: PriceBook, ctx: SourceContext): Promise<Scanned | undefined> {
  const { plan, sources } = request;
  const relative = hangsOnAnchor(plan);
  if (!relative || request.now !== undefined || !sources.every((s) => s.kind === 'file')) return undefined;
  let bytes = 0;
  for (const s of sources) {
    const b = await s.rereadableBytes?.();
    if (b === undefined) return undefined;
    bytes += b;
  }
  if (bytes < (request.prescanFromBytes ?? PRESCAN_FROM_BYTES)) return undefined;
  const scan = stores(request, book);
  scan.store.scan();
  // The usage store's samples only: request-size buckets go to their own store and never set the span.
  const sink: SampleSink = {
    addTimed: (sample, time, source) => {
      if (!(scan.buckets && scan.classifier.isBucket(sample.name))) scan.store.addTimed(sample, time, source);
    },
    addSnapshot: () => undefined,
    addAccounted: () => undefined,
  };
  const progress = ctx.progress;
  const marked: SourceContext = {
    ...ctx,
    progress: progress && ((e) => progress(e.kind === 'read' ? { ...e, what: `${e.what} (first pass: where the data ends)` } : e)),
  };
  for (const s of sources) await s.read(sink, readRequest(request, scan, marked));
  const range = scan.store.dataRange;
  if (range === undefined || !scan.store.scannedInOrder) return undefined;
  return { range, placement: place(request, range, [], book, ctx) };
}

/** The second pass read the data the first found: else its slices would not be the report's. */
function checkUnchanged(first: Scanned, placed: Placement, range: Span | undefined): void {
  const { edges } = first.placement;
  if (edges.length === placed.edges.length && edges.every((e, i) => e === placed.edges[i])) return;
  const span = (r: Span | undefined) => (r ? `${new Date(r.first).toISOString()} to ${new Date(r.last).toISOString()}` : 'no samples');
  throw sourceError(
    `the data changed while it was read: its samples ran from ${span(first.range)} on the first pass, from ${span(range)} on the second`,
    'read a file that is not being written to, or give --now to anchor the window',
  );
}

/** A plan placed from its anchor (a relative window or budget periods): without --now, the data's last sample. */
function hangsOnAnchor(plan: TimePlan): boolean {
  return plan.kind === 'periods' || (plan.window !== undefined && isRelative(plan.window));
}

/** A server answers for a bounded window, and for nothing after now. */
function boundForServer(window: Window, now: number): Window {
  if (!Number.isFinite(window.start) || !Number.isFinite(window.end)) {
    throw usageError(
      'a report from a Prometheus server needs a bounded window',
      'give --window 7d (or month, lastmonth…) or --since and --until',
    );
  }
  return window.end > now + 60_000 ? { ...window, end: Math.max(window.start + 1, now) } : window;
}

/** Exits 4 when no series of a known dialect was read, naming look-alikes. */
function checkMatched(classifier: Classifier, dialect: string | undefined): void {
  if (classifier.seen.size > 0) return;
  const lookalikes = [...classifier.lookalikes];
  throw incompleteError(
    'no token series of a known dialect matched',
    lookalikes.length > 0
      ? `metrics that look like token counters: ${lookalikes.join(', ')}; map them in a config file (mappings) or check --dialect`
      : `supported: ${DIALECT_IDS.filter((d) => d !== 'custom').join(', ')}${dialect ? `; --dialect ${dialect} may be wrong` : ''}`,
  );
}

/**
 * A server's series whose newest sample at the window's end came at or before its start had no
 * sample in it: no data, as a file's (exit 4), not a report of zeros (`onlyServers`: no file
 * sample counted, no snapshot).
 */
function noneInWindow(newest: number | undefined, window: Window, onlyServers: boolean): void {
  if (!onlyServers || newest === undefined || newest > window.start) return;
  throw incompleteError(
    `no samples fall in the window ${describeBounds(window)}`,
    `the newest sample of the series read is from ${new Date(newest).toISOString()}`,
  );
}

function describeBounds(w: Window): string {
  const t = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : '…');
  return `(${t(w.start)}, ${t(w.end)}]`;
}
