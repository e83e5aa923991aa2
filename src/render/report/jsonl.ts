import { displayCosts } from '../../cost/display.js';
import type { CostReport, ReportRow, UnpricedReason } from '../../cost/report.js';
import type { TokenType } from '../../model.js';
import { chunked } from '../chunks.js';
import type { RenderOptions } from '../options.js';
import { bucketTimes, isoOrNull, pricingVersion } from './columns.js';
import { rowJson } from './json.js';

type PerType<T> = Record<TokenType, T>;

/**
 * One line of `report --format jsonl`: a row of the JSON report's `rows[]` made to stand alone,
 * every key always present, in this order (README, "Output"). Unstepped rows carry the window.
 */
export interface ReportLineJson {
  start: string | null;
  end: string | null;
  group: Record<string, string>;
  priced: boolean;
  unpricedReason: UnpricedReason | null;
  tokens: PerType<number>;
  cost: PerType<number> | null;
  totalCost: number | null;
  /** The cost if every request crossed its model's long-context threshold; null where no model has one. */
  costHigh: number | null;
  currency: string;
  pricingVersion: string;
}

/** One JSON object per row and line, written as it goes; warnings stay on stderr, totals are the rows' sum. */
export function renderReportJsonl(report: CostReport, options: RenderOptions): Iterable<string> {
  return chunked(jsonLines(report, options.decimals ?? 6));
}

function* jsonLines(report: CostReport, decimals: number): Generator<string> {
  const display = displayCosts(report, decimals);
  const times = bucketTimes(report);
  const window = { start: isoOrNull(report.window.start), end: isoOrNull(report.window.end) };
  const version = pricingVersion(report);
  for (let i = 0; i < report.rows.length; i++) {
    const row = report.rows[i] as ReportRow;
    const r = rowJson(row, display.amounts(i), times, decimals);
    const line: ReportLineJson = {
      start: r.start === undefined ? window.start : r.start,
      end: r.end === undefined ? window.end : r.end,
      group: r.group,
      priced: r.priced,
      unpricedReason: r.unpricedReason ?? null,
      tokens: r.tokens,
      cost: r.cost,
      totalCost: r.totalCost,
      costHigh: r.costHigh ?? null,
      currency: report.currency,
      pricingVersion: version,
    };
    yield `${JSON.stringify(line)}\n`;
  }
}
