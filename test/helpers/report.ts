import { expect } from 'vitest';
import { buildCostReport, type CostReport } from '../../src/cost/report.js';
import type { Matcher } from '../../src/ledger/matchers.js';
import type { ReplicaPolicy } from '../../src/ledger/replicas.js';
import { parseWindow, type Step, type WindowWords } from '../../src/ledger/periods.js';
import { computeReport } from '../../src/pipeline.js';
import type { PriceBook } from '../../src/pricing/book.js';
import { loadPriceBook } from '../../src/pricing/load.js';
import { reportJson } from '../../src/render/report/json.js';
import { openSources } from '../../src/sources/open.js';
import { parseSourceArg } from '../../src/sources/spec.js';

export { buildCostReport };

/** What a test may set; everything else has test defaults (UTC, no grouping, all data, a fixed clock). */
export interface TestInput {
  files?: string[];
  prometheus?: { url: string; headers: Record<string, string>; timeoutMs: number; retries: number };
  by?: string[];
  matchers?: Matcher[];
  top?: number;
  window?: WindowWords;
  step?: Step;
  timezone?: string;
  now?: number;
  lookbackMs?: number;
  countSamples?: boolean;
  /**
   * `--per-series`. Left undefined on a server, the report is made both ways (sums per group, and
   * series by series) and the two must agree to the token: every server test checks the sums.
   */
  perSeries?: boolean;
  replicas?: ReplicaPolicy;
  /** `--dialect`. */
  dialect?: string;
  /** The config file's dialect settings (the two the first tests set). */
  dialectSettings?: { agentgatewayInputIncludesCache: boolean | 'auto' | 'legacy'; litellmInputIncludesCache: boolean };
}

export const FIXED_NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

let defaultBook: Promise<PriceBook> | undefined;
export function bundledPrices(): Promise<PriceBook> {
  defaultBook ??= loadPriceBook([]);
  return defaultBook;
}

export async function report(input: TestInput, book?: PriceBook): Promise<CostReport> {
  if (!input.prometheus || input.perSeries !== undefined || input.countSamples === true) return reportOnce(input, book);
  const summed = await reportOnce({ ...input, perSeries: false }, book);
  const bySeries = await reportOnce({ ...input, perSeries: true }, book);
  expectSameUsage(summed, bySeries);
  return summed;
}

/**
 * The server's sums per group and its series-by-series answer agree: every row's tokens and cost,
 * the totals, resets and births, and what was found (series are counted differently: the sums
 * give the most present at once).
 */
function expectSameUsage(summed: CostReport, bySeries: CostReport): void {
  const a = JSON.parse(JSON.stringify(reportJson(summed)));
  const b = JSON.parse(JSON.stringify(reportJson(bySeries)));
  const rows = (j: any) => j.rows.map(({ group, start, end, tokens, totalCost }: any) => ({ group, start, end, tokens, totalCost }));
  const cover = (j: any) => ({ resets: j.coverage.resets, births: j.coverage.births, invalid: j.coverage.invalidSamples > 0 });
  const codes = (j: any) => [...new Set((j.warnings ?? []).map((f: any) => f.code))].sort();
  expect(rows(a)).toEqual(rows(b));
  expect(a.totals).toEqual(b.totals);
  expect(cover(a)).toEqual(cover(b));
  expect(codes(a)).toEqual(codes(b));
}

async function reportOnce(input: TestInput, book?: PriceBook): Promise<CostReport> {
  const p = input.prometheus;
  const sources = openSources({
    specs: (input.files ?? []).map((f) => parseSourceArg('file', f)),
    prometheusUrl: p?.url,
    retries: p?.retries ?? 3,
    countSamples: input.countSamples === true,
    perSeries: input.perSeries === true,
    http: { headers: p?.headers ?? {}, timeoutMs: p?.timeoutMs ?? 5000 },
  });
  return computeReport(
    {
      sources,
      grouping: { by: input.by ?? [], matchers: input.matchers ?? [], top: input.top },
      plan: { kind: 'window', window: parseWindow(input.window ?? {}), step: input.step },
      timezone: input.timezone ?? 'UTC',
      now: input.now,
      dialects: {
        forced: input.dialect,
        settings: input.dialectSettings
          ? {
              agentgateway: { inputIncludesCache: input.dialectSettings.agentgatewayInputIncludesCache },
              litellm: { inputIncludesCache: input.dialectSettings.litellmInputIncludesCache },
            }
          : {},
        mappings: [],
      },
      lookbackMs: input.lookbackMs,
      replicas: input.replicas,
    },
    book ?? (await bundledPrices()),
    { clock: () => FIXED_NOW },
  );
}

/** The report's JSON as a consumer would parse it. */
export async function reportAsJson(input: TestInput, book?: PriceBook): Promise<any> {
  return JSON.parse(JSON.stringify(reportJson(await report(input, book))));
}

/** Rows of a JSON report keyed by their group values joined with `|`. */
export function rowsByGroup(json: any): Record<string, any> {
  const out: Record<string, any> = {};
  for (const r of json.rows) out[Object.values(r.group).join('|')] = r;
  return out;
}
