import { scopeOf } from '../cost/scope.js';
import type { CostReport } from '../cost/report.js';
import type { Finding } from '../findings.js';
import type { PeriodPlan } from '../ledger/periods.js';
import type { CalendarUnit } from '../ledger/time.js';
import { decimalToFemto, femtoToNumber } from '../money.js';
import { type Backtest, backtest, backtestMinimum } from './backtest.js';
import type { MethodChoice } from './forecast.js';
import { dailyHistory, forecastToPeriodEnd, type PeriodForecast, projectedExhaustion } from './period.js';
import type { ForecastSettings } from './settings.js';

export interface GroupForecast {
  group: Record<string, string>;
  spent: bigint;
  forecast: PeriodForecast | undefined;
  /** When spend reaches `--budget`, if it does within the period. */
  exhaustion: number | undefined;
  /** With `--budget`: already spent, projected to be reached (on `exhaustion`), or not this period. */
  budgetOutcome: 'reached' | 'projected' | 'not-this-period' | undefined;
  findings: Finding[];
}

export interface ForecastReport {
  at: number;
  timezone: string;
  currency: string;
  period: { label: string; start: number; end: number };
  by: readonly string[];
  budget: string | undefined;
  groups: GroupForecast[];
  /** Daily spend of all groups together before today, for the chart. */
  history: number[];
  /** All groups' forecast per remaining day, and the interval spread over those days in proportion. */
  future: number[];
  band: [number, number][];
}

export interface ForecastGroupsOptions {
  at: number;
  period: { label: string; start: number; end: number };
  timezone: string;
  settings: ForecastSettings;
  budget: string | undefined;
}

/** The time a forecast reads: the period containing the anchor and the days of history before it. */
export function forecastPlan(unit: CalendarUnit, settings: ForecastSettings): PeriodPlan {
  return {
    kind: 'periods',
    label: unit,
    periods: [{ kind: 'calendar', unit, label: unit }],
    trailingMs: [],
    historyDays: settings.historyDays,
  };
}

/** Forecasts the period end for every group of a report (grouped by `--by`, daily buckets). */
export function forecastGroups(report: CostReport, options: ForecastGroupsOptions): ForecastReport {
  const groups: GroupForecast[] = [];
  // report.groups holds each group once.
  const values = report.by.length === 0 ? [[]] : report.groups;
  for (const g of values) {
    const extra = Object.fromEntries(report.by.map((d, i) => [d, g[i] ?? '']));
    const scope = scopeOf(report, [], extra);
    const spent = scope.costBetween(options.period.start, options.at);
    const who = report.by.length === 0 ? 'all' : report.by.map((d) => `${d}=${extra[d]}`).join(', ');
    const { forecast, findings } = forecastToPeriodEnd(
      scope,
      spent,
      { at: options.at, periodEnd: options.period.end, zone: options.timezone, settings: options.settings },
      who,
      true,
    );
    let exhaustion: number | undefined;
    let budgetOutcome: GroupForecast['budgetOutcome'];
    if (options.budget !== undefined) {
      if (spent >= decimalToFemto(options.budget)) budgetOutcome = 'reached';
      else if (forecast) {
        exhaustion = projectedExhaustion(femtoToNumber(spent), forecast, Number(options.budget));
        budgetOutcome = exhaustion === undefined ? 'not-this-period' : 'projected';
      }
    }
    groups.push({ group: extra, spent, forecast, exhaustion, budgetOutcome, findings });
  }
  groups.sort((a, b) => (b.forecast?.total ?? 0) - (a.forecast?.total ?? 0));
  const future: number[] = [];
  const band: [number, number][] = [];
  for (const g of groups) {
    const f = g.forecast;
    if (!f) continue;
    const spent = femtoToNumber(g.spent);
    const ahead = f.total - spent;
    const low = ahead > 0 && Number.isFinite(f.lower) ? (f.lower - spent) / ahead : 1;
    const high = ahead > 0 && Number.isFinite(f.upper) ? (f.upper - spent) / ahead : 1;
    f.future.forEach((v, i) => {
      future[i] = (future[i] ?? 0) + v;
      const b = band[i] ?? [0, 0];
      band[i] = [b[0] + v * low, b[1] + v * high];
    });
  }
  return {
    future,
    band,
    at: options.at,
    timezone: options.timezone,
    currency: report.currency,
    period: options.period,
    by: report.by,
    budget: options.budget,
    groups,
    history: dailyHistory(scopeOf(report, []), options.at, options.timezone, options.settings.historyDays),
  };
}

/** `forecast --backtest`: the methods scored on all groups' total daily spend. */
export function backtestTotal(
  report: CostReport,
  options: ForecastGroupsOptions,
): { backtest: Backtest | undefined; days: number; needed: number } {
  const history = dailyHistory(scopeOf(report, []), options.at, options.timezone, options.settings.historyDays);
  const periodDays = Math.max(1, Math.round((options.period.end - options.period.start) / 86_400_000));
  const horizon = Math.min(periodDays, Math.max(7, history.length - backtestMinimum(0)));
  const needed = backtestMinimum(7);
  if (history.length < needed) return { backtest: undefined, days: history.length, needed };
  return {
    backtest: backtest(
      history,
      horizon,
      options.settings.level,
      [options.settings.method, 'run-rate', 'seasonal', 'holt-winters'].filter((m, i, a) => a.indexOf(m) === i) as MethodChoice[],
    ),
    days: history.length,
    needed,
  };
}
