import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { ForecastReport } from '../../forecast/groups.js';
import { spendChart } from '../chart.js';
import { estimateText } from '../format.js';
import type { RenderOptions } from '../options.js';
import { calibrationNote, forecastCells, forecastHead, heading } from './view.js';
import { terminalCell } from '../../text.js';

/** Period-end forecast per group; on a terminal, a chart of the total under the table. */
export function renderForecastTable(r: ForecastReport, options: RenderOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const table = new Table({
    head: forecastHead(r).map((h) => chalk.bold(h)),
    colAligns: ['left', 'right', 'right', 'right', 'left', 'right', 'left'],
    style: { head: [], border: [], compact: true },
  });
  for (const g of r.groups) table.push(forecastCells(r, g).map((c, i) => (i === 0 ? terminalCell(c) : c)));
  const out = [chalk.bold(heading(r)), table.toString()];
  const note = calibrationNote(r);
  if (note) out.push(note);
  if (options.chart && r.history.length > 0) {
    out.push('', spendChart(r.history, r.future, r.band, { width: options.width, label: (v) => estimateText(v, r.currency) }));
  }
  return `${out.join('\n')}\n`;
}
