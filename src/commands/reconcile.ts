import type { ReconcileResult } from '../chargeback/reconcile.js';
import type { ReconcileFlags, ReconcileOptions as Options } from '../config/reconcile.js';
import type { CostReport } from '../cost/report.js';
import { ExitCode, TokenspendError, usageError } from '../errors.js';
import { isIncomplete } from '../findings.js';
import {
  BY_OPTION,
  DATA_OPTIONS,
  DECIMALS_OPTION,
  MATCH_OPTION,
  type OptionSpec,
  outputOptions,
  TIMEZONE_OPTION,
  WINDOW_OPTIONS,
} from '../options.js';
import type { PriceBook } from '../pricing/book.js';
import { type Format, FORMATS } from '../render/formats.js';
import { defineCommand } from './command.js';
import { type CommandContext, emit, printFindings, renderOptionsFor } from './context.js';
import { loadBook, readUsage } from './read.js';

type ReconcileOptions = Options<Format>;

const options: OptionSpec[] = [
  { flags: '--invoice <file>', description: "a provider's cost export (CSV) to compare with; default: the gateway's own cost counter" },
  {
    flags: '--invoice-format <format>',
    description: 'auto (from the columns), openai, anthropic or generic',
    choices: ['auto', 'openai', 'anthropic', 'generic'],
    defaultText: 'auto',
  },
  { flags: '--invoice-columns <map>', description: 'columns of a generic export: date=COLUMN,model=COLUMN,cost=COLUMN[,currency=COLUMN]' },
  { flags: '--invoice-provider <id>', description: 'compare only our usage priced under this provider (a generic export of one provider)' },
  { flags: '--tolerance <percent>', description: 'a difference up to this share of the larger side is a match', defaultText: '1%' },
  {
    flags: '--tolerance-amount <amount>',
    description: 'a difference up to this amount is a match, whatever its share',
    defaultText: '0.01',
  },
  { ...BY_OPTION, defaultText: 'model' },
  MATCH_OPTION,
  ...WINDOW_OPTIONS,
  TIMEZONE_OPTION,
  ...DATA_OPTIONS,
  ...outputOptions(FORMATS),
  DECIMALS_OPTION,
];

/** `tokenspend reconcile`: our cost against the gateway's cost counter or a provider's export; exit 1 beyond tolerance. */
export const reconcile = defineCommand<ReconcileFlags, ReconcileOptions>({
  name: 'reconcile',
  options,
  examples: [
    'tokenspend reconcile --file fixtures/reconcile/litellm-spend.prom --by team,model',
    'tokenspend reconcile --file fixtures/demo/history.om.gz --invoice fixtures/reconcile/openai-costs.csv --since 2026-11-18T00:00:00Z --until 2026-11-21T00:00:00Z --step 1d',
    'tokenspend reconcile --prometheus http://127.0.0.1:9090 --window lastmonth --invoice anthropic-costs.csv --format markdown',
  ],
  exitCodes: {
    [ExitCode.ok]: 'every difference within tolerance',
    [ExitCode.budgetBreached]: 'some period and group differs beyond tolerance (mismatch, only-ours, only-theirs)',
    [ExitCode.usage]: 'usage or configuration error: bad flags, an unreadable export, no cost counter to compare with',
    [ExitCode.source]: 'data source failure: unreachable, timeout, HTTP error, malformed data',
    [ExitCode.incomplete]: 'incomplete data: no matching series, a partial answer, stale or invalid samples',
  },
  async resolve(flags, env) {
    const [{ resolveReconcile }, { parseTolerance }] = await Promise.all([import('../config/reconcile.js'), import('./pricing-drift.js')]);
    return resolveReconcile(flags, env, FORMATS, parseTolerance);
  },
  async run(o, ctx) {
    const { RECONCILE_RENDERERS } = await import('../render/reconcile/index.js');
    const book = await loadBook(o.data);
    const { result, report } = o.invoice ? await againstInvoice(o, book, ctx) : await againstCounter(o, book, ctx);
    const { format, output, decimals } = o.output;
    await emit(ctx, output, RECONCILE_RENDERERS[format](result, renderOptionsFor(ctx, output, decimals)));
    printFindings(
      ctx,
      report.findings.filter((f) => f.code !== 'FRACTIONAL_TOKENS'),
      format === 'table',
    );
    for (const n of result.notes) ctx.stderr(`tokenspend: note: ${n}\n`);
    if (report.findings.some(isIncomplete)) return ExitCode.incomplete;
    return result.failing > 0 ? ExitCode.budgetBreached : ExitCode.ok;
  },
});

