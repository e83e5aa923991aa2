import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { BudgetResult } from '../../budget/evaluate.js';
import { formatDay, formatLocal, moneyText } from '../format.js';
import type { RenderOptions } from '../options.js';
import { byStatus, type BudgetView, forecastText, percent, usedSentence } from './view.js';
import { terminalCell } from '../../text.js';

function cells(r: BudgetResult, view: BudgetView): string[] {
  const { currency, timezone } = view;
  return [
    terminalCell(r.instance),
    terminalCell(r.scope),
    `${r.period.label}: ${formatLocal(r.period.start, timezone)} → ${formatLocal(r.period.end, timezone)}`,
    moneyText(r.spent, currency),
    r.burn ? `×${r.burn.factor}` : moneyText(r.limit, currency),
    r.burn ? r.burn.windows.map((w) => `${w.ratio.toFixed(1)}×/${w.window}`).join(' ') : `${percent(r.spent, r.limit).toFixed(0)}%`,
    r.burn ? '' : r.spent > r.limit ? `−${moneyText(r.spent - r.limit, currency)}` : moneyText(r.limit - r.spent, currency),
    forecastText(r, currency),
    r.exhaustion === undefined ? '' : formatDay(r.exhaustion, timezone),
  ];
}

/** One row per budget, then one line per budget that is not ok. */
export function renderBudgetTable(view: BudgetView, options: RenderOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const paint: Record<BudgetResult['status'], (s: string) => string> = {
    ok: chalk.green,
    warn: chalk.yellow,
    breached: chalk.red.bold,
    'breached-by-forecast': chalk.red,
    'no-data': chalk.magenta,
    incomplete: chalk.magenta,
    stale: chalk.magenta,
  };
  const table = new Table({
    head: ['Budget', 'Scope', 'Period', 'Spent', 'Limit', 'Used', 'Remaining', 'Forecast (interval)', 'Runs out', 'Status'].map((h) =>
      chalk.bold(h),
    ),
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
    style: { head: [], border: [], compact: true },
  });
  for (const r of view.results) table.push([...cells(r, view), paint[r.status](r.status)]);
  const lines = [chalk.bold(`Budgets at ${formatLocal(view.at, view.timezone)} ${view.timezone}`), table.toString()];
  for (const r of byStatus(view.results))
    if (r.status !== 'ok')
      lines.push(`${paint[r.status](r.status.padEnd(20))} ${terminalCell(r.instance)}: ${usedSentence(r, view.currency)}`);
  return `${lines.join('\n')}\n`;
}
