import type { LedgerRow } from '../../chargeback/export.js';
import { isoTime } from '../../ledger/time.js';
import { blocksOf, type ExportView, type RenderedLedger } from './view.js';

function record(view: ExportView, r: LedgerRow, exportedAt: string): object {
  const p = view.provenance;
  return {
    rowId: r.rowId,
    period: view.unit,
    periodStart: isoTime(r.period.start),
    periodEnd: isoTime(r.period.end),
    complete: r.period.complete,
    group: Object.fromEntries(view.by.map((d) => [d, r.group[d] ?? ''])),
    tokens: r.tokens,
    cost: r.cost,
    totalCost: r.total,
    currency: p.currency,
    priced: r.priced,
    unpricedModel: r.unpricedModel ?? null,
    unpricedReason: r.unpricedReason ?? null,
    pricingVersion: p.pricingVersion,
    pricingSha256: p.pricingSha256,
    source: p.source,
    exportedAt,
  };
}

/** JSON lines: one object per row with the CSV ledger's fields; money as decimal strings (exact to the digits shown). */
export function renderLedgerJsonl(view: ExportView): RenderedLedger {
  return {
    layout: {
      kind: 'jsonl',
      header: undefined,
      fields: { start: 'periodStart', end: 'periodEnd', unit: 'period', complete: 'complete', exportedAt: 'exportedAt' },
      unit: view.unit,
    },
    blocks: blocksOf(view.periods, view.rows, (r, at) => `${JSON.stringify(record(view, r, at))}\n`),
  };
}
