import type { CostReport } from '../../cost/report.js';
import type { Format } from '../formats.js';
import type { Renderer } from '../options.js';
import { renderReportCsv } from './csv.js';
import { renderReportHtml } from './html.js';
import { renderReportJson } from './json.js';
import { renderReportMarkdown } from './markdown.js';
import { renderReportTable } from './table.js';

/** `report` renderers keyed by `--format`. */
export const REPORT_RENDERERS: Record<Format, Renderer<CostReport>> = {
  table: renderReportTable,
  json: renderReportJson,
  csv: renderReportCsv,
  markdown: renderReportMarkdown,
  html: renderReportHtml,
};
