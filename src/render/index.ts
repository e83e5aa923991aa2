import type { CostReport } from '../cost/report.js';
import { renderCsv } from './csv.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import type { RenderOptions } from './options.js';
import { renderTable } from './table.js';

export const FORMATS = ['table', 'json', 'csv', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/** Renderers keyed by `--format`; each turns a report into a string and computes nothing. */
export const REPORT_RENDERERS: Record<Format, (report: CostReport, options: RenderOptions) => string> = {
  table: renderTable,
  json: renderJson,
  csv: renderCsv,
  markdown: renderMarkdown,
};
