import type { MethodName } from './methods.js';
import { actualSum, type Paths, pathSum } from './paths.js';
import { median, quantileSorted } from './stats.js';

/**
 * Where in its period a forecast stands: `days` days remain, today included; of today a share
 * `fraction` remains; `elapsed` whole days of the period lie before today.
 */
export interface PeriodPoint {
  days: number;
  fraction: number;
  elapsed: number;
}

/**
 * Back-test of the remaining-period total at one point of the period: at every origin, what each
 * method forecast for the rest of a period of the same shape, what had been spent in that period
 * before (the exact part), and what followed.
 */
export interface PointBacktest {
  origins: number[];
  spent: number[];
  actual: number[];
  forecasts: Partial<Record<MethodName, number[]>>;
}

/** Origins from `from` on whose outcome (the `point.days` days after them) is known by `end`. */
export function backtestOrigins(end: number, point: PeriodPoint, from: number): number[] {
  const out: number[] = [];
  for (let o = Math.max(from, point.elapsed, 1); o + point.days <= end; o++) out.push(o);
  return out;
}

/** The back-test of `methods` at `origins` (each must have a path for every method). */
export function pointBacktest(p: Paths, methods: readonly MethodName[], point: PeriodPoint, origins: readonly number[]): PointBacktest {
  const bt: PointBacktest = { origins: [], spent: [], actual: [], forecasts: {} };
  for (const o of origins) {
    const sums = methods.map((m) => pathSum(p, m, o, point.days, point.fraction));
    if (sums.some((s) => !Number.isFinite(s))) continue;
    bt.origins.push(o);
    let spent = (1 - point.fraction) * (p.history[o] as number);
    for (let i = o - point.elapsed; i < o; i++) spent += p.history[i] as number;
    bt.spent.push(spent);
    bt.actual.push(actualSum(p.history, o, point.days, point.fraction));
    methods.forEach((m, k) => (bt.forecasts[m] ??= []).push(sums[k] as number));
  }
  return bt;
}

export interface Score {
  /** Mean absolute error of the period total, as a share of it. */
  error: number;
  /** Mean signed error of the period total, as a share of it (positive: too high). */
  bias: number;
}

/** Each origin's signed error of the period total, as a share of that total (0 where it was 0). */
export function relativeErrors(bt: PointBacktest, forecast: readonly number[]): number[] {
  return bt.actual.map((a, k) => {
    const total = a + (bt.spent[k] as number);
    return total > 0 ? ((forecast[k] as number) - a) / total : 0;
  });
}

/** Mean absolute and signed error of the period total over the back-test (NaN without origins). */
export function score(bt: PointBacktest, forecast: readonly number[]): Score {
  const e = relativeErrors(bt, forecast);
  if (e.length === 0) return { error: Number.NaN, bias: Number.NaN };
  return { error: e.reduce((a, c) => a + Math.abs(c), 0) / e.length, bias: e.reduce((a, c) => a + c, 0) / e.length };
}

/**
 * The convex combination (weights ≥ 0 summing to 1, on a grid of `step`) with the least absolute
 * error of the period total. `errors[m]` lists method m's signed errors; every list has the same
 * origins. Absolute error, because that is what the forecast is judged by.
 */
export function combinationWeights(errors: readonly (readonly number[])[], step = 0.05): number[] {
  const k = errors.length;
  if (k <= 1) return k === 1 ? [1] : [];
  const units = Math.round(1 / step);
  const n = (errors[0] as number[]).length;
  let best: number[] = new Array<number>(k).fill(1 / k);
  let bestLoss = Number.POSITIVE_INFINITY;
  const w = new Array<number>(k).fill(0);
  const visit = (i: number, left: number): void => {
    if (i === k - 1) {
      w[i] = left / units;
      let loss = 0;
      for (let o = 0; o < n; o++) {
        let e = 0;
        for (let m = 0; m < k; m++) e += (w[m] as number) * ((errors[m] as number[])[o] as number);
        loss += Math.abs(e);
      }
      if (loss < bestLoss - 1e-12) {
        bestLoss = loss;
        best = [...w];
      }
      return;
    }
    for (let u = left; u >= 0; u--) {
      w[i] = u / units;
      visit(i + 1, left - u);
    }
  };
  visit(0, units);
  return best;
}

