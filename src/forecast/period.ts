import type { Scope } from '../cost/scope.js';
import { type Finding, finding } from '../findings.js';
import { addCalendar, startOf } from '../ledger/time.js';
import { femtoToNumber } from '../money.js';
import { forecastSeries, minimumHistory, type PeriodPoint, type SeriesForecast } from './forecast.js';
import type { MethodName } from './methods.js';
import { runRate } from './methods.js';
import type { ForecastSettings } from './settings.js';

export interface PeriodForecastOptions {
  at: number;
  periodStart: number;
  periodEnd: number;
  zone: string;
  settings: ForecastSettings;
}

export interface PeriodForecast {
  method: string;
  /** Each method's share in the forecast of the rest of the period. */
  weights: Partial<Record<MethodName, number>>;
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
  /** The back-test at this point of the period, and what the interval rests on (see `SeriesForecast`). */
  backtest: SeriesForecast['backtest'] | undefined;
  calibration: SeriesForecast['calibration'];
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

/** Where `at` stands in the period: days left (today included), today's share left, whole days gone. */
export function periodPoint(options: Pick<PeriodForecastOptions, 'at' | 'periodStart' | 'periodEnd' | 'zone'>): {
  point: PeriodPoint;
  days: number[];
} {
  const today = startOf(options.at - 1, 'day', options.zone);
  const edges = dayEdges(today, options.periodEnd, options.zone);
  const length = (edges[1] as number) - today;
  const fraction = length > 0 ? Math.min(1, Math.max(0, ((edges[1] as number) - options.at) / length)) : 0;
  const elapsed = today > options.periodStart ? dayEdges(options.periodStart, today, options.zone).length - 1 : 0;
  return { point: { days: edges.length - 1, fraction, elapsed }, days: edges.slice(0, -1) };
}

/** A period scope to forecast: its spend so far (exact), who it is (for messages), and whether a gate depends on it. */
export interface PeriodInput {
  scope: Scope;
  spent: bigint;
  who: string;
  needed?: boolean;
}

/**
 * Spend to the end of a period for several scopes at once (they calibrate each other's
 * intervals): what was spent (exact) plus a forecast of the rest, today's remaining share
 * included. A scope with too little history gets no forecast and a finding (an error where the
 * forecast is `needed`, the default), unless `force` asks for a run rate over what history there is.
 */
export function forecastPeriods(
  inputs: readonly PeriodInput[],
  options: PeriodForecastOptions,
): { forecast: PeriodForecast | undefined; findings: Finding[] }[] {
  const { historyDays, method, level, force } = options.settings;
  const { point, days } = periodPoint(options);
  const histories = inputs.map((i) => dailyHistory(i.scope, options.at, options.zone, historyDays));
  const minimum = minimumHistory(method);
  const enough = histories.map((h) => h.length >= minimum);
  const forecasts = forecastSeries(
    histories.filter((_, k) => enough[k]),
    point,
    method,
    level,
  );
  let next = 0;
  return inputs.map((input, k) => {
    const history = histories[k] as number[];
    const spent = femtoToNumber(input.spent);
    const f = enough[k] ? forecasts[next++] : force && history.length > 0 ? forcedRunRate(history, point, method) : undefined;
    if (!f) return { forecast: undefined, findings: [tooLittle(input.who, history.length, minimum, input.needed ?? true)] };
    const forecast: PeriodForecast = {
      method: f.method,
      weights: f.weights,
      total: spent + f.total,
      lower: spent + f.lower,
      upper: spent + f.upper,
      level,
      history,
      future: f.daily,
      futureDays: days,
      backtest: f.backtest.origins > 0 ? f.backtest : undefined,
      calibration: f.calibration,
    };
    return { forecast, findings: [] };
  });
}

function tooLittle(who: string, days: number, minimum: number, needed: boolean): Finding {
  return finding(
    'TOO_LITTLE_HISTORY',
    needed ? 'error' : 'info',
    `${who}: ${days} days of spend history, a forecast needs ${minimum}${days > 0 ? ' (add --force to forecast anyway)' : ''}`,
  );
}

/** `--force` on a short history: the mean of the days there are, held flat; no interval (nothing to calibrate it). */
function forcedRunRate(history: readonly number[], point: PeriodPoint, method: ForecastSettings['method']): SeriesForecast {
  const daily = runRate(history, point.days).map((v, h) => (h === 0 ? v * point.fraction : v));
  return {
    method,
    weights: { 'run-rate': 1 },
    daily,
    total: daily.reduce((a, c) => a + c, 0),
    lower: Number.NaN,
    upper: Number.NaN,
    backtest: { origins: 0, methods: {} },
    calibration: undefined,
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
