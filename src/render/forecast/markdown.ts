import type { ForecastReport } from '../../forecast/groups.js';
import { markdownCell, markdownTable } from '../markdown.js';
import { calibrationNote, forecastCells, forecastHead, heading } from './view.js';

export function renderForecastMarkdown(r: ForecastReport): string {
  const head = forecastHead(r);
  const right = head.map((_, i) => !(i === 0 || i === 4 || i === 6));
  // The group label holds label values from outside: escaped; the other cells are ours.
  const rows = r.groups.map((g) => forecastCells(r, g).map((c, i) => (i === 0 ? markdownCell(c) : c)));
  const note = calibrationNote(r);
  return `${[`### ${heading(r)}`, '', ...markdownTable(head, right, rows), ...(note ? ['', note] : [])].join('\n')}\n`;
}
