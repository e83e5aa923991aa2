import { rng } from './history.js';

/**
 * Daily spend series for forecast back-tests: a weekly pattern (weekend share 0.35–0.95), a linear
 * trend of −0.5…+1.5 % of the starting level per day that may change once, log-normal noise (σ 0.05–0.30), spikes on ~3% of days
 * (×2–5), and in 30% of series a level shift (×1.6 or ×0.65) at a random day.
 */
export function spendSeries(count: number, days: number, seed: number): number[][] {
  return spendSeriesWithMeans(count, days, seed).map((s) => s.values);
}

/** The same series with each day's expected value (level × weekday), for an oracle forecast. */
export function spendSeriesWithMeans(count: number, days: number, seed: number): { values: number[]; means: number[] }[] {
  const r = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
  const out: { values: number[]; means: number[] }[] = [];
  for (let k = 0; k < count; k++) {
    const base = 50 + r() * 950;
    const weekend = 0.35 + r() * 0.6;
    let trend = -0.005 + r() * 0.02;
    const trendChange = r() < 0.4 ? Math.floor(r() * days) : -1;
    const sigma = 0.05 + r() * 0.25;
    const shiftDay = r() < 0.3 ? Math.floor(days * 0.3 + r() * days * 0.7) : -1;
    const shift = r() < 0.5 ? 1.6 : 0.65;
    const startWeekday = Math.floor(r() * 7);
    let level = base;
    const series: number[] = [];
    const means: number[] = [];
    for (let d = 0; d < days; d++) {
      if (d === trendChange) trend = -0.005 + r() * 0.02;
      if (d === shiftDay) level *= shift;
      level = Math.max(base * 0.05, level + base * trend);
      const weekday = (startWeekday + d) % 7;
      const season = weekday >= 5 ? weekend : 1;
      const spike = r() < 0.03 ? 2 + r() * 3 : 1;
      series.push(level * season * spike * Math.exp(normal() * sigma - (sigma * sigma) / 2));
      means.push(level * season);
    }
    out.push({ values: series, means });
  }
  return out;
}
