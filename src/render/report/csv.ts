import type { CostReport } from '../../cost/report.js';
import { isoTime } from '../../ledger/time.js';
import { csvText, neutralise } from '../csv.js';
import type { RenderOptions } from '../options.js';
import { reportColumns, tabulate } from './columns.js';

/**
 * CSV with a fixed column order: period, the `--by` dimensions, tokens and cost per type, total,
 * currency and pricing version. Times are ISO 8601 UTC, money plain decimals, no totals row.
 */
export function renderReportCsv(report: CostReport, options: RenderOptions): string {
  const { rows } = tabulate(report, options.decimals ?? 6);
  const cols = reportColumns(report).filter((c) => c.kind !== 'time');
  const start = Number.isFinite(report.window.start) ? isoTime(report.window.start) : '';
  const end = Number.isFinite(report.window.end) ? isoTime(report.window.end) : '';
  const rate = (r: { from: number; text: string }) =>
    Number.isFinite(r.from) ? `${r.text} from ${new Date(r.from).toISOString().slice(0, 10)}` : r.text;
  const fx = report.fx
    ? ` (converted from ${report.fx.base} at ${report.fx.rates.map(rate).join('; ')} ${report.fx.quote} per ${report.fx.base}${report.fx.source === '--fx-rate' ? '' : `, ${report.fx.source}`})`
    : '';
  const version = `${report.pricing.map((p) => p.version).join('+')}${fx}`;
  const header = ['period_start', 'period_end', ...cols.map((c) => c.csv), 'priced', 'unpriced_reason', 'currency', 'pricing_version'];
  const records = rows.map((r, i) => {
    const row = report.rows[i];
    return [
      r.start ?? start,
      r.end ?? end,
      ...cols.map((c) => {
        const v = r[c.key] ?? null;
        if (v === null) return '';
        return typeof v === 'string' && c.kind === 'dimension' ? neutralise(v) : String(v);
      }),
      row?.priced ? 'true' : 'false',
      row?.unpricedReason ?? '',
      report.currency,
      version,
    ];
  });
  return csvText([header, ...records]);
}
