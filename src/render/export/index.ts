import { renderLedgerCsv } from './csv.js';
import { renderFocus } from './focus.js';
import { renderLedgerJsonl } from './jsonl.js';
import type { ExportFormat } from '../formats.js';
import type { ExportView, RenderedLedger } from './view.js';

export type { ExportView, RenderedLedger };

/** One ledger renderer per export format. */
export const EXPORT_RENDERERS: Record<ExportFormat, (view: ExportView) => RenderedLedger> = {
  csv: renderLedgerCsv,
  focus: renderFocus,
  jsonl: renderLedgerJsonl,
};
