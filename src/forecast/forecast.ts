import { METHODS, MIN_HISTORY, type MethodName, pointForecast } from './methods.js';
import type { MethodChoice } from './settings.js';

export type { MethodChoice };

export interface ForecastResult {
  /** The method used (for `auto`, the one the back-test chose for this series). */
  method: MethodName;
  /** Forecast daily values for the next `horizon` days. */
  daily: number[];
  /** Sum of `daily`. */
  total: number;
  /** Prediction interval of `total` at the requested level, from back-test errors; NaN when too few origins. */
  lower: number;
  upper: number;
  /** How many back-test origins the interval rests on. */
  origins: number;
}

const SEASON = 7;

/** The q-quantile of sorted values, linear between points. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/**
 * Rolling-origin errors of a method: at each origin, forecast `horizon` days from the history
 * before it and compare with what followed. Returns the log ratios of actual to forecast totals
 * (scale-free, and a total cannot go below zero) and the mean absolute daily error.
 */
export function rollingErrors(
  history: readonly number[],
  method: MethodName,
  horizon: number,
  maxOrigins: number,
): { logRatios: number[]; dailyMae: number } {
  const logRatios: number[] = [];
  let absSum = 0;
  let absCount = 0;
  const minHistory = MIN_HISTORY[method];
  for (let origin = history.length - horizon, k = 0; origin >= minHistory && k < maxOrigins; origin--, k++) {
    const past = history.slice(0, origin);
    const future = history.slice(origin, origin + horizon);
    const f = pointForecast(method, past, future.length);
    let actual = 0;
    let predicted = 0;
    future.forEach((y, i) => {
      actual += y;
      predicted += f[i] as number;
      absSum += Math.abs(y - (f[i] as number));
      absCount++;
    });
    logRatios.push(Math.log((actual + 1e-9) / (predicted + 1e-9)));
  }
  return { logRatios, dailyMae: absCount > 0 ? absSum / absCount : Number.POSITIVE_INFINITY };
}

/** Least whole days of history a forecast needs (with `auto`, the least any method needs). */
export function minimumHistory(method: MethodChoice): number {
  return method === 'auto' ? MIN_HISTORY['run-rate'] : MIN_HISTORY[method];
}

/** Fewest back-test origins an interval may rest on. */
const MIN_ORIGINS = 5;
/** Back-test origins used for choosing a method and for the interval. */
const ORIGINS = 60;
/** Another method must beat the seasonal profile's back-test error by this much to replace it. */
const SWITCH_MARGIN = 0.85;

/**
 * Half-width, in log space, of the `level` interval of an `horizon`-day total: the conformal
 * quantile of the absolute back-test errors at that horizon, and at least the two-week errors
 * (one-week, when the history is short) grown with the square root of the horizon (long horizons have few independent origins,
 * and level shifts the history never showed). Only horizons with enough origins count.
 */
function logHalfWidth(history: readonly number[], method: MethodName, horizon: number, level: number): { width: number; origins: number } {
  let width = Number.NaN;
  let origins = 0;
  // One week counts only when neither the horizon itself nor two weeks have enough origins.
  for (const h of [horizon, 14, 7]) {
    if (h > horizon || (h !== horizon && horizon <= h)) continue;
    if (h === 7 && !Number.isNaN(width)) break;
    const e = rollingErrors(history, method, h, ORIGINS)
      .logRatios.map(Math.abs)
      .sort((a, b) => a - b);
    const n = e.length;
    if (n < MIN_ORIGINS) continue;
    const q = quantile(e, Math.min(1, (level * (n + 1)) / n)) * Math.sqrt(horizon / h);
    width = Number.isNaN(width) ? q : Math.max(width, q);
    origins = Math.max(origins, n);
  }
  return { width, origins };
}

/**
 * Forecast the next `horizon` days of a daily series, with a prediction interval for their total
 * from the method's own rolling-origin errors on this series. `auto` picks per series by
 * back-test: the seasonal profile unless another method's errors are clearly smaller.
 */
export function forecastDaily(history: readonly number[], horizon: number, method: MethodChoice, level: number): ForecastResult {
  let chosen: MethodName;
  if (method !== 'auto') {
    chosen = method;
  } else {
    const candidates = METHODS.filter((m) => history.length >= MIN_HISTORY[m] + SEASON);
    chosen = candidates.includes('seasonal') ? 'seasonal' : 'run-rate';
    // Judge on a horizon the history has room for, at least a week (so weekdays even out).
    const judge = Math.max(SEASON, Math.min(horizon, 28, history.length - MIN_HISTORY.seasonal - MIN_ORIGINS));
    const base = rollingErrors(history, chosen, judge, ORIGINS).dailyMae;
    for (const m of candidates) {
      if (m === chosen) continue;
      if (rollingErrors(history, m, judge, ORIGINS).dailyMae < SWITCH_MARGIN * base) chosen = m;
    }
  }
  const daily = pointForecast(chosen, history, horizon);
  const total = daily.reduce((a, b) => a + b, 0);
  if (horizon <= 0) return { method: chosen, daily, total: 0, lower: 0, upper: 0, origins: 0 };
  const { width, origins } = logHalfWidth(history, chosen, horizon, level);
  // Too few back-test origins say nothing about the error: no interval rather than a false one.
  if (Number.isNaN(width)) return { method: chosen, daily, total, lower: Number.NaN, upper: Number.NaN, origins };
  return { method: chosen, daily, total, lower: total * Math.exp(-width), upper: total * Math.exp(width), origins };
}
