import { groupKey } from '../ledger/freshness.js';
import type { Matcher } from '../ledger/matchers.js';
import { sumTokens } from '../model.js';
import { femtoToNumber } from '../money.js';
import type { CostReport, ReportRow } from './report.js';

/** The rows of a report that one budget or forecast looks at, and sums over time ranges. */
export interface Scope {
  /** Exact cost (femto-units) of the buckets inside (from, to]. */
  costBetween(from: number, to: number): bigint;
  /** Tokens without a price inside (from, to]. */
  unpricedBetween(from: number, to: number): number;
  /** Cost per day for days (edges[i], edges[i+1]], in currency units (floats, for forecasting). */
  daily(dayEdges: readonly number[]): number[];
  /** True when at least one series is in scope, used or not. */
  hasSeries: boolean;
  /** When no series is in scope: which condition removed them all, and the values its label has. */
  whyEmpty(): string;
  /** The newest sample of any series in scope (undefined: none had a time). */
  newest(): number | undefined;
}

/** Rows and groups of `report` whose `--by` values satisfy every matcher (and `extra`). */
export function scopeOf(report: CostReport, matchers: readonly Matcher[], extra: Record<string, string> = {}): Scope {
  const index = new Map(report.by.map((d, i) => [d, i]));
  const accepts = (values: (d: string) => string) =>
    matchers.every((m) => m.test(values(m.label))) && Object.entries(extra).every(([k, v]) => values(k) === v);
  const rows = report.rows.filter((r) => accepts((d) => r.group[d] ?? ''));
  const hasSeries = report.groups.some((g) => accepts((d) => g[index.get(d) ?? -1] ?? ''));
  const inside = (r: ReportRow, from: number, to: number): boolean => {
    if (r.bucket === undefined) return true;
    const start = report.buckets[r.bucket] as number;
    const end = report.buckets[r.bucket + 1] as number;
    return start >= from && end <= to;
  };
  const valuesOf = (d: string) => [...new Set(report.groups.map((g) => g[index.get(d) ?? -1] ?? ''))].sort();
  const conditions = [
    ...matchers.map((m) => ({ text: `${m.label}${m.op}${m.value}`, label: m.label, test: (v: string) => m.test(v) })),
    ...Object.entries(extra).map(([k, v]) => ({ text: `${k}=${v}`, label: k, test: (x: string) => x === v })),
  ];
  return {
    hasSeries,
    newest() {
      let newest: number | undefined;
      for (const g of report.groups) {
        if (!accepts((d) => g[index.get(d) ?? -1] ?? '')) continue;
        const t = report.freshness.byGroup.get(groupKey(g));
        if (t !== undefined && !(t <= (newest ?? Number.NEGATIVE_INFINITY))) newest = t;
      }
      return newest;
    },
    whyEmpty() {
      const none = conditions.find((c) => !report.groups.some((g) => c.test(g[index.get(c.label) ?? -1] ?? '')));
      if (!none) return `no series has all of ${conditions.map((c) => c.text).join(', ')}`;
      const values = valuesOf(none.label);
      const shown = values.length > 10 ? `${values.slice(0, 10).join(', ')}, …` : values.join(', ');
      return `${none.text} matched no series (${none.label} is ${shown || 'never set'})`;
    },
    costBetween(from, to) {
      let sum = 0n;
      for (const r of rows) if (r.totalCost !== null && inside(r, from, to)) sum += r.totalCost;
      return sum;
    },
    unpricedBetween(from, to) {
      let sum = 0;
      for (const r of rows) if (r.totalCost === null && inside(r, from, to)) sum += sumTokens(r.tokens);
      return sum;
    },
    daily(dayEdges) {
      const out: number[] = [];
      for (let i = 0; i + 1 < dayEdges.length; i++)
        out.push(femtoToNumber(this.costBetween(dayEdges[i] as number, dayEdges[i + 1] as number)));
      return out;
    },
  };
}
