import type { ForecastReport } from '../../forecast/groups.js';
import { spendChart } from '../chart.js';
import { estimateText } from '../format.js';
import { hiddenNote, type LayoutColumn, renderTable } from '../layout.js';
import type { RenderOptions } from '../options.js';
import { painter, wrap } from '../terminal.js';
import { forecastCells, forecastHead, heading } from './view.js';

// On a narrow terminal the method goes first, then the interval; the group label is cut.
const PRIORITY = [undefined, undefined, undefined, 20, 10, 30];

/** Period-end forecast per group, fitted to the width; on a terminal, a chart of the total under the table. */
export function renderForecastTable(r: ForecastReport, options: RenderOptions): string {
  const paint = painter(options.color);
  const columns: LayoutColumn[] = forecastHead(r).map((header, i) => ({
    header,
    align: i === 0 || i === 4 ? 'left' : 'right',
    ...(PRIORITY[i] === undefined ? {} : { priority: PRIORITY[i] }),
    ...(i === 0 ? { shrinkTo: 12 } : {}),
  }));
  const table = renderTable({ columns, rows: r.groups.map((g) => forecastCells(r, g)), width: options.width, paint });
  const out = [...wrap(heading(r), options.width, { indent: 2 }).map((l) => paint('bold', l)), ...table.lines];
  if (table.hidden.length > 0) out.push(...wrap(hiddenNote(table.hidden, options.width), options.width).map((l) => paint('dim', l)));
  if (options.chart && r.history.length > 0) {
    out.push('', spendChart(r.history, r.future, r.band, { width: options.width, label: (v) => estimateText(v, r.currency) }));
  }
  return `${out.join('\n')}\n`;
}
