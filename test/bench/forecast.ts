/**
 * Forecast quality on generated teams (issue 12): the month total as of several days of the month,
 * tokenspend's forecast against three baselines on the same series, the bias, and how often the
 * interval held the actual total. Teams are forecast 60 at a time, as `forecast --by team` would.
 */
import { forecastSeries, minimumHistory } from '../../src/forecast/forecast.js';
import { writeFileSync } from 'node:fs';
import type { MethodChoice } from '../../src/forecast/settings.js';
import { spendSeriesWithMeans, teamSpend } from '../generators/spend.js';

const DAY = 86_400_000;
const HISTORY = 84;
const BATCH = 60;

/** One team in one month: its whole daily spend, and where the month lies in it. */
interface Case {
  values: readonly number[];
  means: readonly number[];
  monthStart: number;
  monthEnd: number;
}

const sum = (xs: readonly number[], from = 0, to = xs.length) => {
  let s = 0;
  for (let i = from; i < to; i++) s += xs[i] as number;
  return s;
};

/** Spend of the rest of the month as users estimate it today, from the same history. */
export const BASELINES: Record<string, (history: readonly number[], remaining: number) => number> = {
  /** The mean of the last 7 days, times the days left. */
  'run-rate': (h, r) => (sum(h, h.length - 7) / 7) * r,
  /** `predict_linear(cost_total[14d], …)`: a least-squares line through the cumulative spend at the last 15 day edges. */
  predict_linear: (h, r) => {
    const w = 14;
    const c = [0];
    for (let i = h.length - w; i < h.length; i++) c.push((c[c.length - 1] as number) + (h[i] as number));
    const xm = w / 2;
    const ym = sum(c) / c.length;
    let sxy = 0;
    let sxx = 0;
    c.forEach((y, i) => {
      sxy += (i - xm) * (y - ym);
      sxx += (i - xm) ** 2;
    });
    const b = sxy / sxx;
    return ym + b * (w + r - xm) - (c[w] as number);
  },
  /** Each remaining day as the same weekday last week. */
  'seasonal naive': (h, r) => {
    let s = 0;
    for (let k = 0; k < r; k++) s += h[h.length - 7 + (k % 7)] as number;
    return s;
  },
};

export interface Tally {
  cases: number;
  /** Sums of absolute and signed errors of the month total, as shares of it. */
  ape: Record<string, number>;
  signed: Record<string, number>;
  covered: number;
  withInterval: number;
  /** Cases whose team had too little history to forecast (left out of every score). */
  refused: number;
}

function tallyOf(): Tally {
  return { cases: 0, ape: {}, signed: {}, covered: 0, withInterval: 0, refused: 0 };
}

function add(t: Tally, name: string, forecast: number, actual: number): void {
  t.ape[name] = (t.ape[name] ?? 0) + Math.abs(forecast - actual) / actual;
  t.signed[name] = (t.signed[name] ?? 0) + (forecast - actual) / actual;
}

/** Scores one batch of teams as of `day` days into their month. */
function scoreBatch(batch: readonly Case[], day: number, method: MethodChoice, t: Tally): void {
  const histories: number[][] = [];
  const kept: Case[] = [];
  for (const c of batch) {
    const asOf = c.monthStart + day;
    const h = c.values.slice(Math.max(0, asOf - HISTORY), asOf);
    const first = h.findIndex((v) => v > 0);
    if (first < 0 || h.length - first < minimumHistory(method)) {
      t.refused++;
      continue;
    }
    histories.push(h.slice(first));
    kept.push(c);
  }
  if (kept.length === 0) return;
  const remaining = (kept[0] as Case).monthEnd - (kept[0] as Case).monthStart - day;
  const results = forecastSeries(histories, { days: remaining, fraction: 1, elapsed: day }, method, 0.8);
  results.forEach((r, k) => {
    const c = kept[k] as Case;
    if (!r) throw new Error('a series with the history for a forecast got none');
    const spent = sum(c.values, c.monthStart, c.monthStart + day);
    const actual = sum(c.values, c.monthStart, c.monthEnd);
    t.cases++;
    add(t, 'tokenspend', spent + r.total, actual);
    add(t, 'oracle', spent + sum(c.means, c.monthStart + day, c.monthEnd), actual);
    for (const [name, f] of Object.entries(BASELINES)) add(t, name, spent + f(histories[k] as number[], remaining), actual);
    if (Number.isFinite(r.lower)) {
      t.withInterval++;
      if (actual >= spent + r.lower && actual <= spent + r.upper) t.covered++;
    }
  });
}

