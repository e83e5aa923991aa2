import type { ForecastReport } from '../../forecast/groups.js';
import { markdownCell, markdownTable } from '../markdown.js';
import { forecastCells, forecastHead, heading } from './view.js';

export function renderForecastMarkdown(r: ForecastReport): string {
  const head = forecastHead(r);
  const right = head.map((_, i) => !(i === 0 || i === 4));
  const lines = [
    `### ${heading(r)}`,
    '',
    ...markdownTable(
      head,
      right,
      r.groups.map((g) => forecastCells(r, g)),
    ),
  ];
  return `${lines.join('\n')}\n`;
}
