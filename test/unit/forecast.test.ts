import { describe, expect, it } from 'vitest';
import { backtestPeriods, seasonalNaiveMae } from '../../src/forecast/backtest.js';
import { combinationWeights, intervalQuantiles } from '../../src/forecast/calibrate.js';
import { forecastSeries } from '../../src/forecast/forecast.js';
import { holtWinters } from '../../src/forecast/holt-winters.js';
import { runRate } from '../../src/forecast/methods.js';
import { periodPoint } from '../../src/forecast/period.js';
import { fitSeasonal, seasonalForecast, weeklyProfile } from '../../src/forecast/seasonal.js';
import { SpikeAllowance } from '../../src/forecast/spikes.js';
import { rng } from '../generators/history.js';

const week = [100, 110, 105, 120, 115, 40, 30];
const weeks = (n: number, f: (d: number) => number = () => 1) => Array.from({ length: n * 7 }, (_, d) => (week[d % 7] as number) * f(d));
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe('forecast methods', () => {
  it('run-rate holds the mean of the last seven days', () => {
    expect(runRate([1, 2, 3, 4, 5, 6, 7, 8], 3)).toEqual([5, 5, 5]);
  });

  it('the weekday profile of a clean weekly pattern is the pattern over its mean, aligned to the first forecast day', () => {
    const mean = sum(week) / 7;
    // 8 weeks end on the last weekday of `week`, so forecast day 0 is week[0].
    weeklyProfile(weeks(8), 12).forEach((p, slot) => expect(p).toBeCloseTo((week[slot] as number) / mean, 9));
  });

  it('the seasonal method repeats a clean weekly pattern exactly (nothing to add for spikes)', () => {
    const history = weeks(8);
    expect(new SpikeAllowance(history).at(history.length)).toBeCloseTo(1, 12);
    seasonalForecast(history, 9, 1).forEach((v, h) => expect(v).toBeCloseTo(week[h % 7] as number, 6));
  });

  it('continues a steady 1% daily growth, damped by 0.95 a day', () => {
    const history = Array.from({ length: 70 }, (_, d) => 100 * 1.01 ** d);
    const last = history[69] as number;
    const f = seasonalForecast(history, 2, 1);
    // Level at the last day, then the trend for 0.95 days, then for 0.95 + 0.9025.
    expect(f[0]).toBeCloseTo(last * 1.01 ** 0.95, 6);
    expect(f[1]).toBeCloseTo(last * 1.01 ** 1.8525, 6);
  });

  it('re-bases after a level shift: the forecast is the new level', () => {
    const history = [...new Array<number>(60).fill(100), ...new Array<number>(8).fill(200)];
    const fit = fitSeasonal(history);
    expect(fit.shift).toBe(60);
    seasonalForecast(history, 7, 1).forEach((v) => expect(v).toBeCloseTo(200, 6));
  });

  it('forecasts the expected day, spikes included: a flat $100 with every tenth day at $300 forecasts $100 × (1 + 2 × spike share)', () => {
    const history = Array.from({ length: 84 }, (_, d) => (d % 10 === 5 ? 300 : 100));
    // Days with ten days on both sides: 10…73; spike days among them: 15, 25, …, 65 (6 of 64).
    const allowance = new SpikeAllowance(history).at(84);
    expect(allowance).toBeCloseTo(1 + (2 * 6) / 64, 12);
    seasonalForecast(history, 5, allowance).forEach((v) => expect(v).toBeCloseTo(100 * allowance, 6));
  });

  it('Holt-Winters learns a weekly pattern on a trend and is not lifted by a spike', () => {
    const history = weeks(8, (d) => 1.005 ** d);
    history[50] = (history[50] as number) * 5;
    const f = holtWinters(history, 7, 1);
    const truth = Array.from({ length: 7 }, (_, i) => (week[i] as number) * 1.005 ** (56 + i));
    expect(Math.abs(sum(f) - sum(truth)) / sum(truth)).toBeLessThan(0.05);
    expect(Math.max(f[5] as number, f[6] as number)).toBeLessThan(0.5 * Math.min(...f.slice(0, 5)));
  });
});

describe('calibration', () => {
  it('combination weights minimise the absolute error of the period total', () => {
    // Opposite errors cancel in equal parts; a method with no error takes all the weight.
    expect(
      combinationWeights([
        [1, -1, 1, -1],
        [-1, 1, -1, 1],
      ]),
    ).toEqual([0.5, 0.5]);
    expect(
      combinationWeights([
        [0.1, 0.2, -0.1],
        [0, 0, 0],
        [0.3, 0.3, 0.3],
      ]),
    ).toEqual([0, 1, 0]);
  });

  it('interval quantiles are the conformal ranks for the number of independent outcomes', () => {
    const errors = [9, 1, 8, 2, 7, 3, 6, 4, 5];
    // m = 9: lower at share 10 × 0.1 / 9 = 0.111 of the way (1 + 0.889 × 1), upper at share 1 (the largest).
    const [lo, hi] = intervalQuantiles(errors, 0.8);
    expect(lo).toBeCloseTo(1 + 8 / 9, 12);
    expect(hi).toBe(9);
    // Fewer independent outcomes widen it: m = 3 takes the extremes.
    expect(intervalQuantiles(errors, 0.8, 3)).toEqual([1 + 8 * ((4 * 0.1) / 3), 9]);
  });

  it('the MASE scale is the mean absolute same-weekday change', () => {
    expect(seasonalNaiveMae([1, 1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1])).toBeCloseTo(2 / 7, 12);
  });
});

