import type { BudgetResult } from '../../budget/evaluate.js';
import { terminalCell } from '../../text.js';
import { formatDay, formatLocal, moneyText } from '../format.js';
import { type Cell, hiddenNote, type LayoutColumn, renderTable } from '../layout.js';
import type { RenderOptions } from '../options.js';
import { painter, type Style, wrap } from '../terminal.js';
import { byStatus, type BudgetView, forecastText, percent, usedSentence } from './view.js';

// On a narrow terminal: the remaining amount (limit minus spent) goes first; the day it runs out,
// the forecast and the period move to a line under each budget; then the scope goes, long
// budget names are cut, and the limit goes last.
const COLUMNS: readonly LayoutColumn[] = [
  { header: 'Budget', shrinkTo: 16, cut: 'middle' },
  { header: 'Scope', priority: 30, shrinkTo: 10 },
  { header: 'Period', priority: 20, fold: true, foldHeader: '' },
  { header: 'Spent', align: 'right' },
  { header: 'Limit', align: 'right', priority: 110 },
  { header: 'Used', align: 'right' },
  { header: 'Remaining', narrowHeader: 'Left', align: 'right', priority: 5 },
  { header: 'Forecast (interval)', narrowHeader: 'Forecast', align: 'right', priority: 15, fold: true, foldHeader: 'forecast' },
  { header: 'Runs out', priority: 10, fold: true, foldHeader: 'runs out' },
  { header: 'Status' },
];

const STYLE: Record<BudgetResult['status'], Style> = {
  ok: 'green',
  warn: 'yellow',
  breached: ['red', 'bold'],
  'breached-by-forecast': 'red',
  'no-data': 'magenta',
  incomplete: 'magenta',
  stale: 'magenta',
};

function cells(r: BudgetResult, view: BudgetView): Cell[] {
  const { currency, timezone } = view;
  return [
    r.instance,
    r.scope,
    `${r.period.label}: ${formatLocal(r.period.start, timezone)} → ${formatLocal(r.period.end, timezone)}`,
    moneyText(r.spent, currency),
    r.burn ? `×${r.burn.factor}` : moneyText(r.limit, currency),
    r.burn ? r.burn.windows.map((w) => `${w.ratio.toFixed(1)}×/${w.window}`).join(' ') : `${percent(r.spent, r.limit).toFixed(0)}%`,
    r.burn ? '' : r.spent > r.limit ? `−${moneyText(r.spent - r.limit, currency)}` : moneyText(r.limit - r.spent, currency),
    forecastText(r, currency),
    r.exhaustion === undefined ? '' : formatDay(r.exhaustion, timezone),
    { text: r.status, style: STYLE[r.status] },
  ];
}

/** One row per budget, fitted to the width, then one line per budget that is not ok. */
export function renderBudgetTable(view: BudgetView, options: RenderOptions): string {
  const paint = painter(options.color);
  const table = renderTable({ columns: COLUMNS, rows: view.results.map((r) => cells(r, view)), width: options.width, paint });
  const lines = [paint('bold', `Budgets at ${formatLocal(view.at, view.timezone)} ${view.timezone}`), ...table.lines];
  if (table.hidden.length > 0) lines.push(...wrap(hiddenNote(table.hidden, options.width), options.width).map((l) => paint('dim', l)));
  for (const r of byStatus(view.results)) {
    if (r.status === 'ok') continue;
    const [first = '', ...rest] = wrap(
      terminalCell(`${r.status.padEnd(20)} ${r.instance}: ${usedSentence(r, view.currency)}`),
      options.width,
      { indent: 21 },
    );
    lines.push(paint(STYLE[r.status], first.slice(0, 20)) + first.slice(20), ...rest);
  }
  return `${lines.join('\n')}\n`;
}
