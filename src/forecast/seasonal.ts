import { dampedSteps, groupedSlope, median, trimmedMean } from './stats.js';

/**
 * The seasonal method: a weekday profile, a robust level and damped trend in log space that
 * re-bases after a level shift, and an allowance for the spikes the robust level leaves out, so
 * that the forecast is the expected spend of each day (what a period total adds up), not its median.
 */

const SEASON = 7;

export interface SeasonalParameters {
  /** Weeks of history the weekday profile reads. */
  profileWeeks: number;
  /** Days the level is averaged over, and weeks the trend is fitted on (both fewer after a level shift). */
  levelDays: number;
  trendWeeks: number;
  /** Trend damping per day. */
  phi: number;
  /** Least size of a level shift, in log units, and its least strength in noise units. */
  minShift: number;
  shiftStrength: number;
  /** Largest trend, in log units per day. */
  maxSlope: number;
  /** Share cut from each end when averaging the level. */
  trim: number;
  /** Share of the days after a shift that must sit past the midpoint of the two levels. */
  consistent: number;
  /** Days of history from which a trend counts in full (fewer: shrunk in proportion). */
  slopeFullDays: number;
}

export const SEASONAL: SeasonalParameters = {
  profileWeeks: 12,
  levelDays: 21,
  trendWeeks: 12,
  // 0.9 left the month total about 2% low early in a month on growing teams (tuning seeds 1, 2).
  phi: 0.95,
  minShift: 0.2,
  shiftStrength: 4,
  maxSlope: 0.05,
  trim: 0.25,
  consistent: 0.8,
  slopeFullDays: 42,
};

/** Profile slot of history index `i` when the history has `n` days: slot h % 7 is forecast day h. */
export function slotOf(i: number, n: number): number {
  return (((i - n) % SEASON) + SEASON) % SEASON;
}

/**
 * Weekday profile (mean 1): per slot, the median over the last weeks of a day's ratio to the
 * week around it (the mean of the 7 days centred on it, less the largest and the smallest). Every
 * such week holds each weekday once, so the ratios follow a trend; leaving out the extremes keeps
 * a spike from lowering its neighbours' ratios, and the median across weeks ignores the spike day.
 */
export function weeklyProfile(history: readonly number[], weeks: number): number[] {
  const n = history.length;
  const ratios: number[][] = Array.from({ length: SEASON }, () => []);
  for (let i = Math.max(3, n - 3 - weeks * SEASON); i + 3 < n; i++) {
    let sum = 0;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let k = i - 3; k <= i + 3; k++) {
      const v = history[k] as number;
      sum += v;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const typical = (sum - lo - hi) / (SEASON - 2);
    if (typical > 0) (ratios[slotOf(i, n)] as number[]).push((history[i] as number) / typical);
  }
  const profile = ratios.map((r) => (r.length > 0 ? median(r) : 1));
  const avg = profile.reduce((a, b) => a + b, 0) / SEASON;
  return avg > 0 ? profile.map((p) => p / avg) : profile.map(() => 1);
}

interface LogPoints {
  x: number[];
  y: number[];
}

/** Deseasonalised log spend of the days from `from` on with spend, where the profile expects some. */
function logPoints(history: readonly number[], profile: readonly number[], from: number): LogPoints {
  const n = history.length;
  const x: number[] = [];
  const y: number[] = [];
  for (let i = Math.max(0, from); i < n; i++) {
    const p = profile[slotOf(i, n)] as number;
    const v = history[i] as number;
    if (v > 0 && p > 0.02) {
      x.push(i);
      y.push(Math.log(v / p));
    }
  }
  return { x, y };
}

function since(p: LogPoints, from: number): LogPoints {
  let k = 0;
  while (k < p.x.length && (p.x[k] as number) < from) k++;
  return { x: p.x.slice(k), y: p.y.slice(k) };
}

/** Robust noise scale of log spend from day-to-day differences (a trend or one shift barely moves it). */
function noiseScale(points: LogPoints): number {
  const d: number[] = [];
  for (let k = 1; k < points.y.length; k++) d.push(Math.abs((points.y[k] as number) - (points.y[k - 1] as number)));
  return d.length > 0 ? (1.4826 * median(d)) / Math.SQRT2 : Number.NaN;
}

/**
 * The latest level shift: the split whose next days (up to three weeks) sit furthest from the
 * two weeks before it, after the trend is taken out, if that gap is large, many noise units wide,
 * and held by nearly every later day (two spike days in a row are not a new level). Returns the
 * index of the first day of the new level.
 */
function lastShift(points: LogPoints, slope: number, params: SeasonalParameters): number | undefined {
  const { x, y } = points;
  // A floor of 1%: on noiseless data any jump of `minShift` is a shift.
  const s = Math.max(0.01, noiseScale(points) || 0);
  const flat = y.map((v, k) => v - slope * (x[k] as number));
  let best: number | undefined;
  let bestStrength = params.shiftStrength;
  // Every day in the last four weeks; every other day before (an older shift only has to be roughly placed).
  for (let k = 7; k + 3 <= flat.length; k += k + 28 < flat.length ? 2 : 1) {
    const before = median(flat, Math.max(0, k - 14), k);
    const end = Math.min(flat.length, k + 21);
    const gap = median(flat, k, end) - before;
    if (Math.abs(gap) < params.minShift) continue;
    const strength = Math.abs(gap) / (1.2533 * s * Math.sqrt(1 / (end - k) + 1 / Math.min(k, 14)));
    if (strength <= bestStrength) continue;
    let past = 0;
    for (let i = k; i < end; i++) if (((flat[i] as number) - before - gap / 2) * Math.sign(gap) > 0) past++;
    if (past < Math.ceil(params.consistent * (end - k))) continue;
    bestStrength = strength;
    best = k;
  }
  return best === undefined ? undefined : (x[placeShift(flat, best)] as number);
}

