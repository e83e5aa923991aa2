import { type DisplayCost, displayCosts } from '../../cost/display.js';
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
  kind: 'dimension' | 'time' | 'tokens' | 'money';
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

export interface BucketTimes {
  start: string | null;
  end: string | null;
}

/** An instant as ISO 8601 UTC; null for an open end. */
export function isoOrNull(ms: number): string | null {
  return Number.isFinite(ms) ? isoTime(ms) : null;
}

/** Bucket i's start and end as ISO strings, formatted once per bucket rather than once per row. */
export function bucketTimes(report: CostReport): BucketTimes[] {
  return report.buckets.slice(0, -1).map((t, i) => ({ start: isoOrNull(t), end: isoOrNull(report.buckets[i + 1] as number) }));
}

/** What a row shows in a column: times as ISO strings, tokens as numbers, money as decimal strings, null where there is none. */
export function cellValue(col: Column, row: ReportRow, cost: DisplayCost | null, times: readonly BucketTimes[]): CellValue {
  switch (col.kind) {
    case 'time':
      return row.bucket === undefined ? null : (times[row.bucket] as BucketTimes)[col.key === 'start' ? 'start' : 'end'];
    case 'dimension':
      return row.group[col.csv] ?? '';
    case 'tokens':
      return row.tokens[col.tokenType as TokenType];
    case 'money':
      return cost === null ? null : col.tokenType ? cost.byType[col.tokenType] : cost.total;
    default:
      return null;
  }
}

/** Every row's values plus the totals, rounded consistently to `decimals`. */
export function tabulate(report: CostReport, decimals: number): { rows: Record<string, CellValue>[]; totals: Record<string, CellValue> } {
  const display = displayCosts(report, decimals);
  const cols = reportColumns(report);
  const times = bucketTimes(report);
  const rows = report.rows.map((r, i) => {
    const values: Record<string, CellValue> = {};
    for (const c of cols) values[c.key] = cellValue(c, r, display.row(i), times);
    return values;
  });
  const totals: Record<string, CellValue> = {};
  for (const t of TOKEN_TYPES) {
    totals[`tokens:${t}`] = report.totals.tokens[t];
    totals[`cost:${t}`] = display.totals.byType[t];
  }
  totals.total = display.totals.total;
  return { rows, totals };
}

/** The pricing files' versions, and the conversion when amounts were converted: CSV's `pricing_version`. */
export function pricingVersion(report: CostReport): string {
  const rate = (r: { from: number; text: string }) =>
    Number.isFinite(r.from) ? `${r.text} from ${new Date(r.from).toISOString().slice(0, 10)}` : r.text;
  const fx = report.fx
    ? ` (converted from ${report.fx.base} at ${report.fx.rates.map(rate).join('; ')} ${report.fx.quote} per ${report.fx.base}${report.fx.source === '--fx-rate' ? '' : `, ${report.fx.source}`})`
    : '';
  return `${report.pricing.map((p) => p.version).join('+')}${fx}`;
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
