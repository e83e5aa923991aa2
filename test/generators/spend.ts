import { rng } from './history.js';

const DAY = 86_400_000;

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

/** One team's daily spend on a calendar, and what shaped it. */
export interface TeamSeries {
  /** Spend per UTC day from the calendar's start; 0 before the team's first day. */
  values: number[];
  /** Each day's expected spend (level × weekday × holiday × the spikes' expected lift): an oracle. */
  means: number[];
  /** Index of the team's first day with spend. */
  born: number;
  /** Days a level shift or a trend change happened (for breaking the scores down). */
  shifts: number[];
  trendChange: number;
}

export interface TeamCalendar {
  /** 00:00 UTC of day 0. */
  start: number;
  days: number;
  teams: TeamSeries[];
}

/** Public holidays the generator knows (US-style), as YYYY-MM-DD: spend falls to the weekend level. */
const HOLIDAYS = new Set([
  '2026-01-01',
  '2026-01-19',
  '2026-02-16',
  '2026-05-25',
  '2026-06-19',
  '2026-07-03',
  '2026-09-07',
  '2026-10-12',
  '2026-11-11',
  '2026-11-26',
  '2026-11-27',
  '2026-12-24',
  '2026-12-25',
  '2026-12-31',
  '2027-01-01',
  '2027-01-18',
  '2027-02-15',
]);

/** Share of days with a spike, and a spike's factor range: the expected lift is 1 + p × (mean factor − 1). */
const SPIKE_P = 0.03;
const SPIKE_LIFT = 1 + SPIKE_P * (3.5 - 1);

/**
 * The benchmark's teams (issue 12): harder than `spendSeries`. Per team: a level log-uniform in
 * $5–$2,000 a day; a weekly profile with weekday factors 0.9–1.1 and a weekend depth anywhere from
 * 5% to 100% of a weekday; a linear trend of −0.6…+1.5% of the level per day that changes in 40%
 * of teams; log-normal noise (σ 0.05–0.35); spike days (3%, ×2–5); level shifts (×0.5–0.75 or
 * ×1.4–2.2) in 35% of teams, a second one in 10%; public holidays at the weekend level; and 12% new
 * teams, born 5–40 days before `youngBefore`, ramping up over their first week.
 */
export function teamSpend(count: number, start: number, days: number, seed: number, youngBefore = days): TeamCalendar {
  const r = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
  const uniform = (a: number, b: number) => a + (b - a) * r();
  const teams: TeamSeries[] = [];
  for (let k = 0; k < count; k++) {
    const base = Math.exp(uniform(Math.log(5), Math.log(2000)));
    const depth = uniform(0.05, 1);
    const week = [1, 2, 3, 4, 5, 6, 0].map((wd) => (wd === 0 || wd === 6 ? depth * uniform(0.9, 1.1) : uniform(0.9, 1.1)));
    let trend = uniform(-0.006, 0.015);
    const trendChange = r() < 0.4 ? Math.floor(r() * days) : -1;
    const sigma = uniform(0.05, 0.35);
    const shift = () => (r() < 0.5 ? uniform(0.5, 0.75) : uniform(1.4, 2.2));
    const shifts = new Map<number, number>();
    if (r() < 0.35) shifts.set(Math.floor(uniform(0.2, 1) * days), shift());
    if (r() < 0.1) shifts.set(Math.floor(uniform(0.2, 1) * days), shift());
    const born = r() < 0.12 ? Math.max(0, youngBefore - Math.floor(uniform(5, 40))) : 0;
    let level = base;
    const values: number[] = [];
    const means: number[] = [];
    for (let d = 0; d < days; d++) {
      if (d === trendChange) trend = uniform(-0.006, 0.015);
      level *= shifts.get(d) ?? 1;
      level = Math.max(base * 0.05, level + level * trend);
      const date = new Date(start + d * DAY);
      const holiday = HOLIDAYS.has(date.toISOString().slice(0, 10));
      const weekday = date.getUTCDay();
      const season = holiday ? depth : (week[(weekday + 6) % 7] as number);
      const ramp = d < born ? 0 : Math.min(1, 0.3 + (0.7 * (d - born)) / 7);
      const spike = r() < SPIKE_P ? uniform(2, 5) : 1;
      const noise = Math.exp(normal() * sigma - (sigma * sigma) / 2);
      values.push(level * season * ramp * spike * noise);
      means.push(level * season * ramp * SPIKE_LIFT);
    }
    teams.push({ values, means, born, shifts: [...shifts.keys()], trendChange });
  }
  return { start, days, teams };
}
