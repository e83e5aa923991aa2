import { forecastAt, prepare, type SeriesForecast } from './forecast.js';
import { METHODS, MIN_HISTORY } from './methods.js';
import type { MethodChoice } from './settings.js';

/** How one method did over a back-test. */
export interface MethodScore {
  method: MethodChoice;
  /** Mean absolute error of the period total, as a share of it. */
  error: number;
  /** Mean signed error of the period total, as a share of it (positive: forecasts ran high). */
  bias: number;
  /** Mean absolute daily error over the rest of the period, scaled by the in-sample seasonal naive (m = 7). */
  mase: number;
  /** Share of period totals inside the interval (of the origins that had one). */
  coverage: number;
  origins: number;
}

export interface Backtest {
  level: number;
  /** Days of history the back-test read, and each group's scores (same order as the input). */
  days: number;
  groups: MethodScore[][];
  /** Every group's origins together. */
  pooled: MethodScore[];
}

export interface BacktestInput {
  /** Daily spend of each group over the same days (oldest first, the last one yesterday); 0 before a group's first spend. */
  series: readonly (readonly number[])[];
  /** The days [start, end) of the period that contains day `day` (indices into the series). */
  periodOf: (day: number) => { start: number; end: number };
  methods: readonly MethodChoice[];
  level: number;
}

const SEASON = 7;
/** Origins with the history every method needs (Holt-Winters: three weeks). */
const COMMON_ORIGIN = Math.max(...METHODS.map((m) => MIN_HISTORY[m]));

/** In-sample mean absolute error of the seasonal naive forecast (m = 7) over `history[0…end)`: the MASE scale. */
export function seasonalNaiveMae(history: readonly number[], end = history.length): number {
  let sum = 0;
  for (let i = SEASON; i < end; i++) sum += Math.abs((history[i] as number) - (history[i - SEASON] as number));
  return end > SEASON ? sum / (end - SEASON) : Number.NaN;
}

interface Tally {
  abs: number;
  signed: number;
  mase: number;
  maseCount: number;
  covered: number;
  withInterval: number;
  origins: number;
}

const empty = (): Tally => ({ abs: 0, signed: 0, mase: 0, maseCount: 0, covered: 0, withInterval: 0, origins: 0 });

function scoreOf(method: MethodChoice, t: Tally): MethodScore {
  const n = t.origins;
  return {
    method,
    error: n > 0 ? t.abs / n : Number.NaN,
    bias: n > 0 ? t.signed / n : Number.NaN,
    mase: t.maseCount > 0 ? t.mase / t.maseCount : Number.NaN,
    coverage: t.withInterval > 0 ? t.covered / t.withInterval : Number.NaN,
    origins: n,
  };
}

/** Adds one forecast of one group's period total to its tally and the pooled one. */
function record(tallies: Tally[], history: readonly number[], o: number, f: SeriesForecast, spent: number, actual: number): void {
  const total = spent + f.total;
  const scale = seasonalNaiveMae(history, o);
  let mae = 0;
  f.daily.forEach((v, h) => (mae += Math.abs((history[o + h] as number) - v)));
  for (const t of tallies) {
    t.origins++;
    t.abs += Math.abs(total - actual) / actual;
    t.signed += (total - actual) / actual;
    if (scale > 0) {
      t.mase += mae / f.daily.length / scale;
      t.maseCount++;
    }
    if (Number.isFinite(f.lower)) {
      t.withInterval++;
      if (actual >= spent + f.lower && actual <= spent + f.upper) t.covered++;
    }
  }
}

/**
 * Rolls the forecast origin over every day of the history whose period ended inside it: from each
 * such day, each method forecasts that period's total from what came before (back-tests of its own
 * included, for `auto`'s weights and the interval), and is scored on what the total was. Every
 * method is scored on the same origins (three weeks of a group's history on).
 */
export function backtestPeriods(input: BacktestInput): Backtest {
  const days = input.series[0]?.length ?? 0;
  const firsts = input.series.map((s) => s.findIndex((v) => v > 0));
  const histories = input.series.map((s, g) => ((firsts[g] as number) < 0 ? [] : s.slice(firsts[g])));
  let longest = 0;
  for (let t = 0; t < days; t++) {
    const { start, end } = input.periodOf(t);
    if (start >= 0 && end <= days) longest = Math.max(longest, end - t);
  }
  const prepared = prepare(histories, 'auto', Math.max(1, longest), (n) => range(MIN_HISTORY['run-rate'], n));
  const tallies = input.series.map(() => input.methods.map(empty));
  const pooled = input.methods.map(empty);
  for (let t = 1; t < days; t++) {
    const { start, end } = input.periodOf(t);
    if (end > days || start < 0) continue;
    const point = { days: end - t, fraction: 1, elapsed: t - start };
    input.methods.forEach((method, m) => {
      const results = forecastAt(prepared, point, days - t, method, input.level);
      results.forEach((f, g) => {
        const o = t - (firsts[g] as number);
        // Every method is scored on the same origins: those from which each of them could forecast.
        if (!f || (firsts[g] as number) < 0 || o < COMMON_ORIGIN) return;
        const spent = sum(input.series[g] as number[], start, t);
        const actual = spent + sum(input.series[g] as number[], t, end);
        if (actual > 0) record([(tallies[g] as Tally[])[m] as Tally, pooled[m] as Tally], histories[g] as number[], o, f, spent, actual);
      });
    });
  }
  return {
    level: input.level,
    days,
    groups: tallies.map((ts) => ts.map((t, m) => scoreOf(input.methods[m] as MethodChoice, t))),
    pooled: pooled.map((t, m) => scoreOf(input.methods[m] as MethodChoice, t)),
  };
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

function sum(xs: readonly number[], from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += xs[i] as number;
  return s;
}
