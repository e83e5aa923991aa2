import type { BillingAccount } from '../../chargeback/build.js';
import type { LedgerRow, Provenance } from '../../chargeback/export.js';
import type { FocusRow } from '../../chargeback/focus.js';
import type { LedgerBlock, LedgerLayout } from '../../chargeback/ledger.js';
import type { ExportPeriod, ExportUnit } from '../../chargeback/periods.js';
import { isoTime } from '../../ledger/time.js';
import { formatCount, terminalCell } from '../../text.js';

/** Everything an export renderer needs: the periods written and their rows. */
export interface ExportView {
  unit: ExportUnit;
  /** The zone periods are calendar-aligned in (FOCUS billing periods are its months). */
  zone: string;
  by: readonly string[];
  provenance: Provenance;
  periods: readonly ExportPeriod[];
  /** csv and jsonl rows. */
  rows: readonly LedgerRow[];
  /** FOCUS rows, with the billing account they are for. */
  focus?: { rows: readonly FocusRow[]; billing: BillingAccount };
}

/** A view with no rows: its renderer gives the layout of a ledger before any data is read. */
export function emptyView(unit: ExportUnit, zone: string, by: readonly string[]): ExportView {
  return { unit, zone, by, provenance: { currency: '', pricingVersion: '', pricingSha256: '', source: '' }, periods: [], rows: [] };
}

/** What an export run tells stderr: periods written, left unchanged, kept; unpriced usage; nothing to do. */
export function exportSummary(
  view: ExportView,
  output: string | undefined,
  write: { written: string[]; unchanged: string[]; keptEmpty: string[] } | undefined,
  result: { unpriced: { tokens: number; models: string[] }; refused: readonly unknown[] },
): string[] {
  const { unpriced } = result;
  const lines: string[] = [];
  const rows = view.focus ? view.focus.rows.length : view.rows.length;
  if (write && write.written.length > 0)
    lines.push(`${output}: wrote ${write.written.length} ${view.unit}(s), ${rows} rows: ${write.written.join(', ')}`);
  if (write && write.unchanged.length > 0)
    lines.push(`${output}: unchanged, already exported with the same rows: ${write.unchanged.join(', ')}`);
  for (const p of write?.keptEmpty ?? [])
    lines.push(`warning: ${output}: ${p} now reads as no usage; its earlier rows are kept (has the data left the source?)`);
  if (unpriced.tokens > 0) {
    lines.push(
      `warning: ${formatCount(unpriced.tokens)} tokens are unpriced (${unpriced.models.map(terminalCell).join(', ')}): their rows have empty costs and priced=false`,
    );
  }
  if (view.periods.length === 0 && result.refused.length === 0) lines.push(`nothing to export: no complete ${view.unit} to write`);
  return lines.map((l) => `tokenspend: ${l}\n`);
}

/** A ledger format: its layout, and one block of rendered rows per period. */
export interface RenderedLedger {
  layout: LedgerLayout;
  blocks: LedgerBlock[];
}

/** One block per period, rendering the rows of that period (in their order) with a given export time. */
export function blocksOf<R extends { period: ExportPeriod }>(
  periods: readonly ExportPeriod[],
  rows: readonly R[],
  render: (row: R, exportedAt: string) => string,
): LedgerBlock[] {
  return periods.map((p) => {
    const mine = rows.filter((r) => r.period === p);
    return { start: isoTime(p.start), end: isoTime(p.end), render: (exportedAt) => mine.map((r) => render(r, exportedAt)) };
  });
}

/** An exact amount (femto-units) as a plain decimal with no trailing zeros: `0.0012345`, `5`. */
export function exactDecimal(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const s = (negative ? -units : units).toString().padStart(decimals + 1, '0');
  const whole = s.slice(0, s.length - decimals);
  const frac = s.slice(s.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac === '' ? '' : `.${frac}`}`;
}
