import { isoTime } from '../../ledger/time.js';
import { csvText, neutralise } from '../csv.js';
import { femtoDecimal } from '../format.js';
import { type BudgetView, percent } from './view.js';

const HEADER = [
  'budget',
  'instance',
  'scope',
  'period',
  'period_start',
  'period_end',
  'spent',
  'limit',
  'used_percent',
  'forecast',
  'forecast_lower',
  'forecast_upper',
  'exhaustion',
  'status',
  'fails',
  'currency',
];

export function renderBudgetCsv(view: BudgetView): string {
  const rows = view.results.map((r) => [
    neutralise(r.budget),
    neutralise(r.instance),
    neutralise(r.scope),
    r.period.label,
    isoTime(r.period.start),
    isoTime(r.period.end),
    femtoDecimal(r.spent, 6),
    r.burn ? '' : femtoDecimal(r.limit, 6),
    r.burn ? '' : percent(r.spent, r.limit).toFixed(2),
    r.forecast ? r.forecast.total.toFixed(6) : '',
    r.forecast ? r.forecast.lower.toFixed(6) : '',
    r.forecast ? r.forecast.upper.toFixed(6) : '',
    r.exhaustion === undefined ? '' : isoTime(r.exhaustion),
    r.status,
    r.fails ? 'true' : 'false',
    view.currency,
  ]);
  return csvText([HEADER, ...rows]);
}
