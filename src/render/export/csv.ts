import type { LedgerRow } from '../../chargeback/export.js';
import { isoTime } from '../../ledger/time.js';
import { TOKEN_TYPES } from '../../model.js';
import { type CsvCell, csvText } from '../csv.js';
import { blocksOf, type ExportView, type RenderedLedger } from './view.js';

/** The fixed columns of the CSV ledger; `--by` dimensions go between `complete` and the token counts. */
export const LEDGER_CSV_HEAD = ['row_id', 'period', 'period_start', 'period_end', 'complete'] as const;
export const LEDGER_CSV_TAIL = [
  ...TOKEN_TYPES.map((t) => `${t}_tokens`),
  ...TOKEN_TYPES.map((t) => `${t}_cost`),
  'total_cost',
  'currency',
  'priced',
  'unpriced_model',
  'unpriced_reason',
  'pricing_version',
  'pricing_sha256',
  'source',
  'exported_at',
] as const;

function record(view: ExportView, r: LedgerRow, exportedAt: string): CsvCell[] {
  const p = view.provenance;
  return [
    r.rowId,
    view.unit,
    isoTime(r.period.start),
    isoTime(r.period.end),
    r.period.complete ? 'true' : 'false',
    ...view.by.map((d) => r.group[d] ?? ''),
    ...TOKEN_TYPES.map((t) => String(r.tokens[t])),
    ...TOKEN_TYPES.map((t) => r.cost?.[t] ?? ''),
    r.total ?? '',
    p.currency,
    r.priced ? 'true' : 'false',
    r.unpricedModel ?? '',
    r.unpricedReason ?? '',
    p.pricingVersion,
    p.pricingSha256,
    p.source,
    exportedAt,
  ];
}

/**
 * The CSV ledger: one row per period and group, a fixed column order, ISO 8601 UTC times, plain
 * decimals, empty cost cells (never 0) where usage is unpriced; cells a spreadsheet would run are neutralised.
 */
export function renderLedgerCsv(view: ExportView): RenderedLedger {
  const header = csvText([[...LEDGER_CSV_HEAD, ...view.by, ...LEDGER_CSV_TAIL]]);
  return {
    layout: {
      kind: 'csv',
      header,
      fields: { start: 'period_start', end: 'period_end', unit: 'period', complete: 'complete', exportedAt: 'exported_at' },
      unit: view.unit,
    },
    blocks: blocksOf(view.periods, view.rows, (r, at) => csvText([record(view, r, at)])),
  };
}