/**
 * Where exactly near `k` the level changed: medians are robust, so a split a few days early
 * still looks strong; the split with the least absolute deviation from each side's median is
 * the change itself.
 */
function placeShift(flat: readonly number[], k: number): number {
  const from = Math.max(0, k - 17);
  const to = Math.min(flat.length, k + 24);
  let best = k;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let c = Math.max(from + 3, k - 3); c <= Math.min(to - 3, k + 3); c++) {
    const left = median(flat, from, c);
    const right = median(flat, c, to);
    let cost = 0;
    for (let i = from; i < to; i++) cost += Math.abs((flat[i] as number) - (i < c ? left : right));
    if (cost < bestCost) {
      bestCost = cost;
      best = c;
    }
  }
  return best;
}

interface WeekMedian {
  start: number;
  end: number;
  /** Mean day index and median deseasonalised log spend of the week's days. */
  x: number;
  y: number;
}

/** Medians of whole weeks counted back from the end (weeks with fewer than 4 days of spend left out). */
function weeklyMedians(points: LogPoints, n: number, weeks: number): WeekMedian[] {
  const out: WeekMedian[] = [];
  for (let w = 0; w < weeks; w++) {
    const end = n - w * SEASON;
    const start = end - SEASON;
    const ys: number[] = [];
    let xs = 0;
    points.x.forEach((v, k) => {
      if (v >= start && v < end) {
        ys.push(points.y[k] as number);
        xs += v;
      }
    });
    if (ys.length >= 4) out.push({ start, end, x: xs / ys.length, y: median(ys) });
  }
  return out;
}

/** Trend per day as the median of week-to-week changes: one level shift moves one change only. */
function stepRobustSlope(weeks: readonly WeekMedian[]): number {
  const d: number[] = [];
  for (let k = 1; k < weeks.length; k++) {
    const a = weeks[k - 1] as WeekMedian;
    const b = weeks[k] as WeekMedian;
    d.push((a.y - b.y) / (a.x - b.x));
  }
  return d.length > 0 ? median(d) : 0;
}

/**
 * Trend per day from weekly medians (Theil–Sen over weeks, which a spike day cannot tilt);
 * with a shift, only weeks on the same side of it are paired.
 */
function weeklySlope(weeks: readonly WeekMedian[], shift: number | undefined): number {
  const groups = [
    { x: [] as number[], y: [] as number[] },
    { x: [] as number[], y: [] as number[] },
  ];
  for (const w of weeks) {
    if (shift !== undefined && w.start < shift && w.end > shift) continue;
    const g = groups[shift !== undefined && w.start >= shift ? 1 : 0] as { x: number[]; y: number[] };
    g.x.push(w.x);
    g.y.push(w.y);
  }
  return groupedSlope(groups);
}

export interface SeasonalFit {
  profile: number[];
  /** Log level (deseasonalised, robust) at the last history day, and the trend per day. */
  level: number;
  slope: number;
  /** Day the level re-based at, if a shift was found. */
  shift: number | undefined;
}

/** Fits the seasonal method's profile, level, trend and shift to whole days of history (oldest first). */
export function fitSeasonal(history: readonly number[], params: SeasonalParameters = SEASONAL): SeasonalFit {
  const n = history.length;
  const profile = weeklyProfile(history, params.profileWeeks);
  const points = logPoints(history, profile, n - params.trendWeeks * SEASON);
  const weeks = weeklyMedians(points, n, params.trendWeeks);
  const shift = lastShift(points, stepRobustSlope(weeks), params);
  let slope = weeklySlope(weeks, shift);
  // A trend read off few weeks is mostly noise (or a new team's ramp-up).
  slope *= Math.min(1, n / params.slopeFullDays);
  slope = Math.max(-params.maxSlope, Math.min(params.maxSlope, slope));
  const recent = since(points, Math.max(n - params.levelDays, shift ?? 0));
  const flat = recent.y.map((v, k) => v - slope * (recent.x[k] as number));
  const level = flat.length > 0 ? trimmedMean(flat, params.trim) + slope * (n - 1) : Number.NaN;
  return { profile, level, slope, shift };
}

/** Expected spend of the next `horizon` days, given the spike allowance known at the history's end. */
export function seasonalForecast(
  history: readonly number[],
  horizon: number,
  allowance: number,
  params: SeasonalParameters = SEASONAL,
): number[] {
  const fit = fitSeasonal(history, params);
  if (!Number.isFinite(fit.level)) return new Array<number>(horizon).fill(0);
  const out: number[] = [];
  for (let h = 0; h < horizon; h++) {
    const level = Math.exp(fit.level + fit.slope * dampedSteps(params.phi, h + 1));
    out.push((fit.profile[h % SEASON] as number) * level * allowance);
  }
  return out;
}
