import type { ReconcileResult } from '../../chargeback/reconcile.js';
import { csvText } from '../csv.js';
import type { RenderOptions } from '../options.js';
import { amounts, periodOf } from './view.js';

/** One row per period and group: bounds, the groups, ours, theirs, difference, percent, class, causes; currency. */
export function renderReconcileCsv(result: ReconcileResult, options: RenderOptions): string {
  const decimals = options.decimals ?? 6;
  const header = [
    'period_start',
    'period_end',
    ...result.by,
    'ours',
    'theirs',
    'difference',
    'percent',
    'class',
    'within_tolerance',
    'causes',
    'currency',
  ];
  const rows = result.rows.map((r) => {
    const a = amounts(r, decimals);
    const p = periodOf(result, r);
    return [
      p.start,
      p.end,
      ...result.by.map((d) => r.group[d] ?? ''),
      a.ours ?? '',
      a.theirs ?? '',
      a.diff,
      r.share === undefined ? '' : (r.share * 100).toFixed(4),
      r.class,
      r.withinTolerance ? 'true' : 'false',
      r.causes.join('; '),
      result.currency,
    ];
  });
  return csvText([header, ...rows]);
}
