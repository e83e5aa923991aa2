import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import type { BudgetResult } from '../budget/evaluate.js';
import type { SourceInfo } from '../cost/report.js';
import { formatUnits, roundToUnits } from '../cost/money.js';
import { isoTime } from '../ledger/time.js';
import { formatLocal, formatMoney } from './columns.js';
import { neutralise } from './csv.js';
import type { RenderOptions } from './options.js';

export interface BudgetView {
  results: BudgetResult[];
  at: number;
  timezone: string;
  currency: string;
  /** Where the data came from (with request counts for servers). */
  sources: SourceInfo[];
}

/** GitHub refuses job summaries over 1 MiB and comments over 65,536 characters. */
export const MARKDOWN_LIMIT = 60_000;

function money(femto: bigint, currency: string): string {
  return formatMoney(formatUnits(roundToUnits(femto, 2), 2), currency);
}

function moneyNumber(x: number, currency: string): string {
  return formatMoney(x.toFixed(2), currency);
}

function percent(spent: bigint, limit: bigint): number {
  return limit > 0n ? Number((spent * 10_000n) / limit) / 100 : 0;
}

/** "spent 85% ($850.00 of $1,000.00); 15% remaining" — never ambiguous about which is which. */
export function usedSentence(r: BudgetResult, currency: string): string {
  if (r.burn)
    return r.burn.windows.map((w) => `${w.ratio.toFixed(1)}× the allowed rate over ${w.window} (${money(w.spent, currency)})`).join('; ');
  const used = percent(r.spent, r.limit);
  const remaining = Math.max(0, 100 - used);
  const over = r.spent > r.limit ? `; ${money(r.spent - r.limit, currency)} over` : `; ${remaining.toFixed(0)}% remaining`;
  return `spent ${used.toFixed(0)}% (${money(r.spent, currency)} of ${money(r.limit, currency)})${over}`;
}

function forecastText(r: BudgetResult, currency: string): string {
  if (!r.forecast) return '';
  const f = r.forecast;
  if (!Number.isFinite(f.lower)) return moneyNumber(f.total, currency);
  return `${moneyNumber(f.total, currency)} (${moneyNumber(f.lower, currency)}–${moneyNumber(f.upper, currency)})`;
}

const STATUS_ORDER: Record<BudgetResult['status'], number> = {
  breached: 0,
  'breached-by-forecast': 1,
  'no-data': 2,
  incomplete: 3,
  warn: 4,
  ok: 5,
};

function sorted(results: BudgetResult[]): BudgetResult[] {
  return [...results].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.instance.localeCompare(b.instance));
}

export function renderBudgetTable(view: BudgetView, options: RenderOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const paint: Record<BudgetResult['status'], (s: string) => string> = {
    ok: chalk.green,
    warn: chalk.yellow,
    breached: chalk.red.bold,
    'breached-by-forecast': chalk.red,
    'no-data': chalk.magenta,
    incomplete: chalk.magenta,
  };
  const table = new Table({
    head: ['Budget', 'Scope', 'Period', 'Spent', 'Limit', 'Used', 'Remaining', 'Forecast (interval)', 'Runs out', 'Status'].map((h) =>
      chalk.bold(h),
    ),
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
    style: { head: [], border: [], compact: true },
  });
  for (const r of view.results) {
    table.push([
      r.instance,
      r.scope,
      `${r.period.label}: ${formatLocal(r.period.start, view.timezone)} → ${formatLocal(r.period.end, view.timezone)}`,
      money(r.spent, view.currency),
      r.burn ? `×${r.burn.factor}` : money(r.limit, view.currency),
      r.burn ? r.burn.windows.map((w) => `${w.ratio.toFixed(1)}×/${w.window}`).join(' ') : `${percent(r.spent, r.limit).toFixed(0)}%`,
      r.burn ? '' : r.spent > r.limit ? `−${money(r.spent - r.limit, view.currency)}` : money(r.limit - r.spent, view.currency),
      forecastText(r, view.currency),
      r.exhaustion === undefined ? '' : formatLocal(r.exhaustion, view.timezone).slice(0, 10),
      paint[r.status](r.status),
    ]);
  }
  const lines = [chalk.bold(`Budgets at ${formatLocal(view.at, view.timezone)} ${view.timezone}`), table.toString()];
  for (const r of sorted(view.results))
    if (r.status !== 'ok') lines.push(`${paint[r.status](r.status.padEnd(20))} ${r.instance}: ${usedSentence(r, view.currency)}`);
  return `${lines.join('\n')}\n`;
}

