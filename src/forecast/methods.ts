/**
 * Point forecasts of daily spend. Each method takes whole days of history (oldest first) and
 * returns the expected spend of each of the next `horizon` days. Pure functions; no dates: the
 * caller aligns weekdays by making the history end on the day before the first forecast day.
 */
import { holtWinters } from './holt-winters.js';
import { seasonalForecast } from './seasonal.js';
import { SpikeAllowance } from './spikes.js';

export type MethodName = 'seasonal' | 'holt-winters' | 'run-rate';
export const METHODS: readonly MethodName[] = ['seasonal', 'holt-winters', 'run-rate'];

const SEASON = 7;

/** Least days of history each method needs. */
export const MIN_HISTORY: Record<MethodName, number> = { 'run-rate': 7, seasonal: 14, 'holt-winters': 21 };

/** The mean of the last 7 days, held flat: a run rate. */
export function runRate(history: readonly number[], horizon: number): number[] {
  const last = history.slice(-SEASON);
  const mean = last.reduce((a, b) => a + b, 0) / Math.max(1, last.length);
  return new Array<number>(horizon).fill(mean);
}

/**
 * The expected spend of each of the next `horizon` days by one method. `allowance` is what the
 * seasonal and Holt-Winters methods add to a typical day for spikes (by default, this history's own).
 */
export function pointForecast(method: MethodName, history: readonly number[], horizon: number, allowance?: number): number[] {
  if (horizon <= 0) return [];
  const spikes = () => allowance ?? new SpikeAllowance(history).at(history.length);
  switch (method) {
    case 'run-rate':
      return runRate(history, horizon);
    case 'seasonal':
      return seasonalForecast(history, horizon, spikes());
    case 'holt-winters':
      return holtWinters(history, horizon, spikes());
  }
}
