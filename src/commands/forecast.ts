import { periodBounds } from '../budget/evaluate.js';
import { incompleteError, usageError } from '../errors.js';
import type { MethodChoice } from '../forecast/forecast.js';
import { backtestTotal, forecastGroups } from '../forecast/groups.js';
import { addCalendar, startOf } from '../ledger/time.js';
import { parseStep } from '../ledger/windows.js';
import { writeAtomic } from '../output.js';
import { computeReport, type ReportInput } from '../pipeline.js';
import { loadPriceBook } from '../pricing/load.js';
import { renderBacktest, renderForecast } from '../render/forecast.js';
import { type CommandContext, type OutputOptions, printFindings } from './context.js';

export interface ForecastCommandOptions {
  input: ReportInput;
  output: OutputOptions;
  pricingFiles: string[];
  noDefaultPricing: boolean;
  period: 'week' | 'month' | 'quarter' | 'year';
  budget: string | undefined;
  backtest: boolean;
  chart: boolean;
  historyDays: number;
  method: MethodChoice;
  level: number;
  force: boolean;
}

/** `tokenspend forecast`: period-end spend per group; `--backtest` scores the methods instead. */
export async function forecastCommand(options: ForecastCommandOptions, ctx: CommandContext): Promise<number> {
  if (options.budget !== undefined && !/^\d+(\.\d+)?$/.test(options.budget))
    throw usageError(`--budget: expected an amount like 500 or 1250.50, got "${options.budget}"`);
  const book = await loadPriceBook(options.pricingFiles, { noDefault: options.noDefaultPricing });
  const zone = options.input.timezone;
  const period = { kind: 'calendar' as const, unit: options.period, label: options.period };
  const input: ReportInput = {
    ...options.input,
    step: parseStep('1d'),
    top: undefined,
    plan: (at) => {
      const bounds = periodBounds(period, at, zone);
      const historyStart = addCalendar(startOf(at - 1, 'day', zone), 'day', -options.historyDays, zone);
      return { window: { start: Math.min(bounds.start, historyStart), end: at, label: options.period }, extraEdges: [bounds.start, at] };
    },
  };
  const report = await computeReport(input, book, { stdin: ctx.stdin, clock: ctx.clock });
  const at = report.window.end;
  const bounds = periodBounds(period, at, zone);
  const groupOptions = {
    at,
    period: { label: options.period, ...bounds },
    timezone: zone,
    historyDays: options.historyDays,
    method: options.method,
    level: options.level,
    force: options.force,
    budget: options.budget,
  };
  const write = async (text: string) => {
    if (options.output.output === undefined) ctx.stdout(text);
    else await writeAtomic(options.output.output, text);
  };
  if (options.backtest) {
    const result = backtestTotal(report, groupOptions);
    if (!result.backtest)
      throw incompleteError(
        `--backtest: ${result.days} days of spend history, a back-test needs at least ${result.needed}`,
        'give a longer --history, or more data',
      );
    await write(renderBacktest(result.backtest, options.output.format));
    return 0;
  }
  const forecast = forecastGroups(report, groupOptions);
  await write(
    renderForecast(forecast, options.output.format, {
      color: ctx.color,
      width: ctx.width,
      chart: options.chart && ctx.tty && options.output.output === undefined,
    }),
  );
  printFindings(ctx, report.findings, false);
  const refused = forecast.groups.flatMap((g) => g.findings).filter((f) => f.severity === 'error');
  printFindings(ctx, refused, false);
  if (refused.length > 0)
    throw incompleteError(
      `too little history to forecast ${refused.length} of ${forecast.groups.length} groups`,
      'give --force to forecast anyway, or a longer --history',
    );
  return 0;
}
