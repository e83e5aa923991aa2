import { displayCosts } from '../cost/display.js';
import type { CostReport } from '../cost/report.js';
import { isoTime } from '../ledger/time.js';
import { TOKEN_TYPES, type TokenType } from '../model.js';
import { displayPath } from '../pricing/load.js';
import type { RenderOptions } from './options.js';

/** Bumped on any change a consumer could notice; additions of fields do not bump it. */
export const REPORT_SCHEMA_VERSION = 1;

function time(ms: number): string | null {
  return Number.isFinite(ms) ? isoTime(ms) : null;
}

function money(decimal: string): number {
  // A decimal of ≤ 15 significant digits survives Number → JSON unchanged.
  return Number(decimal);
}

/** The stable, versioned JSON shape of design §7. Money is rounded to `decimals` (default 6). */
export function reportJson(report: CostReport, decimals = 6): object {
  const display = displayCosts(report, decimals);
  const typed = (f: (t: TokenType) => number) => Object.fromEntries(TOKEN_TYPES.map((t) => [t, f(t)]));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    window: {
      start: time(report.window.start),
      end: time(report.window.end),
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
    })),
    dialects: report.dialects,
    pricing: {
      files: report.pricing.map((p) => ({ path: displayPath(p.path), version: p.version, sha256: p.sha256 })),
      version: report.pricing.map((p) => p.version).join('+'),
      sha256: report.pricing.at(-1)?.sha256 ?? null,
    },
    groupBy: report.by,
    rows: report.rows.map((row, i) => {
      const cost = display.rows[i];
      return {
        group: row.group,
        ...(row.bucket === undefined
          ? {}
          : { start: time(report.buckets[row.bucket] as number), end: time(report.buckets[row.bucket + 1] as number) }),
        priced: row.priced,
        ...(row.unpricedReason ? { unpricedReason: row.unpricedReason } : {}),
        tokens: typed((t) => row.tokens[t]),
        cost: cost ? typed((t) => money(cost.byType[t])) : null,
        totalCost: cost ? money(cost.total) : null,
      };
    }),
    totals: {
      tokens: typed((t) => report.totals.tokens[t]),
      cost: typed((t) => money(display.totals.byType[t])),
      totalCost: money(display.totals.total),
      unpricedTokens: report.totals.unpricedTokens,
    },
    coverage: report.sources.some((s) => s.samplesCounted === false) ? { ...report.coverage, samples: null, gaps: null } : report.coverage,
    warnings: report.findings.map((f) => ({ code: f.code, severity: f.severity, message: f.message })),
  };
}

export function renderJson(report: CostReport, options: RenderOptions): string {
  return `${JSON.stringify(reportJson(report, options.decimals ?? 6), null, 2)}\n`;
}
