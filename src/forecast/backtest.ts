import { forecastDaily, type MethodChoice } from './forecast.js';
import { MIN_HISTORY } from './methods.js';

export interface BacktestRow {
  method: MethodChoice;
  /** Mean absolute daily error over the horizon, scaled by the in-sample seasonal naive (m = 7). */
  mase: number;
  /** Mean absolute error of the horizon total, as a share of the actual total. */
  totalError: number;
  /** Share of origins whose actual total fell inside the interval. */
  coverage: number;
  origins: number;
}

export interface Backtest {
  horizon: number;
  level: number;
  rows: BacktestRow[];
}

const SEASON = 7;

/** In-sample mean absolute error of the seasonal naive forecast (m = 7): the MASE scale. */
export function seasonalNaiveMae(history: readonly number[]): number {
  let sum = 0;
  for (let i = SEASON; i < history.length; i++) sum += Math.abs((history[i] as number) - (history[i - SEASON] as number));
  return history.length > SEASON ? sum / (history.length - SEASON) : Number.NaN;
}

/**
 * Rolls the forecast origin over the history: at each origin, every method forecasts the next
 * `horizon` days from what came before, and is scored on what followed.
 */
export function backtest(history: readonly number[], horizon: number, level: number, methods: readonly MethodChoice[]): Backtest {
  const first = MIN_HISTORY.seasonal + SEASON;
  const rows: BacktestRow[] = [];
  for (const method of methods) {
    let mase = 0;
    let totalError = 0;
    let covered = 0;
    let origins = 0;
    for (let origin = first; origin + horizon <= history.length; origin++) {
      const past = history.slice(0, origin);
      const future = history.slice(origin, origin + horizon);
      const scale = seasonalNaiveMae(past);
      const f = forecastDaily(past, horizon, method, level);
      const actual = future.reduce((a, b) => a + b, 0);
      const mae = future.reduce((a, y, i) => a + Math.abs(y - (f.daily[i] as number)), 0) / horizon;
      if (scale > 0) mase += mae / scale;
      if (actual > 0) totalError += Math.abs(actual - f.total) / actual;
      if (actual >= f.lower && actual <= f.upper) covered++;
      origins++;
    }
    rows.push({
      method,
      mase: origins > 0 ? mase / origins : Number.NaN,
      totalError: origins > 0 ? totalError / origins : Number.NaN,
      coverage: origins > 0 ? covered / origins : Number.NaN,
      origins,
    });
  }
  return { horizon, level, rows };
}

/** Days of history a back-test needs for one origin at this horizon. */
export function backtestMinimum(horizon: number): number {
  return MIN_HISTORY.seasonal + SEASON + horizon;
}
