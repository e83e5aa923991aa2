import type { DataFlags, DataOptions } from '../config/data.js';
import type { GroupingFlags, OutputOptions, WindowFlags } from '../config/resolve.js';
import { ExitCode, incompleteError } from '../errors.js';
import { isIncomplete } from '../findings.js';
import type { WindowPlan } from '../ledger/periods.js';
import {
  BY_OPTION,
  DATA_OPTIONS,
  DECIMALS_OPTION,
  MATCH_OPTION,
  type OptionSpec,
  outputOptions,
  SCRAPE_INTERVAL_OPTION,
  TIMEZONE_OPTION,
  WINDOW_OPTIONS,
} from '../options.js';
import type { Grouping } from '../pipeline.js';
import { type ReportFormat, REPORT_FORMATS } from '../render/formats.js';
import { dataExitCodes } from '../help.js';
import { defineCommand } from './command.js';
import { emit, printFindings, renderOptionsFor } from './context.js';
import { loadBook, readReport } from './read.js';

type ReportFlags = DataFlags &
  GroupingFlags &
  WindowFlags & {
    timezone?: string;
    now?: string;
    format?: string;
    output?: string;
    decimals?: string;
    strict?: boolean;
    /** `--scrape … --interval`. */
    interval?: string;
  };

interface ReportOptions {
  data: DataOptions;
  grouping: Grouping;
  plan: WindowPlan;
  timezone: string;
  now: number | undefined;
  output: OutputOptions<ReportFormat>;
  strict: boolean;
}

const options: OptionSpec[] = [
  BY_OPTION,
  MATCH_OPTION,
  { flags: '--top <n>', description: 'keep the N dearest groups; fold the rest into "(other)"' },
  ...WINDOW_OPTIONS,
  TIMEZONE_OPTION,
  SCRAPE_INTERVAL_OPTION,
  ...DATA_OPTIONS,
  ...outputOptions(REPORT_FORMATS),
  DECIMALS_OPTION,
  { flags: '--strict', description: 'exit 4 when any usage is unpriced or a server answered partially' },
];

/** `tokenspend report`: exact tokens and cost per group over a window. */
export const report = defineCommand<ReportFlags, ReportOptions>({
  name: 'report',
  options,
  examples: [
    'tokenspend report --file fixtures/demo/history.om.gz --window 7d --by gateway,model',
    'tokenspend report --file fixtures/demo/history.om.gz --window 7d --step 1d --by model,feature --format csv --output week.csv',
    'tokenspend report --prometheus http://127.0.0.1:9090 --window lastweek --step 1d --by team,model',
    'tokenspend report --file edge=fixtures/dialects/kong.prom --file proxy=fixtures/dialects/litellm.prom --by gateway,model',
    'tokenspend report --scrape http://127.0.0.1:15020/metrics --by model --format json',
  ],
  exitCodes: dataExitCodes(
    'incomplete data: no matching series, no samples in the window,\n     unpriced usage or a partial response under --strict',
  ),
  async resolve(flags, env) {
    const [d, r] = await Promise.all([import('../config/data.js'), import('../config/resolve.js')]);
    const data = await d.resolveData(flags, env, flags.interval);
    return {
      data,
      grouping: r.resolveGrouping(flags, data.config),
      plan: r.resolveWindowPlan(flags),
      timezone: r.resolveTimezone(flags.timezone, data.config),
      now: r.resolveInstant(flags.now, '--now'),
      output: r.resolveOutput(flags, REPORT_FORMATS),
      strict: flags.strict === true,
    };
  },
  async run(o, ctx) {
    // The renderers load while the data is read (a server's answers are waited for).
    const renderers = import('../render/report/index.js');
    renderers.catch(() => undefined); // awaited below, after the data (whose errors come first)
    // (Its one use of freshness is the staleness warning, over all the data.)
    const request = { grouping: o.grouping, plan: o.plan, timezone: o.timezone, now: o.now, overallFreshness: true };
    const result = await readReport(o.data, request, await loadBook(o.data), ctx);
    const { REPORT_RENDERERS } = await renderers;
    const { format, output, decimals } = o.output;
    await emit(ctx, output, REPORT_RENDERERS[format](result, renderOptionsFor(ctx, output, decimals)));
    printFindings(ctx, result.findings, format === 'table');
    if (o.strict && result.totals.unpricedTokens > 0) {
      throw incompleteError(`--strict: ${result.totals.unpricedTokens} tokens are unpriced`, 'add the models to a --pricing file');
    }
    const incomplete = result.findings.find(isIncomplete);
    if (o.strict && incomplete) throw incompleteError(`--strict: ${incomplete.message}`);
    return ExitCode.ok;
  },
});
