import { displayCosts } from '../../cost/display.js';
import type { CostReport } from '../../cost/report.js';
import type { TokenType } from '../../model.js';
import { chunked } from '../chunks.js';
import { csvRecord, repeatedCells } from '../csv.js';
import type { RenderOptions } from '../options.js';
import { bucketTimes, isoOrNull, pricingVersion, reportColumns } from './columns.js';

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
  const cols = reportColumns(report).filter((c) => c.kind !== 'time');
  yield csvRecord(['period_start', 'period_end', ...cols.map((c) => c.csv), 'priced', 'unpriced_reason', 'currency', 'pricing_version']);
  // Records are made here cell by cell (a report can have hundreds of thousands): the text cells
  // through csvCell, once per distinct value; tokens are integers and money our own plain
  // decimals, which need neither quotes nor neutralising.
  const text = repeatedCells();
  const start = isoOrNull(report.window.start) ?? '';
  const end = isoOrNull(report.window.end) ?? '';
  const window = `${text(start)},${text(end)}`;
  // (A bucket's open end is the window's.)
  const periods = bucketTimes(report).map((t) => `${text(t.start ?? start)},${text(t.end ?? end)}`);
  const tail = `,${text(report.currency)},${text(pricingVersion(report))}\n`;
  for (let i = 0; i < report.rows.length; i++) {
    const row = report.rows[i] as CostReport['rows'][number];
    const cost = display.row(i);
    let line = (row.bucket === undefined ? undefined : periods[row.bucket]) ?? window;
    for (const c of cols) {
      if (c.kind === 'dimension') line += `,${text(row.group[c.csv] ?? '')}`;
      else if (c.kind === 'tokens') line += `,${row.tokens[c.tokenType as TokenType]}`;
      else line += `,${cost === null ? '' : c.tokenType ? cost.byType[c.tokenType] : cost.total}`;
    }
    yield `${line},${row.priced ? 'true' : 'false'},${text(row.unpricedReason ?? '')}${tail}`;
  }
}
