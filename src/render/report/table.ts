import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { CostReport } from '../../cost/report.js';
import { formatLocal, formatMoney, formatTokens, stripAnsi } from '../format.js';
import type { RenderOptions } from '../options.js';
import { type CellValue, type Column, describeWindow, reportColumns, tabulate, visibleColumns } from './columns.js';
import { terminalCell } from '../../text.js';
import { describeFx } from '../../pricing/fx.js';

/** A terminal table: one row per group, a totals row, money right-aligned with its currency. */
export function renderReportTable(report: CostReport, options: RenderOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const { rows, totals } = tabulate(report, options.decimals ?? 2);
  const text = (col: Column, v: CellValue): string => {
    if (v === null) return col.kind === 'money' && !col.tokenType ? chalk.yellow('unpriced') : '';
    if (col.kind === 'tokens') return formatTokens(v as number);
    if (col.kind === 'money') return formatMoney(v as string, report.currency);
    if (col.kind === 'time') return formatLocal(Date.parse(v as string), report.timezone);
    return v === '' ? chalk.dim('(none)') : terminalCell(String(v));
  };
  const widthOf = (col: Column) =>
    Math.max(
      col.header.length,
      ...rows.map((r) => stripAnsi(text(col, r[col.key] ?? null)).length),
      stripAnsi(text(col, totals[col.key] ?? null)).length,
    );
  const cols = visibleColumns(report, reportColumns(report), options.width, widthOf);
  const table = new Table({
    head: cols.map((c) => chalk.bold(c.header)),
    colAligns: cols.map((c) => (c.kind === 'tokens' || c.kind === 'money' ? 'right' : 'left')),
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const r of rows) table.push(cols.map((c) => text(c, r[c.key] ?? null)));
  if (rows.length > 1) {
    const first = cols.findIndex((c) => c.kind === 'tokens' || c.kind === 'money');
    table.push(
      cols.map((c, i) => {
        if (i === 0) return chalk.bold('Total');
        if (i < first) return '';
        return chalk.bold(text(c, totals[c.key] ?? null));
      }),
    );
  }
  const lines = [chalk.bold(`Cost report · ${describeWindow(report)}`)];
  if (rows.length === 0) lines.push('No usage in this window.');
  else lines.push(table.toString());
  if (report.totals.unpricedTokens > 0) {
    lines.push(chalk.yellow(`${formatTokens(report.totals.unpricedTokens)} tokens are unpriced and not in the total.`));
  }
  if (report.fx) lines.push(chalk.dim(`${terminalCell(describeFx(report.fx)).replace(/^a/, 'A')}.`));
  return `${lines.join('\n')}\n`;
}