/** Ours per `--by` group against the gateway's own cost counter, read as a counter (resets, gaps) through the same ledger. */
async function againstCounter(
  o: ReconcileOptions,
  book: PriceBook,
  ctx: CommandContext,
): Promise<{ result: ReconcileResult; report: CostReport }> {
  const r = await import('../chargeback/reconcile.js');
  if (o.data.sources.specs.some((s) => s.location === '-'))
    throw usageError('reconciling against the cost counter reads the data twice: give a file, not stdin');
  const request = { grouping: o.grouping, plan: o.plan, timezone: o.timezone, now: o.now, dialects: o.data.dialects };
  const { report } = await readUsage(o.data, request, book, ctx);
  const mappings = r.costCounterMappings(Object.keys(report.dialects));
  if (mappings.length === 0) {
    throw usageError(
      `the data's dialects (${Object.keys(report.dialects).join(', ')}) have no cost counter of their own`,
      "compare with a provider's export: --invoice FILE",
    );
  }
  const metrics = mappings.map((m) => m.metric).join(', ');
  const plan = report.lifetime
    ? o.plan
    : {
        kind: 'window' as const,
        window: { kind: 'range' as const, start: report.window.start, end: report.window.end, label: report.window.label },
        step: o.plan.step,
      };
  let counter;
  try {
    counter = await readUsage(
      o.data,
      { ...request, plan, now: report.window.end, dialects: { forced: 'custom', settings: {}, mappings } },
      book,
      ctx,
    );
  } catch (e) {
    if (e instanceof TokenspendError && e.exitCode === ExitCode.incomplete)
      throw usageError(
        `the data has no ${metrics} series to compare with (${e.message})`,
        "compare with a provider's export: --invoice FILE",
      );
    throw e;
  }
  const cells = r.oursFrom(report, (g) => o.grouping.by.map((d) => g[d] ?? ''));
  r.theirsFromCounter(counter.usage, report.buckets.length > 2 ? report.buckets : [], cells);
  report.findings.push(...counter.report.findings.filter((f) => isIncomplete(f)));
  return {
    result: r.compare(cells, { report, by: o.grouping.by, tolerance: o.tolerance, against: metrics, kind: 'counter', notes: [] }),
    report,
  };
}

/** Ours per day (or step) and model against a provider's cost export; only our usage that provider bills is compared. */
async function againstInvoice(
  o: ReconcileOptions,
  book: PriceBook,
  ctx: CommandContext,
): Promise<{ result: ReconcileResult; report: CostReport }> {
  const [r, { parseInvoice }, { readUserFile }] = await Promise.all([
    import('../chargeback/reconcile.js'),
    import('../chargeback/invoice.js'),
    import('../files/read.js'),
  ]);
  const spec = o.invoice as NonNullable<ReconcileOptions['invoice']>;
  const invoice = parseInvoice((await readUserFile(spec.path, 'cost export')).toString('utf8'), spec.path, spec.format, spec.columns);
  const other = invoice.lines.find((l) => l.currency !== undefined && l.currency !== book.currency);
  if (other)
    throw usageError(
      `${spec.path}: line ${other.line}: amounts in ${other.currency}, prices in ${book.currency}`,
      'reconcile in one currency (--currency with --fx-rate)',
    );
  const provider = spec.provider ?? invoice.provider;
  const grouping = { ...o.grouping, by: ['model', 'provider'] };
  const { report } = await readUsage(
    o.data,
    { grouping, plan: o.plan, timezone: o.timezone, now: o.now, dialects: o.data.dialects },
    book,
    ctx,
  );
  const edges = report.buckets.length > 2 ? report.buckets : [report.window.start, report.window.end];
  const off = edges.find((t) => !Number.isFinite(t) || t % 86_400_000 !== 0);
  if (off !== undefined) {
    throw usageError(
      `an export bills whole UTC days, but the window has an edge at ${Number.isFinite(off) ? new Date(off).toISOString() : 'the start of the data'}`,
      'give --since and --until at 00:00:00Z (or --window lastweek/lastmonth with --timezone UTC), and --step 1d or none',
    );
  }
  const byModel = o.grouping.by.includes('model');
  const cells = r.oursFrom(report, (g) => {
    const k = r.modelKey(book, g.model ?? '', g.provider || undefined, provider);
    return k === undefined ? undefined : byModel ? [k] : [];
  });
  const outside = r.theirsFromInvoice(
    invoice,
    report.buckets.length > 2 ? report.buckets : edges,
    (m) => (byModel ? [r.modelKey(book, m, provider, undefined) ?? m] : []),
    cells,
  );
  const notes = outside > 0 ? [`${outside} lines of ${spec.path} fall outside the window and were left out`] : [];
  if (provider !== undefined) notes.push(`only our usage billed by ${provider} is compared`);
  const against = `${spec.path} (${invoice.format} cost export)`;
  return { result: r.compare(cells, { report, by: o.grouping.by, tolerance: o.tolerance, against, kind: 'invoice', notes }), report };
}
