import type { CostReport } from '../../cost/report.js';
import type { ReportFormat } from '../formats.js';
import type { StreamRenderer } from '../options.js';
import { renderReportCsv } from './csv.js';
import { renderReportHtml } from './html.js';
import { renderReportJson } from './json.js';
import { renderReportJsonl } from './jsonl.js';
import { renderReportMarkdown } from './markdown.js';
import { renderReportTable } from './table.js';

/** `report` renderers keyed by `--format`. CSV, JSON and JSONL stream row by row; tables need every row's width first. */
export const REPORT_RENDERERS: Record<ReportFormat, StreamRenderer<CostReport>> = {
  table: (r, o) => [renderReportTable(r, o)],
  json: renderReportJson,
  jsonl: renderReportJsonl,
  csv: renderReportCsv,
  markdown: (r, o) => [renderReportMarkdown(r, o)],
  html: (r, o) => [renderReportHtml(r, o)],
};
