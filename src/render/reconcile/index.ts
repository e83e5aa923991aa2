import type { ReconcileResult } from '../../chargeback/reconcile.js';
import type { Format } from '../formats.js';
import type { Renderer } from '../options.js';
import { renderReconcileCsv } from './csv.js';
import { renderReconcileHtml } from './html.js';
import { renderReconcileJson } from './json.js';
import { renderReconcileMarkdown } from './markdown.js';
import { renderReconcileTable } from './table.js';

/** One renderer per `--format`. */
export const RECONCILE_RENDERERS: Record<Format, Renderer<ReconcileResult>> = {
  table: renderReconcileTable,
  json: renderReconcileJson,
  csv: renderReconcileCsv,
  markdown: renderReconcileMarkdown,
  html: renderReconcileHtml,
};
