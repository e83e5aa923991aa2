import { type DisplayCosts, displayCosts } from '../../cost/display.js';
import type { CostReport, ReportRow } from '../../cost/report.js';
import { isoTime } from '../../ledger/time.js';
import { TOKEN_TYPES, type TokenType } from '../../model.js';
import { formatLocal } from '../format.js';

/** One column of the report, defined once for table, Markdown and CSV. */
export interface Column {
  key: string;
  /** Heading in tables. */
  header: string;
  /** Column name in CSV. */
  csv: string;
  kind: 'dimension' | 'time' | 'tokens' | 'money' | 'flag';
  tokenType?: TokenType;
}

const TOKEN_HEADERS: Record<TokenType, string> = {
  input: 'Input',
  cached_input: 'Cached in',
  cache_write: 'Cache write',
  output: 'Output',
};

/** `model` shows up on unpriced rows even when the report is not grouped by it. */
export function dimensionColumns(report: CostReport): Column[] {
  const dims = [...report.by];
  if (!dims.includes('model') && report.rows.some((r) => !r.priced)) dims.push('model');
  return dims.map((d) => ({ key: `dim:${d}`, header: d, csv: d, kind: 'dimension' }));
}

/** All columns, in their fixed order. */
export function reportColumns(report: CostReport): Column[] {
  const cols: Column[] = [];
  if (report.step !== undefined) {
    cols.push({ key: 'start', header: 'From', csv: 'period_start', kind: 'time' });
    cols.push({ key: 'end', header: 'To', csv: 'period_end', kind: 'time' });
  }
  cols.push(...dimensionColumns(report));
  for (const t of TOKEN_TYPES)
    cols.push({ key: `tokens:${t}`, header: TOKEN_HEADERS[t], csv: `${t}_tokens`, kind: 'tokens', tokenType: t });
  for (const t of TOKEN_TYPES)
    cols.push({ key: `cost:${t}`, header: `${TOKEN_HEADERS[t]} cost`, csv: `${t}_cost`, kind: 'money', tokenType: t });
  cols.push({ key: 'total', header: 'Cost', csv: 'total_cost', kind: 'money' });
  return cols;
}

/** Columns worth showing: token types with no usage anywhere go (with their cost columns). */
export function visibleColumns(report: CostReport, all: Column[]): Column[] {
  return all.filter((c) => !(c.tokenType && report.totals.tokens[c.tokenType] === 0));
}

export type CellValue = string | number | null;

/** A row as plain values: times as ISO strings, tokens as numbers, money as decimal strings. */
function rowValues(report: CostReport, dims: Column[], row: ReportRow, display: DisplayCosts, index: number): Record<string, CellValue> {
  const out: Record<string, CellValue> = {};
  if (row.bucket !== undefined) {
    out.start = isoTime(report.buckets[row.bucket] as number);
    out.end = isoTime(report.buckets[row.bucket + 1] as number);
  }
  for (const col of dims) out[col.key] = row.group[col.csv] ?? '';
  const cost = display.rows[index] ?? null;
  for (const t of TOKEN_TYPES) {
    out[`tokens:${t}`] = row.tokens[t];
    out[`cost:${t}`] = cost ? cost.byType[t] : null;
  }
  out.total = cost ? cost.total : null;
  return out;
}

/** Every row's values plus the totals, rounded consistently to `decimals`. */
export function tabulate(report: CostReport, decimals: number): { rows: Record<string, CellValue>[]; totals: Record<string, CellValue> } {
  const display = displayCosts(report, decimals);
  // The dimension columns once: finding them scans the rows (linear time for 20,000 rows).
  const dims = dimensionColumns(report);
  const rows = report.rows.map((r, i) => rowValues(report, dims, r, display, i));
  const totals: Record<string, CellValue> = {};
  for (const t of TOKEN_TYPES) {
    totals[`tokens:${t}`] = report.totals.tokens[t];
    totals[`cost:${t}`] = display.totals.byType[t];
  }
  totals.total = display.totals.total;
  return { rows, totals };
}

/** One line saying what the report covers. */
export function describeWindow(report: CostReport): string {
  const w = report.window;
  if (report.lifetime && !Number.isFinite(w.start)) return 'lifetime totals (since each counter started)';
  const from = Number.isFinite(w.start) ? formatLocal(w.start, report.timezone) : 'first sample';
  const to = Number.isFinite(w.end) ? formatLocal(w.end, report.timezone) : 'last sample';
  const label = report.anchoredToData ? `${w.label} up to the last sample` : w.label;
  return `${from} → ${to} ${report.timezone} (${label})`;
}
