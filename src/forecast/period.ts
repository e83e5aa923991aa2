import type { Scope } from '../cost/scope.js';
import { type Finding, finding } from '../findings.js';
import { addCalendar, startOf } from '../ledger/time.js';
import { femtoToNumber } from '../money.js';
import { forecastDaily, minimumHistory } from './forecast.js';
import type { ForecastSettings } from './settings.js';

export interface PeriodForecastOptions {
  at: number;
  periodEnd: number;
  zone: string;
  settings: ForecastSettings;
}

export interface PeriodForecast {
  method: string;
  /** Spent so far plus the forecast to the period end, with the interval. */
  total: number;
  lower: number;
  upper: number;
  level: number;
  /** Whole days of history used, and the forecast per remaining day (today's share first). */
  history: number[];
  future: number[];
  /** Start of each remaining day. */
  futureDays: number[];
}

/** Day edges in the zone from `from` (a day start) up to `to`; the last day may be partial. */
export function dayEdges(from: number, to: number, zone: string): number[] {
  const edges = [from];
  let t = from;
  while (t < to) {
    t = addCalendar(t, 'day', 1, zone);
    edges.push(Math.min(t, to));
  }
  return edges;
}

/** The daily history of a scope before today: whole days, from its first day with spend. */
export function dailyHistory(scope: Scope, at: number, zone: string, historyDays: number): number[] {
  const today = startOf(at - 1, 'day', zone);
  const history = scope.daily(dayEdges(addCalendar(today, 'day', -historyDays, zone), today, zone));
  const first = history.findIndex((v) => v > 0);
  return first < 0 ? [] : history.slice(first);
}

/**
 * Spend to the end of a period: what was spent (exact, `spentSoFar`) plus a forecast of the rest,
 * today's remaining share included. Undefined (with a finding) when history is too short.
 */
export function forecastToPeriodEnd(
  scope: Scope,
  spentSoFar: bigint,
  options: PeriodForecastOptions,
  who: string,
  needed: boolean,
): { forecast: PeriodForecast | undefined; findings: Finding[] } {
  const { historyDays, method, level, force } = options.settings;
  const history = dailyHistory(scope, options.at, options.zone, historyDays);
  const minimum = minimumHistory(method);
  if (history.length < minimum && !(force && history.length > 0)) {
    return {
      forecast: undefined,
      findings: [
        finding(
          'TOO_LITTLE_HISTORY',
          needed ? 'error' : 'info',
          `${who}: ${history.length} days of spend history, a forecast needs ${minimum}${history.length > 0 ? ' (add --force to forecast anyway)' : ''}`,
        ),
      ],
    };
  }
  const today = startOf(options.at - 1, 'day', options.zone);
  const edges = dayEdges(today, options.periodEnd, options.zone);
  const f = forecastDaily(history, edges.length - 1, method, level);
  const todayLength = (edges[1] as number) - today;
  const restOfToday = Math.max(0, ((edges[1] as number) - options.at) / todayLength);
  const future = f.daily.map((v, i) => (i === 0 ? v * restOfToday : v));
  const ahead = future.reduce((a, c) => a + c, 0);
  const spent = femtoToNumber(spentSoFar);
  const scale = f.total > 0 ? ahead / f.total : 0;
  return {
    forecast: {
      method: f.method,
      total: spent + ahead,
      lower: spent + f.lower * scale,
      upper: spent + f.upper * scale,
      level,
      history,
      future,
      futureDays: edges.slice(0, -1),
    },
    findings: [],
  };
}

/** The start of the day on which spent + forecast first reaches `limit`, if within the forecast. */
export function projectedExhaustion(spentSoFar: number, forecast: PeriodForecast, limit: number): number | undefined {
  let cumulative = spentSoFar;
  for (let i = 0; i < forecast.future.length; i++) {
    cumulative += forecast.future[i] as number;
    if (cumulative >= limit) return forecast.futureDays[i];
  }
  return undefined;
}
