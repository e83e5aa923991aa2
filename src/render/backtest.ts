import Table from 'cli-table3';
import type { MethodScore } from '../forecast/backtest.js';
import type { GroupsBacktest } from '../forecast/groups.js';
import { isoTime } from '../ledger/time.js';
import { type CsvCell, csvText, neutralise } from './csv.js';
import type { Format } from './formats.js';
import { round6 } from './format.js';
import { markdownCell, markdownTable } from './markdown.js';
import type { Renderer } from './options.js';

/** The scores of one method, rounded for output (null where there was nothing to score). */
function rounded(x: MethodScore) {
  return {
    method: x.method,
    error: round6(x.error),
    bias: round6(x.bias),
    mase: round6(x.mase),
    coverage: round6(x.coverage),
    origins: x.origins,
  };
}

const pct = (v: number, digits: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(digits)}%` : '–');
const signedPct = (v: number) => (Number.isFinite(v) ? `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)}%` : '–');

/** `team=search, model=…`; `all groups` for the pooled rows; `all` when not grouped. */
function label(b: GroupsBacktest, g: number | undefined): string {
  if (g === undefined) return 'all groups';
  if (b.by.length === 0) return 'all';
  return b.by.map((d) => `${d}=${(b.groups[g] as Record<string, string>)[d] || '(none)'}`).join(', ');
}

function head(b: GroupsBacktest): string[] {
  return [
    'Group',
    'Method',
    `Error of the ${b.period} total`,
    'Bias',
    'MASE',
    `Inside the ${Math.round(b.backtest.level * 100)}% interval`,
    'Origins',
  ];
}

/** Pooled rows first (when there are several groups), then each group's. */
function sections(b: GroupsBacktest): { g: number | undefined; rows: MethodScore[] }[] {
  const per = b.backtest.groups.map((rows, g) => ({ g: g as number | undefined, rows }));
  return b.backtest.groups.length > 1 ? [{ g: undefined, rows: b.backtest.pooled }, ...per] : per;
}

function cells(b: GroupsBacktest, escape: (s: string) => string): string[][] {
  return sections(b).flatMap(({ g, rows }) =>
    rows.map((x, i) => [
      i === 0 ? escape(label(b, g)) : '',
      x.method,
      pct(x.error, 1),
      signedPct(x.bias),
      Number.isFinite(x.mase) ? x.mase.toFixed(2) : '–',
      pct(x.coverage, 0),
      String(x.origins),
    ]),
  );
}

function intro(b: GroupsBacktest): string {
  const origins = Math.max(0, ...b.backtest.pooled.map((x) => x.origins));
  return `Back-test: ${b.period} totals forecast from every day of ${b.backtest.days} days of history (from ${isoTime(b.from).slice(0, 10)}) whose ${b.period} ended inside it, against what the ${b.period} came to; ${origins} forecasts per method. MASE below 1 beats repeating last week.`;
}

function json(b: GroupsBacktest): string {
  const out = {
    schemaVersion: 1,
    period: b.period,
    level: b.backtest.level,
    from: isoTime(b.from),
    days: b.backtest.days,
    groupBy: b.by,
    pooled: b.backtest.pooled.map(rounded),
    groups: b.groups.map((group, g) => ({ group, methods: (b.backtest.groups[g] as MethodScore[]).map(rounded) })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

function csv(b: GroupsBacktest): string {
  const rows: CsvCell[][] = [['scope', ...b.by, 'method', 'error', 'bias', 'mase', 'coverage', 'origins', 'period', 'level']];
  for (const { g, rows: scores } of sections(b))
    for (const x of scores) {
      const r = rounded(x);
      const group = b.by.map((d) => (g === undefined ? '' : neutralise((b.groups[g] as Record<string, string>)[d] ?? '')));
      rows.push([
        g === undefined ? 'pooled' : 'group',
        ...group,
        r.method,
        r.error,
        r.bias,
        r.mase,
        r.coverage,
        r.origins,
        b.period,
        b.backtest.level,
      ]);
    }
  return csvText(rows);
}

/** `forecast --backtest` renderers: how good each method has been on this data, per group and for all groups. */
export const BACKTEST_RENDERERS: Record<Format, Renderer<GroupsBacktest>> = {
  json,
  csv,
  markdown: (b) =>
    `${intro(b)}\n\n${markdownTable(head(b), [false, false, true, true, true, true, true], cells(b, markdownCell)).join('\n')}\n`,
  table: (b) => {
    const table = new Table({
      head: head(b),
      colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right'],
      style: { head: [], border: [], compact: true },
    });
    for (const c of cells(b, (s) => s)) table.push(c);
    return `${intro(b)}\n${table.toString()}\n`;
  },
};
