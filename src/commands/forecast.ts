import type { DataFlags, DataOptions } from '../config/data.js';
import type { ForecastFlags, GroupingFlags, OutputOptions } from '../config/resolve.js';
import { ExitCode, incompleteError, usageError } from '../errors.js';
import type { ForecastSettings } from '../forecast/settings.js';
import { BY_OPTION, DATA_OPTIONS, FORECAST_OPTIONS, MATCH_OPTION, type OptionSpec, outputOptions, TIMEZONE_OPTION } from '../options.js';
import type { Grouping } from '../pipeline.js';
import { type Format, FORMATS } from '../render/formats.js';
import { dataExitCodes } from '../help.js';
import { defineCommand } from './command.js';
import { emit, printFindings, renderOptionsFor } from './context.js';
import { loadBook, readReport } from './read.js';

const PERIODS = ['week', 'month', 'quarter', 'year'] as const;
/** Days a back-test reads from a server (files: all their data). */
const BACKTEST_SERVER_DAYS = 365;
type ForecastPeriod = (typeof PERIODS)[number];

type Flags = DataFlags &
  GroupingFlags &
  ForecastFlags & {
    period?: ForecastPeriod;
    budget?: string;
    backtest?: boolean;
    at?: string;
    timezone?: string;
    chart?: boolean;
    format?: string;
    output?: string;
  };

interface Options {
  data: DataOptions;
  grouping: Grouping;
  period: ForecastPeriod;
  budget: string | undefined;
  backtest: boolean;
  at: number | undefined;
  timezone: string;
  chart: boolean;
  settings: ForecastSettings;
  output: OutputOptions<Format>;
}

const options: OptionSpec[] = [
  { flags: '--period <period>', description: 'the period to forecast to the end of', choices: PERIODS, defaultText: 'month' },
  BY_OPTION,
  MATCH_OPTION,
  { flags: '--budget <amount>', description: 'a limit to forecast the exhaustion date against' },
  {
    flags: '--backtest',
    description:
      'score the methods on all the history instead: error and bias of the period total, MASE, interval coverage, per group and pooled',
  },
  { flags: '--at <time>', description: 'forecast as of this time (default: now; for files, the last sample)' },
  TIMEZONE_OPTION,
  { flags: '--no-chart', description: 'no chart under the table (there is none unless stdout is a terminal)' },
  ...FORECAST_OPTIONS,
  ...DATA_OPTIONS,
  ...outputOptions(FORMATS),
];

/** `tokenspend forecast`: period-end spend per group; `--backtest` scores the methods instead. */
export const forecast = defineCommand<Flags, Options>({
  name: 'forecast',
  options,
  examples: [
    'tokenspend forecast --period month --by team --prometheus http://127.0.0.1:9090',
    'tokenspend forecast --file fixtures/demo/history.om.gz --by team --backtest',
    'tokenspend forecast --file fixtures/demo/history.om.gz --period month --budget 250 --match team=search',
  ],
  exitCodes: dataExitCodes('incomplete data: no matching series, too little history (without --force)'),
  async resolve(flags, env) {
    const [d, r] = await Promise.all([import('../config/data.js'), import('../config/resolve.js')]);
    if (flags.budget !== undefined && !/^\d+(\.\d+)?$/.test(flags.budget))
      throw usageError(`--budget: expected an amount like 500 or 1250.50, got "${flags.budget}"`);
    const data = await d.resolveData(flags, env);
    return {
      data,
      grouping: { ...r.resolveGrouping(flags, data.config), top: undefined },
      period: flags.period ?? 'month',
      budget: flags.budget,
      backtest: flags.backtest === true,
      at: r.resolveInstant(flags.at, '--at'),
      timezone: r.resolveTimezone(flags.timezone, data.config),
      chart: flags.chart !== false,
      settings: r.resolveForecastSettings(flags, env),
      output: r.resolveOutput(flags, FORMATS),
    };
  },
  async run(o, ctx) {
    const [groups, { periodBounds }] = await Promise.all([import('../forecast/groups.js'), import('../ledger/periods.js')]);
    // A back-test reads all the history there is (a server: a year, at least --history).
    const server = o.data.sources.prometheusUrl !== undefined;
    const historyDays = o.backtest
      ? server
        ? Math.max(o.settings.historyDays, BACKTEST_SERVER_DAYS)
        : Number.POSITIVE_INFINITY
      : o.settings.historyDays;
    const plan = groups.forecastPlan(o.period, historyDays);
    const report = await readReport(o.data, { grouping: o.grouping, plan, timezone: o.timezone, now: o.at }, await loadBook(o.data), ctx);
    const at = report.window.end;
    const bounds = periodBounds({ kind: 'calendar', unit: o.period, label: o.period }, at, o.timezone);
    const groupOptions = {
      at,
      period: { label: o.period, ...bounds },
      timezone: o.timezone,
      settings: { ...o.settings, historyDays },
      budget: o.budget,
    };
    const render = renderOptionsFor(ctx, o.output.output);
    if (o.backtest) {
      const result = groups.backtestGroups(report, { ...groupOptions, unit: o.period });
      if (result.backtest.pooled.every((x) => x.origins === 0))
        throw incompleteError(
          `--backtest: ${result.backtest.days} days of spend history, and no ${o.period} ended inside it with a week of history before its days`,
          `a back-test needs a whole ${o.period} of data after at least 7 days of spend`,
        );
      const { BACKTEST_RENDERERS } = await import('../render/backtest.js');
      await emit(ctx, o.output.output, BACKTEST_RENDERERS[o.output.format](result, render));
      printFindings(ctx, report.findings, false);
      return ExitCode.ok;
    }
    const result = groups.forecastGroups(report, groupOptions);
    const { FORECAST_RENDERERS } = await import('../render/forecast/index.js');
    const chart = o.chart && ctx.tty && o.output.output === undefined;
    await emit(ctx, o.output.output, FORECAST_RENDERERS[o.output.format](result, { ...render, chart }));
    printFindings(ctx, report.findings, false);
    const refused = result.groups.flatMap((g) => g.findings).filter((f) => f.severity === 'error');
    printFindings(ctx, refused, false);
    if (refused.length > 0)
      throw incompleteError(
        `too little history to forecast ${refused.length} of ${result.groups.length} groups`,
        'give --force to forecast anyway, or a longer --history',
      );
    return ExitCode.ok;
  },
});