function markdownRow(r: BudgetResult, view: BudgetView): string {
  const icon = { ok: '✅', warn: '⚠️', breached: '❌', 'breached-by-forecast': '🔶', 'no-data': '❔', incomplete: '❔' }[r.status];
  const cells = [
    `${icon} ${r.status}`,
    `\`${r.instance}\``,
    r.scope.replace(/\|/g, '\\|'),
    `${r.period.label} (${formatLocal(r.period.start, view.timezone).slice(0, 10)} → ${formatLocal(r.period.end, view.timezone).slice(0, 10)})`,
    usedSentence(r, view.currency),
    forecastText(r, view.currency),
    r.exhaustion === undefined ? '' : formatLocal(r.exhaustion, view.timezone).slice(0, 10),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** A summary for `$GITHUB_STEP_SUMMARY` or a PR comment; long lists fold the budgets that are ok. */
export function renderBudgetMarkdown(view: BudgetView): string {
  const counts = new Map<string, number>();
  for (const r of view.results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const failing = view.results.filter((r) => r.fails).length;
  const head = [
    `### LLM budgets: ${failing > 0 ? `❌ ${failing} failing` : '✅ all within'}`,
    '',
    `${[...counts.entries()].map(([s, n]) => `${n} ${s}`).join(' · ')} — at ${formatLocal(view.at, view.timezone)} ${view.timezone}`,
    '',
    '| Status | Budget | Scope | Period | Spend | Forecast at period end | Runs out |',
    '| --- | --- | --- | --- | --- | ---: | --- |',
  ];
  const rows = sorted(view.results).map((r) => markdownRow(r, view));
  let body = [...head, ...rows].join('\n');
  if (body.length > MARKDOWN_LIMIT) {
    const kept: string[] = [];
    let size = head.join('\n').length;
    let folded = 0;
    for (const [i, r] of sorted(view.results).entries()) {
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

/** The stable JSON shape: one entry per budget (instance), with money as numbers of cents precision 6. */
export function budgetJson(view: BudgetView): object {
  const m = (femto: bigint) => Number(formatUnits(roundToUnits(femto, 6), 6));
  return {
    schemaVersion: 1,
    at: isoTime(view.at),
    timezone: view.timezone,
    currency: view.currency,
    source: view.sources.map((s) => ({
      kind: s.kind,
      name: s.name ?? null,
      location: s.location,
      ...(s.requests ? { requests: s.requests } : {}),
    })),
    summary: Object.fromEntries(
      ['ok', 'warn', 'breached', 'breached-by-forecast', 'no-data'].map((s) => [s, view.results.filter((r) => r.status === s).length]),
    ),
    budgets: view.results.map((r) => ({
      budget: r.budget,
      instance: r.instance,
      scope: r.scope,
      period: { label: r.period.label, start: isoTime(r.period.start), end: isoTime(r.period.end) },
      spent: m(r.spent),
      limit: r.burn ? null : m(r.limit),
      usedPercent: r.burn ? null : percent(r.spent, r.limit),
      remaining: r.burn ? null : m(r.limit - r.spent),
      forecast: r.forecast
        ? { ...r.forecast, total: round6(r.forecast.total), lower: round6(r.forecast.lower), upper: round6(r.forecast.upper) }
        : null,
      exhaustion: r.exhaustion === undefined ? null : isoTime(r.exhaustion),
      burn: r.burn
        ? { factor: r.burn.factor, windows: r.burn.windows.map((w) => ({ window: w.window, spent: m(w.spent), ratio: round6(w.ratio) })) }
        : null,
      status: r.status,
      fails: r.fails,
      findings: r.findings,
    })),
  };
}

function round6(x: number): number | null {
  return Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : null;
}

export function renderBudgetCsv(view: BudgetView): string {
  const header = [
    'budget',
    'instance',
    'scope',
    'period',
    'period_start',
    'period_end',
    'spent',
    'limit',
    'used_percent',
    'forecast',
    'forecast_lower',
    'forecast_upper',
    'exhaustion',
    'status',
    'fails',
    'currency',
  ];
  const rows = view.results.map((r) => [
    neutralise(r.budget),
    neutralise(r.instance),
    neutralise(r.scope),
    r.period.label,
    isoTime(r.period.start),
    isoTime(r.period.end),
    formatUnits(roundToUnits(r.spent, 6), 6),
    r.burn ? '' : formatUnits(roundToUnits(r.limit, 6), 6),
    r.burn ? '' : percent(r.spent, r.limit).toFixed(2),
    r.forecast ? r.forecast.total.toFixed(6) : '',
    r.forecast ? r.forecast.lower.toFixed(6) : '',
    r.forecast ? r.forecast.upper.toFixed(6) : '',
    r.exhaustion === undefined ? '' : isoTime(r.exhaustion),
    r.status,
    r.fails ? 'true' : 'false',
    view.currency,
  ]);
  return stringify([header, ...rows], { record_delimiter: '\n' });
}

export const BUDGET_RENDERERS: Record<'table' | 'json' | 'csv' | 'markdown', (view: BudgetView, options: RenderOptions) => string> = {
  table: renderBudgetTable,
  json: (view) => `${JSON.stringify(budgetJson(view), null, 2)}\n`,
  csv: renderBudgetCsv,
  markdown: renderBudgetMarkdown,
};
