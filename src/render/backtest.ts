import type { Backtest } from '../forecast/backtest.js';
import { csvText } from './csv.js';
import type { Format } from './formats.js';
import { round6 } from './format.js';
import { hiddenNote, type LayoutColumn, renderTable } from './layout.js';
import { markdownTable } from './markdown.js';
import type { Renderer } from './options.js';
import { painter, wrap } from './terminal.js';

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
  table: (b, options) => {
    const paint = painter(options.color);
    const narrow = ['MASE', `${b.horizon}-day error`, `In ${Math.round(b.level * 100)}%`, 'Origins'];
    const columns: LayoutColumn[] = head(b).map((header, i) => ({
      header,
      align: i === 0 ? 'left' : 'right',
      ...(i === 0 ? {} : { narrowHeader: narrow[i - 1] as string }),
      ...(i === 4 ? { priority: 10 } : i === 3 ? { priority: 20 } : {}),
    }));
    const table = renderTable({ columns, rows: cells(b), width: options.width, paint });
    const title = `Back-test: forecasts from every day with enough history, ${b.horizon} days ahead (MASE below 1 beats repeating last week)`;
    const lines = [...wrap(title, options.width, { indent: 2 }), ...table.lines];
    if (table.hidden.length > 0) lines.push(...wrap(hiddenNote(table.hidden, options.width), options.width).map((l) => paint('dim', l)));
    return `${lines.join('\n')}\n`;
  },
};
