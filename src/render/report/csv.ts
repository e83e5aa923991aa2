import { displayCosts } from '../../cost/display.js';
import type { CostReport } from '../../cost/report.js';
import { isoTime } from '../../ledger/time.js';
import { chunked } from '../chunks.js';
import { csvRecord } from '../csv.js';
import type { RenderOptions } from '../options.js';
import { bucketTimes, cellValue, pricingVersion, reportColumns } from './columns.js';

/**
 * CSV with a fixed column order: period, the `--by` dimensions, tokens and cost per type, total,
 * currency and pricing version. Times are ISO 8601 UTC, money plain decimals, no totals row.
 * Written record by record: the text is never held whole.
 */
export function renderReportCsv(report: CostReport, options: RenderOptions): Iterable<string> {
  return chunked(csvRecords(report, options.decimals ?? 6));
}

function* csvRecords(report: CostReport, decimals: number): Generator<string> {
  const display = displayCosts(report, decimals);
  const times = bucketTimes(report);
  const cols = reportColumns(report).filter((c) => c.kind !== 'time');
  const start = Number.isFinite(report.window.start) ? isoTime(report.window.start) : '';
  const end = Number.isFinite(report.window.end) ? isoTime(report.window.end) : '';
  const version = pricingVersion(report);
  yield csvRecord(['period_start', 'period_end', ...cols.map((c) => c.csv), 'priced', 'unpriced_reason', 'currency', 'pricing_version']);
  for (let i = 0; i < report.rows.length; i++) {
    const row = report.rows[i] as CostReport['rows'][number];
    const cost = display.rows[i] ?? null;
    const period = row.bucket === undefined ? undefined : times[row.bucket];
    yield csvRecord([
      period?.start ?? start,
      period?.end ?? end,
      ...cols.map((c) => cellValue(c, row, cost, times)),
      row.priced ? 'true' : 'false',
      row.unpricedReason ?? '',
      report.currency,
      version,
    ]);
  }
}
