import { createHash } from 'node:crypto';
import { displayCosts } from '../cost/display.js';
import type { CostReport, ReportRow, UnpricedReason } from '../cost/report.js';
import { isIncomplete } from '../findings.js';
import { staleness } from '../ledger/freshness.js';
import { isoTime } from '../ledger/time.js';
import { sumTokens, TOKEN_TYPES, type TokenCounts, type TokenType, zeroTokens } from '../model.js';
import { describePeriod, type ExportPeriod, type ExportUnit } from './periods.js';

/** What every row of one export states about where its numbers came from. */
export interface Provenance {
  currency: string;
  /** The pricing files' versions, in layer order, joined by `+`; FX conversion noted. */
  pricingVersion: string;
  /** sha256 over the pricing files' own sha256s, in layer order: one value names the whole price set. */
  pricingSha256: string;
  /** `kind:location` of each source, space-separated (URLs as shown everywhere else, credentials never). */
  source: string;
}

/** One ledger row (csv, jsonl): a group's tokens and cost in one period; unpriced usage has a row of its own. */
export interface LedgerRow {
  period: ExportPeriod;
  /** Stable across runs: a hash of the period, the grouping and the group's values (and, unpriced, its model and reason). */
  rowId: string;
  group: Record<string, string>;
  priced: boolean;
  unpricedModel: string | undefined;
  unpricedReason: UnpricedReason | undefined;
  tokens: TokenCounts;
  /** Rounded to the export's decimals so that a period's rows add up to its total; null when unpriced. */
  cost: Record<TokenType, string> | null;
  total: string | null;
}

/** A period the export will not write, and why. */
export interface RefusedPeriod {
  period: ExportPeriod;
  reason: string;
}

