import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { ReconcileResult } from '../../chargeback/reconcile.js';
import { terminalCell } from '../../text.js';
import { formatLocal } from '../format.js';
import type { RenderOptions } from '../options.js';
import { amounts, shareText, signedMoney, summaryLine } from './view.js';

/** Ours, theirs, the difference and its class per period and group; causes under each row that is not a match. */
export function renderReconcileTable(result: ReconcileResult, options: RenderOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const decimals = options.decimals ?? 2;
  const stepped = result.buckets.length > 2;
  const paint = { matched: chalk.green, mismatch: chalk.red.bold, 'only-ours': chalk.yellow, 'only-theirs': chalk.yellow };
  const head = [...(stepped ? ['Period'] : []), ...result.by, 'Ours', 'Theirs', 'Difference', '%', 'Class'];
  const table = new Table({
    head: head.map((h) => chalk.bold(h)),
    colAligns: [...(stepped ? ['left' as const] : []), ...result.by.map(() => 'left' as const), 'right', 'right', 'right', 'right', 'left'],
    style: { head: [], border: [], compact: true },
  });
  const m = (x: string | null) => signedMoney(x, result.currency);
  for (const r of result.rows) {
    const a = amounts(r, decimals);
    const period = stepped ? [formatLocal(result.buckets[r.bucket] as number, result.timezone).slice(0, 10)] : [];
    table.push([
      ...period,
      ...result.by.map((d) => terminalCell(r.group[d] ?? '')),
      m(a.ours),
      m(a.theirs),
      m(a.diff),
      shareText(r),
      paint[r.class](r.class),
    ]);
  }
  const lines = [chalk.bold(`Reconciliation against ${terminalCell(result.against)}`), table.toString(), summaryLine(result)];
  for (const r of result.rows) {
    if (r.causes.length === 0) continue;
    const when = stepped ? `${formatLocal(result.buckets[r.bucket] as number, result.timezone).slice(0, 10)} ` : '';
    const who = `${when}${result.by.map((d) => terminalCell(r.group[d] || `(no ${d})`)).join(' ') || 'total'}`;
    for (const c of r.causes) lines.push(`  ${paint[r.class](r.class.padEnd(11))} ${who}: ${terminalCell(c)}`);
  }
  return `${lines.join('\n')}\n`;
}
