import type { CostReport } from '../cost/report.js';
import { usageError } from '../errors.js';
import type { Usage } from '../ledger/store.js';
import type { PriceBook } from '../pricing/book.js';
import { checkPeriods, type LedgerRow, ledgerRows, provenance, type Provenance, type RefusedPeriod } from './export.js';
import { type FocusRow, focusRows, surchargeRows } from './focus.js';
import { choosePeriods, type ExportPeriod, type ExportSchedule } from './periods.js';

/** Who is billed, for FOCUS (from `--billing-account-id` and the config file's `chargeback`). */
export interface BillingAccount {
  id: string;
  name: string | undefined;
  /** Who issues the invoice; by default the provider of each row. */
  invoiceIssuer: string | undefined;
}

/** What one export run writes, before any format: the periods, their rows, and the periods refused. */
export interface ExportResult {
  /** Periods written, oldest first. */
  periods: ExportPeriod[];
  refused: RefusedPeriod[];
  provenance: Provenance;
  /** The `--by` dimensions (without the gateway added for FOCUS). */
  by: readonly string[];
  rows: LedgerRow[];
  focus: FocusRow[];
  /** Unpriced tokens in the periods written, and the models they belong to. */
  unpriced: { tokens: number; models: string[] };
}

export interface ExportInput {
  report: CostReport;
  usage: Usage;
  dataRange: { first: number; last: number } | undefined;
  books: { contracted: PriceBook; list: PriceBook | undefined };
  schedule: ExportSchedule;
  /** The user's `--by`; for FOCUS the report groups by the gateway and the model too (after them). */
  by: readonly string[];
  format: 'ledger' | 'focus';
  decimals: number;
}

/**
 * The periods an export may write at the report's anchor (complete ones, the current one under
 * `--include-current`), each checked for stale or missing data, and their rows: one per period
 * and group for the ledger formats, one per period, group, gateway and SKU for FOCUS.
 */
export function buildExport(input: ExportInput): ExportResult {
  const { report, schedule } = input;
  if (report.lifetime) {
    throw usageError(
      'export needs timestamped data: a snapshot without timestamps holds totals since each counter started, not periods',
      'read a server (--prometheus) or a file with timestamps',
    );
  }
  const anchor = report.window.end;
  const periods = choosePeriods(schedule, anchor, report.window.start);
  const { ok, refused } = checkPeriods(report, input.dataRange, periods, { anchor, unit: schedule.unit });
  const rows = input.format === 'ledger' ? ledgerRows({ ...report, by: input.by }, ok, schedule.unit, input.decimals) : [];
  const focusOptions = {
    unit: schedule.unit,
    by: input.by,
    gatewayIndex: report.by.indexOf('gateway'),
    modelIndex: report.by.indexOf('model'),
  };
  const usageRows = input.format === 'focus' ? focusRows(input.usage, input.books, ok, focusOptions) : [];
  const focus = [...usageRows, ...(input.format === 'focus' ? surchargeRows(report, usageRows, ok, focusOptions) : [])];
  const unpricedModels = new Set<string>();
  let tokens = 0;
  for (const r of rows) {
    if (r.priced) continue;
    unpricedModels.add(r.unpricedModel || '(no model label)');
    tokens += r.tokens.input + r.tokens.cached_input + r.tokens.cache_write + r.tokens.output;
  }
  for (const r of focus) {
    if (r.price || r.surcharge) continue;
    unpricedModels.add(r.model ?? '(no model label)');
    tokens += r.tokens;
  }
  return {
    periods: ok,
    refused,
    provenance: provenance(report),
    by: input.by,
    rows,
    focus,
    unpriced: { tokens, models: [...unpricedModels].sort() },
  };
}
