import { buildCostReport, type CostReport } from '../../src/cost/report.js';
import { DEFAULT_DIALECT_SETTINGS } from '../../src/dialects/dialect.js';
import { computeReport, type ReportInput } from '../../src/pipeline.js';
import type { PriceBook } from '../../src/pricing/book.js';
import { loadPriceBook } from '../../src/pricing/load.js';
import { reportJson } from '../../src/render/json.js';
import { parseSourceArg } from '../../src/sources/spec.js';

export { buildCostReport };

/** A report input with test defaults: UTC, no grouping, all data, a fixed clock. */
export function input(overrides: Partial<ReportInput> & { files?: string[] } = {}): ReportInput {
  const { files = [], ...rest } = overrides;
  return {
    sources: files.map((f) => parseSourceArg('file', f)),
    by: [],
    matchers: [],
    top: undefined,
    window: {},
    step: undefined,
    timezone: 'UTC',
    now: undefined,
    dialect: undefined,
    dialectSettings: DEFAULT_DIALECT_SETTINGS,
    mappings: [],
    lookbackMs: undefined,
    scrape: { timeoutMs: 5000, auth: { headers: {} }, intervalMs: undefined },
    ...rest,
  };
}

export const FIXED_NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

let defaultBook: Promise<PriceBook> | undefined;
export function bundledPrices(): Promise<PriceBook> {
  defaultBook ??= loadPriceBook([]);
  return defaultBook;
}

export async function report(overrides: Partial<ReportInput> & { files?: string[] }, book?: PriceBook): Promise<CostReport> {
  return computeReport(input(overrides), book ?? (await bundledPrices()), { clock: () => FIXED_NOW });
}

/** The report's JSON as a consumer would parse it. */
export async function reportAsJson(overrides: Partial<ReportInput> & { files?: string[] }, book?: PriceBook): Promise<any> {
  return JSON.parse(JSON.stringify(reportJson(await report(overrides, book))));
}

/** Rows of a JSON report keyed by their group values joined with `|`. */
export function rowsByGroup(json: any): Record<string, any> {
  const out: Record<string, any> = {};
  for (const r of json.rows) out[Object.values(r.group).join('|')] = r;
  return out;
}
