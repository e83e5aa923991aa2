import type { DataFlags, DataOptions } from '../config/data.js';
import type { ForecastFlags, OutputOptions } from '../config/resolve.js';
import { ExitCode, usageError } from '../errors.js';
import type { ForecastSettings } from '../forecast/settings.js';
import { DATA_OPTIONS, FORECAST_OPTIONS, type OptionSpec, outputOptions } from '../options.js';
import { type Format, FORMATS } from '../render/formats.js';
import { EXIT_CODE_MEANINGS } from '../help.js';
import { defineCommand } from './command.js';
import { emit, printFindings, renderOptionsFor } from './context.js';
import { loadBook, readReport } from './read.js';

type FailOn = 'breach' | 'forecast' | 'warn';

type BudgetFlags = DataFlags &
  ForecastFlags & { budgets?: string; at?: string; failOn?: FailOn; timezone?: string; format?: string; output?: string };

interface BudgetOptions {
  data: DataOptions;
  budgetsFile: string;
  at: number | undefined;
  failOn: FailOn | undefined;
  forecast: ForecastSettings;
  /** --timezone was given: it wins over the budgets file's. */
  timezone: string | undefined;
  output: OutputOptions<Format>;
}

const options: OptionSpec[] = [
  { flags: '--budgets <file>', description: 'budgets file (YAML or JSON)', defaultText: "the config file's budgets" },
  { flags: '--at <time>', description: 'check as of this time (default: now; for files, the last sample)' },
  { flags: '--fail-on <what>', description: 'also fail on a forecast breach or a warning', choices: ['breach', 'forecast', 'warn'] },
  { flags: '--timezone <zone>', description: "IANA zone for calendar periods (default: the budgets file's, else UTC)" },
  ...FORECAST_OPTIONS,
  ...DATA_OPTIONS,
  ...outputOptions(FORMATS),
];

/** `tokenspend budget check`: every budget for its current period; the exit code is the gate. */
export const budgetCheck = defineCommand<BudgetFlags, BudgetOptions>({
  name: 'budget check',
  options,
  examples: [
    'tokenspend budget check --budgets docs/examples/budgets.yaml --file fixtures/demo/history.om.gz',
    'tokenspend budget check --budgets budgets.yaml --prometheus http://127.0.0.1:9090',
    'tokenspend budget check --budgets docs/examples/budgets.yaml --file fixtures/demo/history.om.gz --fail-on forecast --format markdown >> "$GITHUB_STEP_SUMMARY"',
  ],
  exitCodes: {
    [ExitCode.ok]: 'every budget within its limit (warnings go to stderr)',
    [ExitCode.budgetBreached]: 'a budget is breached (or, where asked, its forecast or warn level)',
    [ExitCode.usage]: 'usage or configuration error: bad flags, invalid budgets, pricing or config file',
    [ExitCode.source]: EXIT_CODE_MEANINGS[ExitCode.source],
    [ExitCode.incomplete]:
      'incomplete data: a scope with no data, unpriced usage in scope,\n     too little history for a forecast the gate depends on',
  },
  async resolve(flags, env) {
    const [d, r, t] = await Promise.all([import('../config/data.js'), import('../config/resolve.js'), import('../ledger/time.js')]);
    const data = await d.resolveData(flags, env);
    const budgetsFile =
      flags.budgets ?? (data.config?.data.budgets === undefined ? undefined : data.config.resolvePath(data.config.data.budgets));
    if (budgetsFile === undefined)
      throw usageError('budget check needs a budgets file', 'give --budgets FILE, or budgets: in the config file');
    return {
      data,
      budgetsFile,
      at: r.resolveInstant(flags.at, '--at'),
      failOn: flags.failOn,
      forecast: r.resolveForecastSettings(flags, env),
      timezone: flags.timezone === undefined ? undefined : t.checkTimeZone(flags.timezone),
      output: r.resolveOutput(flags, FORMATS),
    };
  },
  async run(o, ctx) {
    const [{ loadBudgets }, { budgetPlan, evaluateBudgets, gateExitCode, labelOrigins }, { BUDGET_RENDERERS }] = await Promise.all([
      import('../budget/load.js'),
      import('../budget/evaluate.js'),
      import('../render/budget/index.js'),
    ]);
    const budgets = await loadBudgets(o.budgetsFile);
    const timezone = o.timezone ?? (budgets.timezoneDeclared ? budgets.timezone : (o.data.config?.data.timezone ?? budgets.timezone));
    const book = await loadBook(o.data);
    if (budgets.currency && budgets.currency !== book.currency) {
      throw usageError(`${budgets.path}: currency: the budgets are in ${budgets.currency} but the prices in ${book.currency}`);
    }
    const grouping = { by: [...new Set(budgets.budgets.flatMap((b) => b.labels))].sort(), matchers: [], origins: labelOrigins(budgets) };
    const report = await readReport(o.data, { grouping, plan: budgetPlan(budgets, o.forecast), timezone, now: o.at }, book, ctx);
    const at = report.window.end;
    const results = evaluateBudgets({ ...budgets, timezone }, report, { at, forecast: o.forecast, failOn: o.failOn });
    const view = { results, at, timezone, currency: book.currency, sources: report.sources };
    await emit(ctx, o.output.output, BUDGET_RENDERERS[o.output.format](view, renderOptionsFor(ctx, o.output.output)));
    printFindings(
      ctx,
      results.flatMap((r) => r.findings),
      o.output.format === 'table',
    );
    printFindings(ctx, report.findings, false);
    return gateExitCode(results, report.findings);
  },
});
