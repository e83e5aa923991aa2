import type { BudgetResult } from '../../budget/evaluate.js';
import { formatDay, formatLocal } from '../format.js';
import { markdownCell, markdownCode, markdownTable } from '../markdown.js';
import { byStatus, type BudgetView, forecastText, usedSentence } from './view.js';

/** GitHub refuses job summaries over 1 MiB and comments over 65,536 characters. */
export const MARKDOWN_LIMIT = 60_000;

const ICON: Record<BudgetResult['status'], string> = {
  ok: '✅',
  warn: '⚠️',
  breached: '❌',
  'breached-by-forecast': '🔶',
  'no-data': '❔',
  incomplete: '❔',
  stale: '⏳',
};

function cells(r: BudgetResult, view: BudgetView): string[] {
  const { timezone } = view;
  return [
    `${ICON[r.status]} ${r.status}`,
    markdownCode(r.instance),
    markdownCell(r.scope),
    `${r.period.label} (${formatDay(r.period.start, timezone)} → ${formatDay(r.period.end, timezone)})`,
    usedSentence(r, view.currency),
    forecastText(r, view.currency),
    r.exhaustion === undefined ? '' : formatDay(r.exhaustion, timezone),
  ];
}

/** A summary for `$GITHUB_STEP_SUMMARY` or a PR comment; long lists fold the budgets that are ok. */
export function renderBudgetMarkdown(view: BudgetView): string {
  const counts = new Map<string, number>();
  for (const r of view.results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const failing = view.results.filter((r) => r.fails).length;
  const [header, align] = markdownTable(
    ['Status', 'Budget', 'Scope', 'Period', 'Spend', 'Forecast at period end', 'Runs out'],
    [false, false, false, false, false, true, false],
    [],
  );
  const head = [
    `### LLM budgets: ${failing > 0 ? `❌ ${failing} failing` : '✅ all within'}`,
    '',
    `${[...counts.entries()].map(([s, n]) => `${n} ${s}`).join(' · ')} — at ${formatLocal(view.at, view.timezone)} ${view.timezone}`,
    '',
    header as string,
    align as string,
  ];
  const sorted = byStatus(view.results);
  const rows = sorted.map((r) => `| ${cells(r, view).join(' | ')} |`);
  let body = [...head, ...rows].join('\n');
  if (body.length > MARKDOWN_LIMIT) {
    const kept: string[] = [];
    let size = head.join('\n').length;
    let folded = 0;
    for (const [i, r] of sorted.entries()) {
      const row = rows[i] as string;
      if (r.status !== 'ok' && size + row.length < MARKDOWN_LIMIT - 200) {
        kept.push(row);
        size += row.length + 1;
      } else {
        folded++;
      }
    }
    body = [...head, ...kept, '', `…and ${folded} more budgets not listed (see the JSON output for all).`].join('\n');
  }
  return `${body}\n`;
}
