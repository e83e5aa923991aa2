import Table from 'cli-table3';
import type { Backtest } from '../forecast/backtest.js';
import { csvText } from './csv.js';
import type { Format } from './formats.js';
import { round6 } from './format.js';
import { markdownTable } from './markdown.js';
import type { Renderer } from './options.js';

function rounded(b: Backtest) {
  return b.rows.map((x) => ({ ...x, mase: round6(x.mase), totalError: round6(x.totalError), coverage: round6(x.coverage) }));
}

const pct = (v: number | null, d: number) => (v === null ? '–' : `${(v * 100).toFixed(d)}%`);

function head(b: Backtest): string[] {
  return [
    'Method',
    'MASE (vs seasonal naive)',
    `Error of the ${b.horizon}-day total`,
    `Inside the ${Math.round(b.level * 100)}% interval`,
    'Origins',
  ];
}

function cells(b: Backtest): string[][] {
  return rounded(b).map((x) => [
    x.method,
    x.mase === null ? '–' : x.mase.toFixed(2),
    pct(x.totalError, 1),
    pct(x.coverage, 0),
    String(x.origins),
  ]);
}

/** `forecast --backtest` renderers: how good each method has been on this data. */
export const BACKTEST_RENDERERS: Record<Format, Renderer<Backtest>> = {
  json: (b) => `${JSON.stringify({ schemaVersion: 1, horizonDays: b.horizon, level: b.level, methods: rounded(b) }, null, 2)}\n`,
  csv: (b) =>
    csvText([
      ['method', 'mase', 'total_error', 'coverage', 'origins', 'horizon_days', 'level'],
      ...rounded(b).map((x) => [x.method, x.mase, x.totalError, x.coverage, x.origins, b.horizon, b.level]),
    ]),
  markdown: (b) => `${markdownTable(head(b), [false, true, true, true, true], cells(b)).join('\n')}\n`,
  table: (b) => {
    const table = new Table({
      head: head(b),
      colAligns: ['left', 'right', 'right', 'right', 'right'],
      style: { head: [], border: [], compact: true },
    });
    for (const c of cells(b)) table.push(c);
    return `Back-test: forecasts from every day with enough history, ${b.horizon} days ahead (MASE below 1 beats repeating last week)\n${table.toString()}\n`;
  },
};
