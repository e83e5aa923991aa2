import type { ForecastReport } from '../../forecast/groups.js';
import { isoTime } from '../../ledger/time.js';
import { femtoJson, round6 } from '../format.js';

export function forecastJson(r: ForecastReport): object {
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
      forecast: g.forecast
        ? {
            method: g.forecast.method,
            total: round6(g.forecast.total),
            lower: round6(g.forecast.lower),
            upper: round6(g.forecast.upper),
            level: g.forecast.level,
          }
        : null,
      exhaustion: g.exhaustion === undefined ? null : isoTime(g.exhaustion),
      budgetOutcome: g.budgetOutcome ?? null,
      findings: g.findings,
    })),
  };
}

export function renderForecastJson(r: ForecastReport): string {
  return `${JSON.stringify(forecastJson(r), null, 2)}\n`;
}
