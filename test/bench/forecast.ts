import { seasonalNaiveMae } from '../../src/forecast/backtest.js';
import { forecastDaily, type MethodChoice } from '../../src/forecast/forecast.js';
import { runRate } from '../../src/forecast/methods.js';
import { spendSeriesWithMeans } from '../generators/spend.js';

export interface ForecastQuality {
  series: number;
  maseBaseline: number;
  maseOurs: number;
  /** A forecast that knows each day's true expected value: the floor for any method. */
  maseOracle: number;
  coverage: number;
  totalErrorBaseline: number;
  totalErrorOurs: number;
  methods: Record<string, number>;
}

/**
 * Back-test on generated series: 84 days of history, then the next `horizon` days. MASE of the
 * daily values (first 7 days) against a run-rate baseline, and how often the `level` interval
 * of the `horizon`-day total held the actual total.
 */
export function forecastQuality(count = 240, horizon = 30, level = 0.8, method: MethodChoice = 'auto', seed = 42): ForecastQuality {
  const all = spendSeriesWithMeans(count, 84 + horizon, seed);
  let maseB = 0;
  let maseO = 0;
  let maseX = 0;
  let covered = 0;
  let errB = 0;
  let errO = 0;
  const methods: Record<string, number> = {};
  for (const { values: s, means } of all) {
    const history = s.slice(0, 84);
    const future = s.slice(84);
    const oracle = means.slice(84);
    const scale = seasonalNaiveMae(history);
    const ours = forecastDaily(history, horizon, method, level);
    const base = runRate(history, horizon);
    methods[ours.method] = (methods[ours.method] ?? 0) + 1;
    let aB = 0;
    let aO = 0;
    let aX = 0;
    for (let i = 0; i < 7; i++) {
      aX += Math.abs((future[i] as number) - (oracle[i] as number));
      aB += Math.abs((future[i] as number) - (base[i] as number));
      aO += Math.abs((future[i] as number) - (ours.daily[i] as number));
    }
    maseB += aB / 7 / scale;
    maseO += aO / 7 / scale;
    maseX += aX / 7 / scale;
    const actual = future.reduce((a, b) => a + b, 0);
    if (actual >= ours.lower && actual <= ours.upper) covered++;
    const baseTotal = base.reduce((a, b) => a + b, 0);
    errB += Math.abs(actual - baseTotal) / actual;
    errO += Math.abs(actual - ours.total) / actual;
  }
  return {
    series: count,
    maseBaseline: maseB / count,
    maseOurs: maseO / count,
    maseOracle: maseX / count,
    coverage: covered / count,
    totalErrorBaseline: errB / count,
    totalErrorOurs: errO / count,
    methods,
  };
}
