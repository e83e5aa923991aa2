import type { ReconcileResult } from '../../chargeback/reconcile.js';
import { markdownCell, markdownTable } from '../markdown.js';
import type { RenderOptions } from '../options.js';
import { amounts, periodOf, shareText, signedMoney, summaryLine } from './view.js';

const ICON = { matched: '✅', mismatch: '❌', 'only-ours': '⚠️', 'only-theirs': '⚠️' } as const;

/** A summary for a PR comment or a job summary: the table, then the likely causes. */
export function renderReconcileMarkdown(result: ReconcileResult, options: RenderOptions): string {
  const decimals = options.decimals ?? 2;
  const stepped = result.buckets.length > 2;
  const m = (x: string | null) => signedMoney(x, result.currency);
  const rows = result.rows.map((r) => {
    const a = amounts(r, decimals);
    return [
      ...(stepped ? [periodOf(result, r).start.slice(0, 10)] : []),
      ...result.by.map((d) => markdownCell(r.group[d] ?? '')),
      m(a.ours),
      m(a.theirs),
      m(a.diff),
      shareText(r),
      `${ICON[r.class]} ${r.class}`,
      markdownCell(r.causes.join('; ')),
    ];
  });
  const head = [...(stepped ? ['Period'] : []), ...result.by, 'Ours', 'Theirs', 'Difference', '%', 'Class', 'Likely causes'];
  const right = head.map((h) => ['Ours', 'Theirs', 'Difference', '%'].includes(h));
  const lines = [
    `### Reconciliation against ${markdownCell(result.against)}: ${result.failing === 0 ? '✅ within tolerance' : `❌ ${result.failing} beyond tolerance`}`,
    '',
    markdownCell(summaryLine(result)),
    '',
    ...markdownTable(head.map(markdownCell), right, rows),
  ];
  return `${lines.join('\n')}\n`;
}
