import { describe, expect, it } from 'vitest';
import { backtest } from '../../src/forecast/backtest.js';
import { forecastDaily } from '../../src/forecast/forecast.js';
import { holtWinters, runRate, seasonalProfile } from '../../src/forecast/methods.js';

const week = [100, 110, 105, 120, 115, 40, 30];
const weeks = (n: number, f: (d: number) => number = () => 1) => Array.from({ length: n * 7 }, (_, d) => (week[d % 7] as number) * f(d));

describe('forecast methods', () => {
  it('run-rate holds the mean of the last seven days', () => {
    expect(runRate([1, 2, 3, 4, 5, 6, 7, 8], 3)).toEqual([5, 5, 5]);
  });

  it('the seasonal profile repeats a clean weekly pattern exactly, weekday aligned', () => {
    const f = seasonalProfile(weeks(6), 9);
    f.forEach((v, i) => expect(v).toBeCloseTo(week[i % 7] as number, 9));
  });

  it('the seasonal profile ignores one spike day', () => {
    const history = weeks(6);
    history[history.length - 3] = 5000;
    const f = seasonalProfile(history, 7);
    expect(f[4]).toBeCloseTo(week[4] as number, 6);
  });

  it('the seasonal profile follows a level shift four weeks back', () => {
    const f = seasonalProfile(
      weeks(6, (d) => (d >= 14 ? 2 : 1)),
      7,
    );
    expect(f[0]).toBeGreaterThan(1.5 * (week[0] as number));
  });

  it('Holt-Winters learns a weekly pattern on a trend: the week total, and weekends low', () => {
    const f = holtWinters(
      weeks(8, (d) => 1 + d / 100),
      7,
    );
    const truth = Array.from({ length: 7 }, (_, i) => (week[i] as number) * (1 + (56 + i) / 100));
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(Math.abs(sum(f) - sum(truth)) / sum(truth)).toBeLessThan(0.05);
    expect(Math.max(f[5] as number, f[6] as number)).toBeLessThan(0.6 * Math.min(...f.slice(0, 5)));
  });
});

describe('forecastDaily', () => {
  it('gives an interval that contains the point forecast, and none with too few origins', () => {
    const noisy = weeks(8, (d) => 1 + 0.2 * Math.sin(d * 1.7));
    const f = forecastDaily(noisy, 30, 'auto', 0.8);
    expect(f.lower).toBeLessThan(f.total);
    expect(f.upper).toBeGreaterThan(f.total);
    expect(f.origins).toBeGreaterThanOrEqual(5);
    const short = forecastDaily(weeks(1), 30, 'run-rate', 0.8);
    expect(Number.isNaN(short.lower)).toBe(true);
    expect(short.total).toBeCloseTo(30 * (week.reduce((a, b) => a + b, 0) / 7), 9);
  });

  it('a wider level gives a wider interval', () => {
    const noisy = weeks(8, (d) => 1 + 0.3 * Math.sin(d * 2.3));
    const narrow = forecastDaily(noisy, 14, 'seasonal', 0.5);
    const wide = forecastDaily(noisy, 14, 'seasonal', 0.95);
    expect(wide.upper - wide.lower).toBeGreaterThan(narrow.upper - narrow.lower);
  });
});

describe('backtest', () => {
  it('scores a seasonal series: the seasonal profile beats run-rate on MASE', () => {
    const b = backtest(
      weeks(9, (d) => 1 + 0.05 * Math.sin(d)),
      7,
      0.8,
      ['run-rate', 'seasonal'],
    );
    const [rr, seasonal] = b.rows;
    expect(rr?.origins).toBe(63 - 21 - 7 + 1);
    expect((seasonal?.mase as number) < (rr?.mase as number)).toBe(true);
  });
});
