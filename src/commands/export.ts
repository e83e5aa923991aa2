import type { ExportFlags, ExportOptions as Options } from '../config/export.js';
import { ExitCode, incompleteError, usageError } from '../errors.js';
import { dataExitCodes } from '../help.js';
import { isoTime } from '../ledger/time.js';
import { BY_OPTION, DATA_OPTIONS, DECIMALS_OPTION, MATCH_OPTION, type OptionSpec, TIMEZONE_OPTION } from '../options.js';
import { EXPORT_FORMATS, type ExportFormat } from '../render/formats.js';
import { defineCommand } from './command.js';
import { printFindings } from './context.js';
import { terminalCell } from '../text.js';

type ExportOptions = Options<ExportFormat>;

const options: OptionSpec[] = [
  {
    flags: '--period <unit>',
    description: 'ledger period, calendar-aligned in --timezone',
    choices: ['day', 'week', 'month'],
    defaultText: 'day',
  },
  {
    flags: '--output <file>',
    description: 'the ledger file to merge into (written atomically, under FILE.lock); - streams rows to stdout',
  },
  {
    flags: '--format <format>',
    description: 'csv, focus (FinOps FOCUS 1.2 columns) or jsonl',
    choices: EXPORT_FORMATS,
    defaultText: 'csv',
  },
  BY_OPTION,
  MATCH_OPTION,
  { flags: '--at <time>', description: 'export as of this time (default: now; for files, the last sample)' },
  { flags: '--periods <n>', description: 'the last N complete periods (default: the last one)' },
  { flags: '--catch-up', description: "every complete period after the ledger's newest (a job that missed nights fills the gap)" },
  { flags: '--include-current', description: 'also the current, partial period, marked complete=false in every row' },
  TIMEZONE_OPTION,
  DECIMALS_OPTION,
  { flags: '--strict', description: 'exit 4, writing nothing, when any usage is unpriced' },
  { flags: '--billing-account-id <id>', description: 'FOCUS BillingAccountId (or chargeback.billingAccountId in the config file)' },
  { flags: '--billing-account-name <name>', description: 'FOCUS BillingAccountName (or chargeback.billingAccountName)' },
  {
    flags: '--lock-timeout <duration>',
    description: 'how long to wait for another export holding the ledger (0: not at all)',
    defaultText: '60s',
  },
  ...DATA_OPTIONS,
];

/** `tokenspend export`: complete periods into a chargeback ledger, for the nightly job. */
export const exportCommand = defineCommand<ExportFlags, ExportOptions>({
  name: 'export',
  options,
  examples: [
    'tokenspend export --file fixtures/demo/history.om.gz --period day --by gateway,model --output ledger.csv',
    'tokenspend export --file fixtures/demo/history.om.gz --periods 7 --format focus --billing-account-id acme --output focus.csv',
    'tokenspend export --prometheus http://127.0.0.1:9090 --period day --catch-up --by team,model --output /data/chargeback.csv',
    'tokenspend export --file fixtures/demo/history.om.gz --period week --format jsonl --output -',
  ],
  exitCodes: {
    ...dataExitCodes(
      'incomplete data: a period with stale or missing data (named; the periods before it\n     are written), a partial answer, or unpriced usage under --strict (nothing written)',
    ),
    [ExitCode.source]: 'data source failure; or the ledger is locked by another export past --lock-timeout',
  },
  async resolve(flags, env) {
    const [{ resolveExport }, { LEDGER_CSV_HEAD, LEDGER_CSV_TAIL }] = await Promise.all([
      import('../config/export.js'),
      import('../render/export/csv.js'),
    ]);
    const o = await resolveExport(flags, env, EXPORT_FORMATS);
    const fixed: readonly string[] = [...LEDGER_CSV_HEAD, ...LEDGER_CSV_TAIL];
    const clash = o.grouping.by.find((d) => fixed.includes(d));
    if (clash !== undefined && o.format === 'csv')
      throw usageError(`--by: "${clash}" is also a column of the ledger; group by another label`);
    return o;
  },
  async run(o, ctx) {
    const [{ EXPORT_RENDERERS }, { emptyView, exportSummary }, io] = await Promise.all([
      import('../render/export/index.js'),
      import('../render/export/view.js'),
      import('./ledger.js'),
    ]);
    const render = EXPORT_RENDERERS[o.format];
    const exportedAt = isoTime(Math.floor(ctx.clock() / 1000) * 1000);
    const since = await io.catchUpStart(o, render(emptyView(o.schedule.unit, o.schedule.zone, o.grouping.by)).layout, ctx);
    const { result, findings } = await io.readExport(o, since, ctx);
    printFindings(ctx, findings, false);
    if (o.strict && result.unpriced.tokens > 0) {
      throw incompleteError(
        `--strict: ${result.unpriced.tokens} tokens are unpriced (${result.unpriced.models.map(terminalCell).join(', ')}); nothing was written`,
        'add the models to a --pricing file',
      );
    }
    const view = io.exportView(o, result);
    const rendered = render(view);
    let write: Awaited<ReturnType<typeof io.writeLedger>> | undefined;
    if (o.output === undefined) ctx.stdout(io.ledgerStream(rendered, exportedAt));
    else if (rendered.blocks.length > 0) write = await io.writeLedger(o.output, rendered, exportedAt, o.lockWaitMs, ctx);
    for (const line of exportSummary(view, o.output, write, result)) ctx.stderr(line);
    if (result.refused.length > 0) {
      const { refusalMessage } = await import('../chargeback/export.js');
      throw incompleteError(refusalMessage(result.refused, o.schedule.unit, o.schedule.zone));
    }
    return ExitCode.ok;
  },
});