/** A stable id: the first 32 hex digits of the sha256 of the parts as JSON. */
export function rowId(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

/** Currency, pricing version and hash, and the sources, as every row carries them. */
export function provenance(report: CostReport): Provenance {
  const fx = report.fx ? ` (converted from ${report.fx.base} at ${report.fx.rates.map((r) => r.text).join('/')})` : '';
  const hash = createHash('sha256');
  for (const p of report.pricing) hash.update(`${p.sha256}\n`);
  return {
    currency: report.currency,
    pricingVersion: `${report.pricing.map((p) => p.version).join('+')}${fx}`,
    pricingSha256: hash.digest('hex'),
    source: report.sources.map((s) => `${s.kind}:${s.name === undefined ? '' : `${s.name}=`}${s.location}`).join(' '),
  };
}

/**
 * Which periods may be written. A period is refused when the data is stale at its end (or at
 * the anchor, for the current one), when the data starts after its start, or when the report says
 * the data is partial or invalid. Only the periods before the first refused one are kept, so a
 * ledger never gets a hole that `--catch-up` would step over.
 */
export function checkPeriods(
  report: CostReport,
  dataRange: { first: number; last: number } | undefined,
  periods: readonly ExportPeriod[],
  at: { anchor: number; unit: ExportUnit },
): { ok: ExportPeriod[]; refused: RefusedPeriod[] } {
  const threshold = report.freshness.thresholdMs ?? 0;
  // Staleness is judged per period below; every other incomplete finding spoils them all.
  const broken = report.findings.find((f) => f.code !== 'STALE_DATA' && isIncomplete(f));
  const reasons = periods.map((p): string | undefined => {
    if (broken) return broken.message;
    const stale = staleness(report.freshness.overall, Math.min(p.end, at.anchor), threshold);
    if (stale) return stale;
    if (dataRange && dataRange.first > p.start + threshold) {
      return `the data starts at ${isoTime(dataRange.first)}, after the period's start: its usage before then is not in the data`;
    }
    return undefined;
  });
  const firstBad = reasons.findIndex((r) => r !== undefined);
  const cut = firstBad < 0 ? periods.length : firstBad;
  const refused = periods.slice(cut).map((period, i) => ({
    period,
    reason: reasons[cut + i] ?? `held back after the refused ${at.unit} before it, so that the ledger has no gap`,
  }));
  return { ok: periods.slice(0, cut), refused };
}

/** The period (by index) that holds the daily bucket (start, end], or -1. */
function periodOf(periods: readonly ExportPeriod[], start: number, end: number): number {
  return periods.findIndex((p) => p.start <= start && end <= p.end);
}

function compareRows(a: ReportRow, b: ReportRow): number {
  if (a.priced !== b.priced) return a.priced ? -1 : 1;
  const ca = a.totalCost ?? 0n;
  const cb = b.totalCost ?? 0n;
  if (ca !== cb) return ca > cb ? -1 : 1;
  const ta = sumTokens(a.tokens);
  const tb = sumTokens(b.tokens);
  if (ta !== tb) return tb - ta;
  const ka = JSON.stringify([a.group, a.unpricedReason ?? '']);
  const kb = JSON.stringify([b.group, b.unpricedReason ?? '']);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The report's daily rows folded into one row per period and group (and unpriced model and reason). */
function foldRows(report: CostReport, periods: readonly ExportPeriod[]): Map<number, ReportRow[]> {
  const byPeriod = new Map<number, Map<string, ReportRow>>();
  for (const row of report.rows) {
    if (row.bucket === undefined) continue;
    const p = periodOf(periods, report.buckets[row.bucket] as number, report.buckets[row.bucket + 1] as number);
    if (p < 0) continue;
    let rows = byPeriod.get(p);
    if (!rows) byPeriod.set(p, (rows = new Map()));
    const key = JSON.stringify([row.group, row.priced, row.unpricedReason ?? null]);
    let acc = rows.get(key);
    if (!acc) {
      const cost = row.cost ? { input: 0n, cached_input: 0n, cache_write: 0n, output: 0n } : null;
      acc = { group: row.group, bucket: undefined, priced: row.priced, tokens: zeroTokens(), cost, totalCost: cost ? 0n : null };
      if (row.unpricedReason) acc.unpricedReason = row.unpricedReason;
      rows.set(key, acc);
    }
    for (const t of TOKEN_TYPES) {
      acc.tokens[t] += row.tokens[t];
      if (acc.cost && row.cost) acc.cost[t] += row.cost[t];
    }
    if (acc.totalCost !== null && row.totalCost !== null) acc.totalCost += row.totalCost;
  }
  return new Map([...byPeriod].map(([p, rows]) => [p, [...rows.values()].sort(compareRows)]));
}

/**
 * One row per period and group, money rounded to `decimals` per period so that the period's rows
 * add up exactly to its total, correctly rounded (the same rounding a report over that period makes).
 */
export function ledgerRows(report: CostReport, periods: readonly ExportPeriod[], unit: ExportUnit, decimals: number): LedgerRow[] {
  const out: LedgerRow[] = [];
  const folded = foldRows(report, periods);
  periods.forEach((period, p) => {
    const rows = (folded.get(p) ?? []).filter((r) => sumTokens(r.tokens) > 0);
    const totalCost = rows.reduce((s, r) => s + (r.totalCost ?? 0n), 0n);
    const display = displayCosts({ ...report, rows, totals: { ...report.totals, totalCost } }, decimals);
    rows.forEach((r, i) => {
      const group: Record<string, string> = {};
      for (const d of report.by) group[d] = r.group[d] ?? '';
      const unpricedModel = r.priced ? undefined : (r.group.model ?? '');
      const cost = display.row(i);
      out.push({
        period,
        rowId: rowId([
          unit,
          isoTime(period.start),
          isoTime(period.end),
          report.by,
          report.by.map((d) => group[d]),
          unpricedModel ?? null,
          r.unpricedReason ?? null,
        ]),
        group,
        priced: r.priced,
        unpricedModel,
        unpricedReason: r.unpricedReason,
        tokens: r.tokens,
        cost: cost ? cost.byType : null,
        total: cost ? cost.total : null,
      });
    });
  });
  return out;
}

/** `2 periods refused: day 2026-11-21 (…): the newest token sample is …`, one line each. */
export function refusalMessage(refused: readonly RefusedPeriod[], unit: ExportUnit, zone: string): string {
  return refused.map((r) => `${describePeriod(r.period, unit, zone)} not written: ${r.reason}`).join('\n');
}
