import type { ForecastReport } from '../../forecast/groups.js';
import { isoTime } from '../../ledger/time.js';
import type { PeriodForecast } from '../../forecast/period.js';
import { femtoJson, round6 } from '../format.js';

const scoreJson = (x: { error: number; bias: number }) => ({ error: round6(x.error), bias: round6(x.bias) });

/**
 * One group's forecast: the method (with `auto`, each method's weight), the period total and its
 * interval, the back-test at this point of the period (error and bias of the period total for each
 * method and the combination, over `origins` origins), and what the interval was calibrated on.
 */
export function forecastJson(f: PeriodForecast): object {
  const used = f.backtest?.methods[f.method as keyof typeof f.backtest.methods];
  return {
    method: f.method,
    weights: Object.fromEntries(Object.entries(f.weights).map(([m, w]) => [m, round6(w)])),
    total: round6(f.total),
    lower: round6(f.lower),
    upper: round6(f.upper),
    level: f.level,
    backtest: f.backtest
      ? {
          origins: f.backtest.origins,
          error: used ? round6(used.error) : null,
          bias: used ? round6(used.bias) : null,
          methods: Object.fromEntries(Object.entries(f.backtest.methods).map(([m, x]) => [m, scoreJson(x)])),
        }
      : null,
    calibration: f.calibration
      ? {
          origins: f.calibration.origins,
          coverage: round6(f.calibration.coverage),
          groupOrigins: f.calibration.groupOrigins,
          groupCoverage: round6(f.calibration.groupCoverage),
        }
      : null,
  };
}

export function forecastReportJson(r: ForecastReport): object {
  return {
    schemaVersion: 1,
    at: isoTime(r.at),
    timezone: r.timezone,
    currency: r.currency,
    period: { label: r.period.label, start: isoTime(r.period.start), end: isoTime(r.period.end) },
    groupBy: r.by,
    budget: r.budget === undefined ? null : Number(r.budget),
    groups: r.groups.map((g) => ({
      group: g.group,
      spent: femtoJson(g.spent),
      forecast: g.forecast ? forecastJson(g.forecast) : null,
      exhaustion: g.exhaustion === undefined ? null : isoTime(g.exhaustion),
      budgetOutcome: g.budgetOutcome ?? null,
      findings: g.findings,
    })),
  };
}

export function renderForecastJson(r: ForecastReport): string {
  return `${JSON.stringify(forecastReportJson(r), null, 2)}\n`;
}
