import type { Format } from '../formats.js';
import type { Renderer } from '../options.js';
import { renderBudgetCsv } from './csv.js';
import { renderBudgetHtml } from './html.js';
import { renderBudgetJson } from './json.js';
import { renderBudgetMarkdown } from './markdown.js';
import { renderBudgetTable } from './table.js';
import type { BudgetView } from './view.js';

export type { BudgetView };

/** `budget check` renderers keyed by `--format`. */
export const BUDGET_RENDERERS: Record<Format, Renderer<BudgetView>> = {
  table: renderBudgetTable,
  json: renderBudgetJson,
  csv: renderBudgetCsv,
  markdown: renderBudgetMarkdown,
  html: renderBudgetHtml,
};
