import type { ReconcileResult } from '../../chargeback/reconcile.js';
import { isoTime } from '../../ledger/time.js';
import { TOKEN_TYPES } from '../../model.js';
import { femtoDecimal } from '../format.js';
import type { RenderOptions } from '../options.js';
import { amounts, periodOf } from './view.js';

/** The stable JSON shape of a reconciliation; money as numbers rounded to `decimals` (default 6). */
export function reconcileJson(result: ReconcileResult, decimals = 6): object {
  const num = (x: string | null) => (x === null ? null : Number(x));
  const byType = (s: { byType: Partial<Record<string, bigint>> } | undefined) =>
    s && Object.keys(s.byType).length > 0
      ? Object.fromEntries(
          TOKEN_TYPES.filter((t) => s.byType[t] !== undefined).map((t) => [t, Number(femtoDecimal(s.byType[t] as bigint, decimals))]),
        )
      : null;
  return {
    schemaVersion: 1,
    against: result.against,
    currency: result.currency,
    window: {
      start: Number.isFinite(result.window.start) ? isoTime(result.window.start) : null,
      end: Number.isFinite(result.window.end) ? isoTime(result.window.end) : null,
      label: result.window.label,
    },
    tolerance: { percent: result.tolerance.share * 100, amount: Number(femtoDecimal(result.tolerance.amount, decimals)) },
    groupBy: result.by,
    rows: result.rows.map((r) => {
      const a = amounts(r, decimals);
      const p = periodOf(result, r);
      return {
        periodStart: p.start || null,
        periodEnd: p.end || null,
        group: r.group,
        ours: num(a.ours),
        theirs: num(a.theirs),
        difference: Number(a.diff),
        percent: r.share === undefined ? null : Math.round(r.share * 1e6) / 1e4,
        class: r.class,
        withinTolerance: r.withinTolerance,
        causes: r.causes,
        oursByType: byType(r.ours),
        theirsByType: byType(r.theirs),
      };
    }),
    totals: {
      ours: Number(femtoDecimal(result.totals.ours, decimals)),
      theirs: Number(femtoDecimal(result.totals.theirs, decimals)),
      difference: Number(femtoDecimal(result.totals.diff, decimals)),
    },
    failing: result.failing,
    notes: result.notes,
  };
}

export function renderReconcileJson(result: ReconcileResult, options: RenderOptions): string {
  return `${JSON.stringify(reconcileJson(result, options.decimals ?? 6), null, 2)}\n`;
}
