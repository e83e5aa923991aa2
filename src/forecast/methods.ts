/**
 * Point forecasts of daily spend. Each method takes whole days of history (oldest first) and
 * returns `horizon` daily values. Pure functions; no dates: the caller aligns weekdays by making
 * the history end on the day before the first forecast day.
 */

export type MethodName = 'run-rate' | 'seasonal' | 'holt-winters';
export const METHODS: readonly MethodName[] = ['run-rate', 'seasonal', 'holt-winters'];

const SEASON = 7;

/** Least days of history each method needs. */
export const MIN_HISTORY: Record<MethodName, number> = { 'run-rate': 7, seasonal: 14, 'holt-winters': 21 };

/** The mean of the last 7 days, held flat: what `predict_linear` on a cumulative counter gives. */
export function runRate(history: readonly number[], horizon: number): number[] {
  const last = history.slice(-SEASON);
  const mean = last.reduce((a, b) => a + b, 0) / Math.max(1, last.length);
  return new Array<number>(horizon).fill(mean);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return 0;
  return n % 2 === 1 ? (s[n >> 1] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
}

/**
 * Seasonal profile: a weekday profile (median, per weekday, of each day's share of its week's
 * median) times the deseasonalised level at the end of the history (a straight line through the
 * weekly medians of up to six weeks, read at the last week). Medians make one spike day or a
 * holiday move nothing.
 */
export function seasonalProfile(history: readonly number[], horizon: number): number[] {
  const n = history.length;
  const weeks: number[][] = [];
  for (let w = Math.min(6, Math.floor(n / SEASON)); w >= 1; w--) weeks.push(history.slice(n - w * SEASON, n - (w - 1) * SEASON));
  if (weeks.length === 0) return runRate(history, horizon);
  const weekMedian = weeks.map((wk) => median(wk));
  // Weekday slots are counted from the first forecast day: slot h % 7 is history index n - 7 + h % 7.
  const profile: number[] = [];
  for (let d = 0; d < SEASON; d++)
    profile.push(median(weeks.map((wk, i) => ((weekMedian[i] as number) > 0 ? (wk[d] as number) / (weekMedian[i] as number) : 1))));
  const mean = profile.reduce((a, b) => a + b, 0) / SEASON;
  for (let d = 0; d < SEASON; d++) profile[d] = mean > 0 ? (profile[d] as number) / mean : 1;
  const levels = weeks.map((wk) => median(wk.map((y, d) => ((profile[d] as number) > 0 ? y / (profile[d] as number) : y))));
  const k = levels.length;
  const xm = (k - 1) / 2;
  const ym = levels.reduce((a, b) => a + b, 0) / k;
  let sxy = 0;
  let sxx = 0;
  levels.forEach((y, i) => {
    sxy += (i - xm) * (y - ym);
    sxx += (i - xm) ** 2;
  });
  const level = Math.max(0, ym + (sxx > 0 ? sxy / sxx : 0) * (k - 1 - xm));
  const out: number[] = [];
  for (let h = 0; h < horizon; h++) out.push(level * (profile[h % SEASON] as number));
  return out;
}

interface HwFit {
  sse: number;
  level: number;
  trend: number;
  season: number[];
  phi: number;
}

function fitHoltWinters(y: readonly number[], alpha: number, beta: number, gamma: number, phi: number): HwFit {
  const m = SEASON;
  const first = y.slice(0, m);
  let level = first.reduce((a, b) => a + b, 0) / m;
  const second = y.slice(m, 2 * m);
  let trend = second.length === m ? (second.reduce((a, b) => a + b, 0) / m - level) / m : 0;
  const season = first.map((v) => v - level);
  let sse = 0;
  for (let t = m; t < y.length; t++) {
    const s = season[t % m] as number;
    const predicted = level + phi * trend + s;
    const err = (y[t] as number) - predicted;
    sse += err * err;
    const prevLevel = level;
    level = alpha * ((y[t] as number) - s) + (1 - alpha) * (prevLevel + phi * trend);
    trend = beta * (level - prevLevel) + (1 - beta) * phi * trend;
    season[t % m] = gamma * ((y[t] as number) - level) + (1 - gamma) * s;
  }
  // Align the seasonal slots so that slot 0 is the first forecast day.
  const n = y.length;
  const aligned = Array.from({ length: m }, (_, h) => season[(n + h) % m] as number);
  return { sse, level, trend, season: aligned, phi };
}

/** Additive Holt-Winters with a 7-day season and a damped trend, parameters by grid search on SSE. */
export function holtWinters(history: readonly number[], horizon: number): number[] {
  let best: HwFit | undefined;
  for (const alpha of [0.1, 0.2, 0.35, 0.5])
    for (const beta of [0.01, 0.05, 0.15])
      for (const gamma of [0.05, 0.15, 0.3])
        for (const phi of [0.8, 0.9, 0.98]) {
          const fit = fitHoltWinters(history, alpha, beta, gamma, phi);
          if (!best || fit.sse < best.sse) best = fit;
        }
  const fit = best as HwFit;
  const out: number[] = [];
  let damp = 0;
  for (let h = 1; h <= horizon; h++) {
    damp += fit.phi ** h;
    out.push(Math.max(0, fit.level + damp * fit.trend + (fit.season[(h - 1) % SEASON] as number)));
  }
  return out;
}

export function pointForecast(method: MethodName, history: readonly number[], horizon: number): number[] {
  if (horizon <= 0) return [];
  switch (method) {
    case 'run-rate':
      return runRate(history, horizon);
    case 'seasonal':
      return seasonalProfile(history, horizon);
    case 'holt-winters':
      return holtWinters(history, horizon);
  }
}