/** A combination's forecast at each back-test origin. */
export function combined(bt: PointBacktest, weights: Partial<Record<MethodName, number>>): number[] {
  return bt.origins.map((_, k) => {
    let f = 0;
    for (const [m, w] of Object.entries(weights) as [MethodName, number][]) if (w > 0) f += w * (bt.forecasts[m]?.[k] as number);
    return f;
  });
}

/** Log ratios of actual to forecast remaining totals: scale-free, and as skewed as spend is. */
export function logErrors(actual: readonly number[], forecast: readonly number[]): number[] {
  const scale = actual.reduce((a, b) => a + b, 0) / Math.max(1, actual.length);
  const d = scale * 1e-6 + 1e-12;
  return actual.map((a, k) => Math.log((a + d) / ((forecast[k] as number) + d)));
}

/**
 * Conformal quantiles of errors for a central interval at `level`. Back-test errors of
 * overlapping windows are not independent: `independent` says how many independent outcomes
 * they amount to, and the finite-sample correction is taken for that many (ranks
 * ⌊(m+1)·α/2⌋ and ⌈(m+1)·(1−α/2)⌉ of m, read as shares of the sorted errors).
 */
export function intervalQuantiles(errors: readonly number[], level: number, independent = errors.length): [number, number] {
  const s = Float64Array.from(errors).sort();
  const m = Math.max(1, independent);
  const alpha = 1 - level;
  const lo = ((m + 1) * alpha) / 2 / m;
  const hi = ((m + 1) * (1 - alpha / 2)) / m;
  return [quantileSorted(s, Math.max(0, lo)), quantileSorted(s, Math.min(1, hi))];
}

/**
 * How noisy a series is from day to day, in log units, from same-weekday pairs a week apart
 * (which takes the weekly pattern out without fitting one), over its last eight weeks.
 */
export function noiseScale(history: readonly number[], end = history.length): number {
  const d: number[] = [];
  for (let i = Math.max(7, end - 56); i < end; i++) {
    const a = history[i] as number;
    const b = history[i - 7] as number;
    if (a > 0 && b > 0) d.push(Math.abs(Math.log(a / b)));
  }
  return d.length >= 3 ? (1.4826 * median(d)) / Math.SQRT2 : Number.NaN;
}

/**
 * Each series' error scale for pooling: how large its own back-test errors were (mean absolute
 * log error), shrunk towards what series of its day-to-day noise made (a line through log error
 * scale against log noise, fitted over all series) with the weight of `k` origins. Errors do not
 * grow in proportion to noise (level shifts and trend changes hit quiet series too), so noise
 * alone would make quiet series' intervals too narrow and noisy ones' too wide.
 */
export function errorScales(errors: readonly (readonly number[])[], noise: readonly number[], k: number): number[] {
  const own = errors.map((e) => (e.length > 0 ? e.reduce((a, c) => a + Math.abs(c), 0) / e.length : Number.NaN));
  const xs: number[] = [];
  const ys: number[] = [];
  own.forEach((o, g) => {
    const x = Math.log(noise[g] as number);
    if (o > 0 && Number.isFinite(x)) {
      xs.push(x);
      ys.push(Math.log(o));
    }
  });
  const line = fitLine(xs, ys);
  return own.map((o, g) => {
    const x = Math.log(noise[g] as number);
    const predicted = line && Number.isFinite(x) ? Math.exp(line.a + line.b * x) : Number.NaN;
    const n = (errors[g] as number[]).length;
    if (!(o > 0)) return predicted;
    if (!(predicted > 0)) return o;
    return (n * o + k * predicted) / (n + k);
  });
}

/** Least-squares line y = a + b·x; undefined with fewer than three points. */
function fitLine(xs: readonly number[], ys: readonly number[]): { a: number; b: number } | undefined {
  const n = xs.length;
  if (n < 3) return undefined;
  const xm = xs.reduce((a, c) => a + c, 0) / n;
  const ym = ys.reduce((a, c) => a + c, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += ((xs[i] as number) - xm) * ((ys[i] as number) - ym);
    sxx += ((xs[i] as number) - xm) ** 2;
  }
  if (!(sxx > 0)) return { a: ym, b: 0 };
  const b = sxy / sxx;
  return { a: ym - b * xm, b };
}