/** Months (0-based, 2026) the team benchmark forecasts, and the calendar they sit in. */
export const MONTHS = [5, 6, 7, 8, 9, 10];
const START = Date.UTC(2026, 2, 1);
const DAYS = (Date.UTC(2026, 11, 1) - START) / DAY;

/** `teamSpend` teams (240 per seed), in batches of 60, forecast as of `days` days into each month. */
export function teamQuality(seeds: readonly number[], days: readonly number[], method: MethodChoice = 'auto'): Map<number, Tally> {
  const out = new Map<number, Tally>(days.map((d) => [d, tallyOf()]));
  for (const seed of seeds) {
    const cal = teamSpend(240, START, DAYS, seed);
    for (const month of MONTHS) {
      const monthStart = (Date.UTC(2026, month, 1) - START) / DAY;
      const monthEnd = (Date.UTC(2026, month + 1, 1) - START) / DAY;
      const cases = cal.teams.map((team) => ({ values: team.values, means: team.means, monthStart, monthEnd }));
      for (let b = 0; b < cases.length; b += BATCH)
        for (const d of days) scoreBatch(cases.slice(b, b + BATCH), d, method, out.get(d) as Tally);
    }
  }
  return out;
}

/** `spendSeries` (the issue-4 generator: 84 days, then a 30-day month), as of day 16. */
export function simpleQuality(seeds: readonly number[], method: MethodChoice = 'auto'): Tally {
  const t = tallyOf();
  for (const seed of seeds) {
    const all = spendSeriesWithMeans(240, HISTORY + 14, seed);
    for (let b = 0; b < all.length; b += BATCH)
      scoreBatch(
        all.slice(b, b + BATCH).map((s) => ({ ...s, monthStart: HISTORY - 16, monthEnd: HISTORY + 14 })),
        16,
        method,
        t,
      );
  }
  return t;
}

/** Name and mean absolute error of the best baseline of a tally. */
export function bestBaseline(t: Tally): [string, number] {
  const names = Object.keys(BASELINES);
  const best = names.reduce((a, b) => ((t.ape[b] as number) < (t.ape[a] as number) ? b : a));
  return [best, (t.ape[best] as number) / t.cases];
}

/** gpt-4o-mini's output price, $ per 1M tokens (bundled price list): the file's spend becomes tokens at it. */
const OUTPUT_PRICE = 0.6;

/**
 * Writes `teams` teams × `days` days of `teamSpend` spend as an hourly-scraped exposition file
 * (`llm_tokens_out_total{model="gpt-4o-mini",team=…}`, timestamps in ms), for timing
 * `forecast --by team` on a file. Returns the time of the last sample.
 */
export function writeTeamFile(path: string, teams: number, days: number, seed: number): number {
  const start = Date.UTC(2026, 7, 10);
  const cal = teamSpend(teams, start, days, seed);
  const lines = ['# TYPE llm_tokens_out_total counter'];
  cal.teams.forEach((team, k) => {
    const labels = `model="gpt-4o-mini",team="team-${String(k + 1).padStart(2, '0')}"`;
    let tokens = 0;
    for (let d = 0; d < days; d++) {
      const perHour = Math.round(((team.values[d] as number) / 24 / OUTPUT_PRICE) * 1e6);
      for (let h = 0; h < 24; h++) {
        tokens += perHour;
        lines.push(`llm_tokens_out_total{${labels}} ${tokens} ${start + d * DAY + (h + 1) * 3_600_000 - 60_000}`);
      }
    }
  });
  writeFileSync(path, `${lines.join('\n')}\n`);
  return start + days * DAY - 60_000;
}
