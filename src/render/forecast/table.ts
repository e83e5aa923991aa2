import type { ForecastReport } from '../../forecast/groups.js';
import { spendChart } from '../chart.js';
import { estimateText } from '../format.js';
import { hiddenNote, type LayoutColumn, renderTable } from '../layout.js';
import type { RenderOptions } from '../options.js';
import { painter, wrap } from '../terminal.js';
import { calibrationNote, forecastCells, forecastHead, heading } from './view.js';

// On a narrow terminal the method and then the back-test error move to a line under their row,
// then the interval goes, then the budget date; the group label is cut.
const PRIORITY = [undefined, undefined, undefined, 20, 10, 15, 30];
const FOLD = [false, false, false, false, true, true, false];

/** Period-end forecast per group, fitted to the width; on a terminal, a chart of the total under the table. */
export function renderForecastTable(r: ForecastReport, options: RenderOptions): string {
  const paint = painter(options.color);
  const columns: LayoutColumn[] = forecastHead(r).map((header, i) => ({
    header,
    align: i === 0 || i === 4 || i === 6 ? 'left' : 'right',
    ...(PRIORITY[i] === undefined ? {} : { priority: PRIORITY[i] }),
    ...(FOLD[i] ? { fold: true } : {}),
    ...(i === 0 ? { shrinkTo: 12 } : {}),
  }));
  const table = renderTable({ columns, rows: r.groups.map((g) => forecastCells(r, g)), width: options.width, paint });
  const out = [...wrap(heading(r), options.width, { indent: 2 }).map((l) => paint('bold', l)), ...table.lines];
  if (table.hidden.length > 0) out.push(...wrap(hiddenNote(table.hidden, options.width), options.width).map((l) => paint('dim', l)));
  const note = calibrationNote(r);
  if (note) out.push(...wrap(note, options.width));
  if (options.chart && r.history.length > 0) {
    out.push('', spendChart(r.history, r.future, r.band, { width: options.width, label: (v) => estimateText(v, r.currency) }));
  }
  return `${out.join('\n')}\n`;
}
