import {
  backtestOrigins,
  combinationWeights,
  combined,
  errorScales,
  intervalQuantiles,
  logErrors,
  noiseScale,
  type PeriodPoint,
  type PointBacktest,
  pointBacktest,
  relativeErrors,
  score,
} from './calibrate.js';
import { METHODS, MIN_HISTORY, type MethodName } from './methods.js';
import { forecastPaths, type Paths } from './paths.js';
import type { MethodChoice } from './settings.js';
import { SpikeAllowance } from './spikes.js';

export type { MethodChoice, PeriodPoint };

/** The forecast of the rest of a period for one series. */
export interface SeriesForecast {
  method: MethodChoice;
  /** Each method's share in the forecast (one method at 1 unless `auto` combined several). */
  weights: Partial<Record<MethodName, number>>;
  /** Expected spend per remaining day, today's remaining share first. */
  daily: number[];
  /** Sum of `daily`, with the interval of that sum (NaN when nothing calibrates it). */
  total: number;
  lower: number;
  upper: number;
  /**
   * The back-test at this same point of the period: error and bias of the period total per
   * method, and (`auto`) of the combination; over `origins` origins.
   */
  backtest: { origins: number; methods: Partial<Record<MethodChoice, { error: number; bias: number }>> };
  /**
   * What the interval rests on: back-test origins of all series pooled and the share of them it
   * held; and this series' own back-test origins and the share of them its interval would have held.
   */
  calibration: { origins: number; coverage: number; groupOrigins: number; groupCoverage: number } | undefined;
}

/** A back-test starts after this much history where the history allows: shorter ones err more than today's forecast will. */
const EARLIEST_ORIGIN = 42;
/** …but keeps at least this many origins when the history is short. */
const LEAST_ORIGINS = 10;
/** A series' own back-test moves `auto`'s weights and its error scale as much as this many pooled origins. */
const OWN_WEIGHT = 200;
const OWN_SCALE = 100;
/** Fewest pooled origins an interval rests on. */
const POOLED_ORIGINS = 10;
/** Days of pooled spike evidence each series' own is shrunk towards. */
const SPIKE_PRIOR_DAYS = 90;

/** Least whole days of history a forecast needs (with `auto`, the least any method needs). */
export function minimumHistory(method: MethodChoice): number {
  return method === 'auto' ? Math.min(...METHODS.map((m) => MIN_HISTORY[m])) : MIN_HISTORY[method];
}

/** The methods a forecast from `days` days of history uses. */
function methodsAt(method: MethodChoice, days: number): MethodName[] {
  return method === 'auto' ? METHODS.filter((m) => days >= MIN_HISTORY[m]) : days >= MIN_HISTORY[method] ? [method] : [];
}

/** The first back-test origin for a forecast made at origin `o`. */
function firstOrigin(methods: readonly MethodName[], o: number, point: PeriodPoint): number {
  const need = Math.max(...methods.map((m) => MIN_HISTORY[m]));
  return Math.max(need, Math.min(EARLIEST_ORIGIN, o - point.days - LEAST_ORIGINS));
}

/**
 * Series made ready to forecast: every method's daily forecast from each origin `origins(n)`
 * asks for, `horizon` days long. Series end on the same day, so origins of different series
 * are matched by their distance from the end; the spike allowance of each is shrunk towards
 * all series' spike evidence known at that distance.
 */
export function prepare(
  histories: readonly (readonly number[])[],
  method: MethodChoice,
  horizon: number,
  origins: (n: number) => Iterable<number>,
): Paths[] {
  const spikes = histories.map((h) => new SpikeAllowance(h));
  const prior = new Map<number, { excess: number; days: number }>();
  const priorAt = (offset: number) => {
    let p = prior.get(offset);
    if (!p) {
      let excess = 0;
      let days = 0;
      spikes.forEach((s, g) => {
        const k = s.known((histories[g] as number[]).length - offset);
        excess += k.excess;
        days += k.days;
      });
      p = { excess: days > 0 ? excess / days : Number.NaN, days: SPIKE_PRIOR_DAYS };
      prior.set(offset, p);
    }
    return p;
  };
  return histories.map((h, g) =>
    forecastPaths(h, methodsAt(method, h.length), horizon, origins(h.length), (o) =>
      (spikes[g] as SpikeAllowance).at(o, priorAt(h.length - o)),
    ),
  );
}

