import { MIN_HISTORY, type MethodName, pointForecast } from './methods.js';

/**
 * Rolling-origin forecasts of one series: from each origin (days of history known), each
 * method's daily forecast from there on. A forecast does not depend on the horizon asked of it,
 * so one set of paths answers every back-test (any point of a period, any origin) by summing.
 */
export interface Paths {
  history: readonly number[];
  horizon: number;
  /** `paths[m].get(o)`: method m's daily forecast from origin o. */
  paths: Partial<Record<MethodName, Map<number, number[]>>>;
}

/**
 * Paths of `methods` from each of `origins`, each `horizon` days long; a method only from
 * origins it has the history for. `allowance(o)` is the spike allowance known at origin o.
 */
export function forecastPaths(
  history: readonly number[],
  methods: readonly MethodName[],
  horizon: number,
  origins: Iterable<number>,
  allowance: (origin: number) => number,
): Paths {
  const paths: Partial<Record<MethodName, Map<number, number[]>>> = {};
  for (const m of methods) paths[m] = new Map();
  for (const o of origins) {
    const past = history.slice(0, o);
    for (const m of methods) if (o >= MIN_HISTORY[m]) paths[m]?.set(o, pointForecast(m, past, horizon, allowance(o)));
  }
  return { history, horizon, paths };
}

/** The forecast from origin `o` of the next `horizon` days' sum, the first day counted by `fraction`. */
export function pathSum(p: Paths, method: MethodName, o: number, horizon: number, fraction: number): number {
  const path = p.paths[method]?.get(o);
  if (!path || path.length < horizon) return Number.NaN;
  let sum = 0;
  for (let h = 0; h < horizon; h++) sum += (path[h] as number) * (h === 0 ? fraction : 1);
  return sum;
}

/** What was spent in the `horizon` days after origin `o`, the first day counted by `fraction`. */
export function actualSum(history: readonly number[], o: number, horizon: number, fraction: number): number {
  let sum = 0;
  for (let h = 0; h < horizon; h++) sum += (history[o + h] as number) * (h === 0 ? fraction : 1);
  return sum;
}
