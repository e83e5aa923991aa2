import type { ForecastReport } from '../../forecast/groups.js';
import type { Format } from '../formats.js';
import type { Renderer } from '../options.js';
import { renderForecastCsv } from './csv.js';
import { renderForecastHtml } from './html.js';
import { renderForecastJson } from './json.js';
import { renderForecastMarkdown } from './markdown.js';
import { renderForecastTable } from './table.js';

/** `forecast` renderers keyed by `--format`. */
export const FORECAST_RENDERERS: Record<Format, Renderer<ForecastReport>> = {
  table: renderForecastTable,
  json: renderForecastJson,
  csv: renderForecastCsv,
  markdown: renderForecastMarkdown,
  html: renderForecastHtml,
};