/** Origins a forecast at `point` made at the end of a history of `n` days back-tests from, and the end itself. */
export function originsFor(method: MethodChoice, point: PeriodPoint): (n: number) => number[] {
  return (n) => {
    const methods = methodsAt(method, n);
    if (methods.length === 0) return [];
    return [...backtestOrigins(n, point, firstOrigin(methods, n, point)), n];
  };
}

/** One series' back-test at a point, as known at origin `o`. */
interface Known {
  paths: Paths;
  o: number;
  methods: MethodName[];
  bt: PointBacktest;
  errors: Partial<Record<MethodName, number[]>>;
}

function knownAt(paths: Paths, o: number, method: MethodChoice, point: PeriodPoint): Known | undefined {
  const methods = methodsAt(method, o);
  if (methods.length === 0 || methods.some((m) => !paths.paths[m]?.has(o))) return undefined;
  const bt = pointBacktest(paths, methods, point, backtestOrigins(o, point, firstOrigin(methods, o, point)));
  const errors: Partial<Record<MethodName, number[]>> = {};
  for (const m of methods) errors[m] = relativeErrors(bt, bt.forecasts[m] ?? []);
  return { paths, o, methods, bt, errors };
}

/** `auto`'s combination over all series that could use every method, their back-tests pooled. */
function pooledWeights(known: readonly (Known | undefined)[]): Partial<Record<MethodName, number>> {
  const rows: number[][] = METHODS.map(() => []);
  for (const k of known) {
    if (!k || k.methods.length !== METHODS.length) continue;
    METHODS.forEach((m, i) => (rows[i] as number[]).push(...(k.errors[m] as number[])));
  }
  if ((rows[0] as number[]).length === 0) return {};
  const w = combinationWeights(rows);
  return Object.fromEntries(METHODS.map((m, i) => [m, w[i] as number]));
}

/**
 * A series' weights: one method, or (`auto`) the pooled combination restricted to the methods it
 * has history for, moved towards the best combination on its own back-test in proportion to how
 * many origins that rests on.
 */
function weightsOf(k: Known, method: MethodChoice, pooled: Partial<Record<MethodName, number>>): Partial<Record<MethodName, number>> {
  if (method !== 'auto') return { [method]: 1 };
  const sum = k.methods.reduce((a, m) => a + (pooled[m] ?? 0), 0);
  const pool = k.methods.map((m) => (sum > 0 ? (pooled[m] ?? 0) / sum : 1 / k.methods.length));
  const n = k.bt.origins.length;
  if (n === 0) return Object.fromEntries(k.methods.map((m, i) => [m, pool[i] as number]));
  const own = combinationWeights(k.methods.map((m) => k.errors[m] as number[]));
  const share = sum > 0 ? n / (n + OWN_WEIGHT) : 1;
  return Object.fromEntries(k.methods.map((m, i) => [m, share * (own[i] as number) + (1 - share) * (pool[i] as number)]));
}

interface Fitted {
  weights: Partial<Record<MethodName, number>>;
  backtest: SeriesForecast['backtest'];
  /** Log errors of the forecast used, at the back-test origins; the series' day-to-day noise. */
  errors: number[];
  noise: number;
  daily: number[];
}

function fit(k: Known, method: MethodChoice, point: PeriodPoint, weights: Partial<Record<MethodName, number>>): Fitted {
  const used = combined(k.bt, weights);
  const methods: SeriesForecast['backtest']['methods'] = {};
  for (const m of k.methods) methods[m] = score(k.bt, k.bt.forecasts[m] ?? []);
  if (method === 'auto') methods.auto = score(k.bt, used);
  const daily = new Array<number>(point.days).fill(0);
  for (const [m, w] of Object.entries(weights) as [MethodName, number][]) {
    const path = k.paths.paths[m]?.get(k.o) ?? [];
    for (let h = 0; h < point.days; h++) daily[h] = (daily[h] as number) + w * (path[h] as number) * (h === 0 ? point.fraction : 1);
  }
  return {
    weights,
    backtest: { origins: k.bt.origins.length, methods },
    errors: logErrors(k.bt.actual, used),
    noise: noiseScale(k.paths.history, k.o),
    daily,
  };
}