describe('forecastSeries', () => {
  /** Noisy weekly series of 84 days, each at its own level. */
  const noisy = (count: number, seed: number) => {
    const r = rng(seed);
    return Array.from({ length: count }, (_, k) =>
      weeks(12, () => (1 + k) * Math.exp(0.2 * Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r()))),
    );
  };
  const point = { days: 14, fraction: 0.5, elapsed: 16 };

  it('gives each series an interval around its total, calibrated on all series pooled, and a back-test per method', () => {
    const results = forecastSeries(noisy(20, 1), point, 'auto', 0.8);
    // Each group's interval holds at least the share of its own back-tests that the pooled quantiles
    // held of its scaled errors (it is widened to include the point), so over all groups at least the
    // pooled coverage.
    let held = 0;
    let origins = 0;
    for (const f of results) {
      held += (f?.calibration?.groupCoverage as number) * (f?.calibration?.groupOrigins as number);
      origins += f?.calibration?.groupOrigins as number;
    }
    expect(held / origins).toBeGreaterThanOrEqual((results[0]?.calibration?.coverage as number) - 1e-12);
    for (const f of results) {
      expect(f).toBeDefined();
      if (!f) continue;
      expect(f.daily).toHaveLength(14);
      expect(f.total).toBeCloseTo(sum(f.daily), 9);
      expect(f.lower).toBeLessThan(f.total);
      expect(f.upper).toBeGreaterThan(f.total);
      expect(sum(Object.values(f.weights))).toBeCloseTo(1, 9);
      expect(Object.keys(f.backtest.methods).sort()).toEqual(['auto', 'holt-winters', 'run-rate', 'seasonal']);
      expect(f.backtest.origins).toBeGreaterThanOrEqual(10);
      // 20 series × the origins of each, pooled; the calibrated interval held about the level asked for.
      expect(f.calibration?.origins).toBe(20 * f.backtest.origins);
      expect(f.calibration?.coverage).toBeGreaterThan(0.75);
      // The group's own back-tests: the same origins as its back-test of the methods.
      expect(f.calibration?.groupOrigins).toBe(f.backtest.origins);
      expect(f.calibration?.groupCoverage).toBeGreaterThanOrEqual(0);
      expect(f.calibration?.groupCoverage).toBeLessThanOrEqual(1);
    }
  });

  it('a wider level gives a wider interval; a single method is used alone', () => {
    const series = noisy(10, 2);
    const narrow = forecastSeries(series, point, 'seasonal', 0.5)[0];
    const wide = forecastSeries(series, point, 'seasonal', 0.95)[0];
    expect(narrow?.weights).toEqual({ seasonal: 1 });
    expect((wide?.upper as number) - (wide?.lower as number)).toBeGreaterThan((narrow?.upper as number) - (narrow?.lower as number));
  });

  it('gives no interval where nothing calibrates it, and nothing where the method lacks history', () => {
    const [short] = forecastSeries([weeks(2)], point, 'auto', 0.8);
    expect(short?.weights).toEqual({ seasonal: 0.5, 'run-rate': 0.5 });
    expect(Number.isNaN(short?.lower)).toBe(true);
    expect(short?.calibration).toBeUndefined();
    expect(forecastSeries([weeks(2)], point, 'holt-winters', 0.8)).toEqual([undefined]);
  });
});

describe('periodPoint', () => {
  it('counts the days left (today included), the share of today left, and the whole days gone', () => {
    const at = Date.parse('2026-11-21T18:00:00Z');
    const { point, days } = periodPoint({
      at,
      periodStart: Date.parse('2026-11-01T00:00:00Z'),
      periodEnd: Date.parse('2026-12-01T00:00:00Z'),
      zone: 'UTC',
    });
    expect(point).toEqual({ days: 10, fraction: 0.25, elapsed: 20 });
    expect(days[0]).toBe(Date.parse('2026-11-21T00:00:00Z'));
    expect(days[9]).toBe(Date.parse('2026-11-30T00:00:00Z'));
  });
});

describe('backtestPeriods', () => {
  it('scores every day of every whole period: a clean weekly series is forecast without error', () => {
    // 63 days in 3 "periods" of 21 days; every method is scored from 21 days of history on: days 21…62.
    const series = [weeks(9)];
    const b = backtestPeriods({
      series,
      periodOf: (d) => ({ start: d - (d % 21), end: d - (d % 21) + 21 }),
      methods: ['seasonal', 'run-rate'],
      level: 0.8,
    });
    const [seasonal, rr] = b.groups[0] as [any, any];
    expect(rr.origins).toBe(42);
    expect(seasonal.origins).toBe(42);
    expect(seasonal.error).toBeLessThan(1e-9);
    expect(rr.error).toBeGreaterThan(0.01);
    expect(b.pooled).toEqual(b.groups[0]);
  });
});
