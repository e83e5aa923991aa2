import { scopeOf } from '../cost/scope.js';
import type { CostReport } from '../cost/report.js';
import type { Finding } from '../findings.js';
import { type PeriodPlan, periodBounds } from '../ledger/periods.js';
import { addCalendar, type CalendarUnit, startOf } from '../ledger/time.js';
import { decimalToFemto, femtoToNumber } from '../money.js';
import { type Backtest, backtestPeriods } from './backtest.js';
import { METHODS } from './methods.js';
import { dailyHistory, dayEdges, forecastPeriods, type PeriodForecast, projectedExhaustion } from './period.js';
import type { MethodChoice } from './settings.js';
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
export function forecastPlan(unit: CalendarUnit, historyDays: number): PeriodPlan {
  return {
    kind: 'periods',
    label: unit,
    periods: [{ kind: 'calendar', unit, label: unit }],
    trailingMs: [],
    historyDays,
  };
}

/** The `--by` values of every group of a report (one unnamed group when not grouped). */
export function groupsOf(report: CostReport): Record<string, string>[] {
  const values = report.by.length === 0 ? [[]] : report.groups;
  return values.map((g) => Object.fromEntries(report.by.map((d, i) => [d, g[i] ?? ''])));
}

/** `gateway=gw-eu, model=…` for messages; `all` when not grouped. */
export function describeGroup(by: readonly string[], group: Record<string, string>): string {
  return by.length === 0 ? 'all' : by.map((d) => `${d}=${group[d]}`).join(', ');
}

/** Forecasts the period end for every group of a report (grouped by `--by`, daily buckets), all groups calibrated together. */
export function forecastGroups(report: CostReport, options: ForecastGroupsOptions): ForecastReport {
  const inputs = groupsOf(report).map((group) => {
    const scope = scopeOf(report, [], group);
    return { group, scope, spent: scope.costBetween(options.period.start, options.at), who: describeGroup(report.by, group) };
  });
  const results = forecastPeriods(inputs, {
    at: options.at,
    periodStart: options.period.start,
    periodEnd: options.period.end,
    zone: options.timezone,
    settings: options.settings,
  });
  const groups: GroupForecast[] = inputs.map((input, k) => {
    const { forecast, findings } = results[k] as (typeof results)[number];
    return { group: input.group, spent: input.spent, forecast, findings, ...budgetOutcome(input.spent, forecast, options.budget) };
  });
  groups.sort((a, b) => (b.forecast?.total ?? 0) - (a.forecast?.total ?? 0));
  return {
    ...chartSeries(groups),
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

function budgetOutcome(
  spent: bigint,
  forecast: PeriodForecast | undefined,
  budget: string | undefined,
): Pick<GroupForecast, 'exhaustion' | 'budgetOutcome'> {
  if (budget === undefined) return { exhaustion: undefined, budgetOutcome: undefined };
  if (spent >= decimalToFemto(budget)) return { exhaustion: undefined, budgetOutcome: 'reached' };
  if (!forecast) return { exhaustion: undefined, budgetOutcome: undefined };
  const exhaustion = projectedExhaustion(femtoToNumber(spent), forecast, Number(budget));
  return { exhaustion, budgetOutcome: exhaustion === undefined ? 'not-this-period' : 'projected' };
}

/** All groups' forecast per remaining day, and each group's interval spread over its days in proportion. */
function chartSeries(groups: readonly GroupForecast[]): { future: number[]; band: [number, number][] } {
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
  return { future, band };
}

export interface GroupsBacktest {
  period: string;
  by: readonly string[];
  /** The first day the back-test read, and the groups (in the same order as `backtest.groups`). */
  from: number;
  groups: Record<string, string>[];
  backtest: Backtest;
}

/**
 * `forecast --backtest`: every method, and the one asked for, scored per group on every day of
 * the history whose period ended inside it (see `backtestPeriods`), all groups calibrated together.
 */
export function backtestGroups(report: CostReport, options: ForecastGroupsOptions & { unit: CalendarUnit }): GroupsBacktest {
  const zone = options.timezone;
  const today = startOf(options.at - 1, 'day', zone);
  const reach = Number.isFinite(options.settings.historyDays) ? addCalendar(today, 'day', -options.settings.historyDays, zone) : -Infinity;
  const edges = dayEdges(Math.max(startOf(report.window.start, 'day', zone), reach), today, zone);
  const groups = groupsOf(report);
  const all = groups.map((group) => scopeOf(report, [], group).daily(edges));
  // Start at the first day anyone spent.
  const starts = all.map((s) => s.findIndex((v) => v > 0)).filter((i) => i >= 0);
  const first = starts.length > 0 ? Math.min(...starts) : edges.length - 1;
  const series = all.map((s) => s.slice(first));
  const index = new Map(edges.slice(first).map((t, i) => [t, i]));
  const periodOf = (day: number) => {
    const b = periodBounds({ kind: 'calendar', unit: options.unit, label: options.unit }, (edges[first + day] as number) + 1, zone);
    return { start: index.get(b.start) ?? -1, end: index.get(b.end) ?? Number.POSITIVE_INFINITY };
  };
  const methods = [options.settings.method, 'auto', ...METHODS].filter((m, i, a) => a.indexOf(m) === i) as MethodChoice[];
  return {
    period: options.period.label,
    by: report.by,
    from: edges[first] as number,
    groups,
    backtest: backtestPeriods({ series, periodOf, methods, level: options.settings.level }),
  };
}