/**
 * Forecasts the rest of a period for prepared series as known `offset` days before their end
 * (0: today). Each series' method, or `auto`'s combination, is scored by back-tests of the period
 * total at this same point of the period. The interval of the remaining total comes from all
 * series' back-test errors pooled, each scaled by its series' error scale. A series without the
 * history for the method at that origin gets `undefined`.
 */
export function forecastAt(
  prepared: readonly Paths[],
  point: PeriodPoint,
  offset: number,
  method: MethodChoice,
  level: number,
): (SeriesForecast | undefined)[] {
  const known = prepared.map((p) => knownAt(p, p.history.length - offset, method, point));
  const pooled = method === 'auto' ? pooledWeights(known) : {};
  const fits = known.map((k) => (k ? fit(k, method, point, weightsOf(k, method, pooled)) : undefined));
  const live = fits.filter((f): f is Fitted => f !== undefined);
  const scales = errorScales(
    live.map((f) => f.errors),
    live.map((f) => f.noise),
    OWN_SCALE,
  );
  const interval = pooledInterval(live, scales, point, level);
  let next = 0;
  return fits.map((f) => {
    if (!f) return undefined;
    const scale = scales[next++] as number;
    const total = f.daily.reduce((a, c) => a + c, 0);
    const q = interval && scale > 0 ? interval.q : undefined;
    // Where every back-test erred one way the quantiles exclude the point: the interval still holds it.
    const lo = q ? Math.min(0, q[0] * scale) : Number.NaN;
    const hi = q ? Math.max(0, q[1] * scale) : Number.NaN;
    return {
      method,
      weights: f.weights,
      daily: f.daily,
      total,
      lower: total * Math.exp(lo),
      upper: total * Math.exp(hi),
      backtest: f.backtest,
      calibration: q && interval ? { ...interval.held, ...heldOwn(f.errors, lo, hi) } : undefined,
    };
  });
}

/** Quantiles of all series' scaled back-test errors, and the share of them inside. */
function pooledInterval(fits: readonly Fitted[], scales: readonly number[], point: PeriodPoint, level: number) {
  const pooled: number[] = [];
  let independent = 0;
  fits.forEach((f, g) => {
    const s = scales[g] as number;
    if (!(s > 0) || f.errors.length === 0) return;
    for (const e of f.errors) pooled.push(e / s);
    // Windows `days` long from consecutive days: about one independent outcome per `days` origins.
    independent += Math.ceil(f.errors.length / Math.max(1, point.days));
  });
  if (pooled.length < POOLED_ORIGINS) return undefined;
  const q = intervalQuantiles(pooled, level, independent);
  const inside = pooled.filter((e) => e >= q[0] && e <= q[1]).length;
  return { q, held: { origins: pooled.length, coverage: inside / pooled.length } };
}

/** How many of a series' own back-test log errors there are, and the share inside [lo, hi]. */
function heldOwn(errors: readonly number[], lo: number, hi: number): { groupOrigins: number; groupCoverage: number } {
  const inside = errors.filter((e) => e >= lo && e <= hi).length;
  return { groupOrigins: errors.length, groupCoverage: errors.length > 0 ? inside / errors.length : Number.NaN };
}

/** Forecasts the rest of a period for several series that end on the same day (the groups of one report). */
export function forecastSeries(
  histories: readonly (readonly number[])[],
  point: PeriodPoint,
  method: MethodChoice,
  level: number,
): (SeriesForecast | undefined)[] {
  return forecastAt(prepare(histories, method, point.days, originsFor(method, point)), point, 0, method, level);
}
