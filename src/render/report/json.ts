import { type DisplayAmounts, type DisplayCosts, displayCosts } from '../../cost/display.js';
import type { CostReport, ReportRow, UnpricedReason } from '../../cost/report.js';
import type { Finding } from '../../findings.js';
import type { Coverage } from '../../ledger/accounting.js';
import type { TokenType } from '../../model.js';
import { displayPath } from '../../pricing/load.js';
import { femtoDecimal } from '../format.js';
import type { SourceInfo } from '../../sources/source.js';
import { jsonWithArray } from '../chunks.js';
import type { RenderOptions } from '../options.js';
import { type BucketTimes, bucketTimes, isoOrNull } from './columns.js';

/** Bumped on any change a consumer could notice; additions of fields do not bump it. */
export const REPORT_SCHEMA_VERSION = 1;

type PerType<T> = Record<TokenType, T>;

/** The documented JSON contract of `report --format json` (design §7, README). */
export interface ReportJson {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  window: { start: string | null; end: string | null; label: string; timezone: string; lifetime: boolean; anchoredToData: boolean };
  step: string | null;
  currency: string;
  source: (Pick<SourceInfo, 'kind' | 'location' | 'timestamped' | 'server' | 'requests' | 'accounting'> & { name: string | null })[];
  /** Dialect id → series read. */
  dialects: Record<string, number>;
  pricing: { files: { path: string; version: string; sha256: string }[]; version: string; sha256: string | null };
  /** Set when amounts were converted at report time: `currency` is `quote`. */
  fx?: { base: string; quote: string; rates: { from: string | null; rate: string }[]; source: string };
  groupBy: readonly string[];
  rows: {
    group: Record<string, string>;
    start?: string | null;
    end?: string | null;
    priced: boolean;
    unpricedReason?: UnpricedReason;
    tokens: PerType<number>;
    /** Money rounded to the report's decimals (6 by default); null when unpriced. */
    cost: PerType<number> | null;
    totalCost: number | null;
    /** Long-context bound: the cost if no request crossed its model's threshold (totalCost) and if every one did. */
    costLow?: number;
    costHigh?: number;
  }[];
  totals: {
    tokens: PerType<number>;
    cost: PerType<number>;
    totalCost: number;
    unpricedTokens: number;
    costLow?: number;
    costHigh?: number;
  };
  /** Servers without --count-samples say nothing of samples and gaps: null. */
  coverage: Omit<Coverage, 'samples' | 'gaps'> & { samples: number | null; gaps: number | null };
  warnings: Pick<Finding, 'code' | 'severity' | 'message'>[];
}

type ReportRowJson = ReportJson['rows'][number];
type JsonHead = Omit<ReportJson, 'rows' | 'totals' | 'coverage' | 'warnings'>;
type JsonTail = Pick<ReportJson, 'totals' | 'coverage' | 'warnings'>;

/** A decimal of ≤ 15 significant digits survives Number → JSON unchanged. */
const money = (decimal: string): number => Number(decimal);
const femtoMoney = (femto: bigint, decimals: number): number => Number(femtoDecimal(femto, decimals));
/** Per-type values in TOKEN_TYPES order (an object literal: this runs for every row). */
const typed = <T>(f: (t: TokenType) => T): PerType<T> => ({
  input: f('input'),
  cached_input: f('cached_input'),
  cache_write: f('cache_write'),
  output: f('output'),
});

/** The stable, versioned JSON shape. Money is rounded to `decimals` (default 6). */
export function reportJson(report: CostReport, decimals = 6): ReportJson {
  const display = displayCosts(report, decimals);
  const times = bucketTimes(report);
  return {
    ...jsonHead(report),
    rows: report.rows.map((row, i) => rowJson(row, display.amounts(i), times, decimals)),
    ...jsonTail(report, display),
  };
}

/** Everything before `rows`, in the documented key order. */
function jsonHead(report: CostReport): JsonHead {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    window: {
      start: isoOrNull(report.window.start),
      end: isoOrNull(report.window.end),
      label: report.window.label,
      timezone: report.timezone,
      lifetime: report.lifetime,
      anchoredToData: report.anchoredToData,
    },
    step: report.step ?? null,
    currency: report.currency,
    source: report.sources.map((s) => ({
      kind: s.kind,
      name: s.name ?? null,
      location: s.location,
      timestamped: s.timestamped,
      ...(s.server ? { server: s.server } : {}),
      ...(s.requests ? { requests: s.requests } : {}),
      ...(s.accounting ? { accounting: s.accounting } : {}),
    })),
    dialects: report.dialects,
    pricing: {
      files: report.pricing.map((p) => ({ path: displayPath(p.path), version: p.version, sha256: p.sha256 })),
      version: report.pricing.map((p) => p.version).join('+'),
      sha256: report.pricing.at(-1)?.sha256 ?? null,
    },
    ...fxJson(report),
    groupBy: report.by,
  };
}

/** One row of `rows[]` (also one line of `--format jsonl`, which adds to it). */
export function rowJson(row: ReportRow, cost: DisplayAmounts | null, times: readonly BucketTimes[], decimals: number): ReportRowJson {
  const period = row.bucket === undefined ? undefined : (times[row.bucket] as BucketTimes);
  return {
    group: row.group,
    ...(period ? { start: period.start, end: period.end } : {}),
    priced: row.priced,
    ...(row.unpricedReason ? { unpricedReason: row.unpricedReason } : {}),
    tokens: typed((t) => row.tokens[t]),
    cost: cost ? cost.byType : null,
    totalCost: cost ? cost.total : null,
    ...(row.costHigh !== undefined && cost ? { costLow: cost.total, costHigh: femtoMoney(row.costHigh, decimals) } : {}),
  };
}

/** Everything after `rows`. */
function jsonTail(report: CostReport, display: DisplayCosts): JsonTail {
  return {
    totals: {
      tokens: typed((t) => report.totals.tokens[t]),
      cost: typed((t) => money(display.totals.byType[t])),
      totalCost: money(display.totals.total),
      unpricedTokens: report.totals.unpricedTokens,
      ...(report.totals.costHigh !== undefined
        ? { costLow: money(display.totals.total), costHigh: femtoMoney(report.totals.costHigh, display.decimals) }
        : {}),
    },
    coverage: report.sources.some((s) => s.samplesCounted === false) ? { ...report.coverage, samples: null, gaps: null } : report.coverage,
    warnings: report.findings.map((f) => ({ code: f.code, severity: f.severity, message: f.message })),
  };
}

function fxJson(report: CostReport): Pick<ReportJson, 'fx'> {
  const fx = report.fx;
  if (!fx) return {};
  return {
    fx: { base: fx.base, quote: fx.quote, rates: fx.rates.map((r) => ({ from: isoOrNull(r.from), rate: r.text })), source: fx.source },
  };
}

/** The report as one JSON document, written row by row: the same text as `JSON.stringify(reportJson(…), null, 2)`. */
export function renderReportJson(report: CostReport, options: RenderOptions): Iterable<string> {
  const decimals = options.decimals ?? 6;
  const display = displayCosts(report, decimals);
  const times = bucketTimes(report);
  const rows = (function* () {
    for (let i = 0; i < report.rows.length; i++) yield rowJson(report.rows[i] as ReportRow, display.amounts(i), times, decimals);
  })();
  return jsonWithArray(jsonHead(report), 'rows', rows, jsonTail(report, display));
}
