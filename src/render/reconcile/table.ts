import type { ReconcileResult } from '../../chargeback/reconcile.js';
import { terminalCell } from '../../text.js';
import { formatLocal } from '../format.js';
import { type Cell, hiddenNote, type LayoutColumn, renderTable } from '../layout.js';
import type { RenderOptions } from '../options.js';
import { painter, type Style, wrap } from '../terminal.js';
import { amounts, shareText, signedMoney, summaryLine } from './view.js';

const STYLE: Record<ReconcileResult['rows'][number]['class'], Style> = {
  matched: 'green',
  mismatch: ['red', 'bold'],
  'only-ours': 'yellow',
  'only-theirs': 'yellow',
};

/** Ours, theirs, the difference and its class per period and group, fitted to the width; causes under each row that is not a match. */
export function renderReconcileTable(result: ReconcileResult, options: RenderOptions): string {
  const paint = painter(options.color);
  const decimals = options.decimals ?? 2;
  const stepped = result.buckets.length > 2;
  const labels = [...(stepped ? ['Period'] : []), ...result.by];
  const columns: LayoutColumn[] = [
    ...labels.map((header, i): LayoutColumn => ({ header, align: 'left', ...(stepped && i === 0 ? {} : { shrinkTo: 8 }) })),
    { header: 'Ours', align: 'right' },
    { header: 'Theirs', align: 'right' },
    { header: 'Difference', align: 'right' },
    { header: '%', align: 'right', priority: 10 },
    { header: 'Class', align: 'left' },
  ];
  const m = (x: string | null) => signedMoney(x, result.currency);
  const rows: Cell[][] = result.rows.map((r) => {
    const a = amounts(r, decimals);
    const period = stepped ? [formatLocal(result.buckets[r.bucket] as number, result.timezone).slice(0, 10)] : [];
    return [
      ...period,
      ...result.by.map((d) => r.group[d] ?? ''),
      m(a.ours),
      m(a.theirs),
      m(a.diff),
      shareText(r),
      { text: r.class, style: STYLE[r.class] },
    ];
  });
  const table = renderTable({ columns, rows, width: options.width, paint });
  const lines = [
    ...wrap(`Reconciliation against ${terminalCell(result.against)}`, options.width).map((l) => paint('bold', l)),
    ...table.lines,
  ];
  if (table.hidden.length > 0) lines.push(...wrap(hiddenNote(table.hidden, options.width), options.width).map((l) => paint('dim', l)));
  lines.push(...wrap(summaryLine(result), options.width));
  for (const r of result.rows) {
    if (r.causes.length === 0) continue;
    const when = stepped ? `${formatLocal(result.buckets[r.bucket] as number, result.timezone).slice(0, 10)} ` : '';
    const who = `${when}${result.by.map((d) => terminalCell(r.group[d] || `(no ${d})`)).join(' ') || 'total'}`;
    for (const c of r.causes) {
      const [first = '', ...rest] = wrap(`  ${r.class.padEnd(11)} ${who}: ${terminalCell(c)}`, options.width, { indent: 4 });
      lines.push(`  ${paint(STYLE[r.class], r.class.padEnd(11))}${first.slice(13)}`, ...rest);
    }
  }
  return `${lines.join('\n')}\n`;
}
