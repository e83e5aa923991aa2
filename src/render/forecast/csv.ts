import type { ForecastReport } from '../../forecast/groups.js';
import { isoTime } from '../../ledger/time.js';
import { csvText, neutralise } from '../csv.js';
import { femtoDecimal } from '../format.js';
import { backtestError } from './view.js';

export function renderForecastCsv(r: ForecastReport): string {
  const header = [
    'period',
    'period_start',
    'period_end',
    ...r.by,
    'spent',
    'forecast',
    'forecast_lower',
    'forecast_upper',
    'method',
    'exhaustion',
    'currency',
    'backtest_error',
    'weights',
  ];
  const rows = r.groups.map((g) => [
    r.period.label,
    isoTime(r.period.start),
    isoTime(r.period.end),
    ...r.by.map((d) => neutralise(g.group[d] ?? '')),
    femtoDecimal(g.spent, 6),
    g.forecast ? g.forecast.total.toFixed(6) : '',
    g.forecast ? g.forecast.lower.toFixed(6) : '',
    g.forecast ? g.forecast.upper.toFixed(6) : '',
    g.forecast?.method ?? '',
    g.exhaustion === undefined ? '' : isoTime(g.exhaustion),
    r.currency,
    backtestError(g.forecast)?.toFixed(6) ?? '',
    g.forecast
      ? Object.entries(g.forecast.weights)
          .map(([m, w]) => `${m}=${w.toFixed(4)}`)
          .join(';')
      : '',
  ]);
  return csvText([header, ...rows]);
}
