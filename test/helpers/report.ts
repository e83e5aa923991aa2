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
  const p = input.prometheus;
  const sources = openSources({
    specs: (input.files ?? []).map((f) => parseSourceArg('file', f)),
    prometheusUrl: p?.url,
    retries: p?.retries ?? 3,
    countSamples: input.countSamples === true,
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
