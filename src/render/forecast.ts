import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import { formatUnits, roundToUnits } from '../cost/money.js';
import type { Backtest } from '../forecast/backtest.js';
import type { ForecastReport, GroupForecast } from '../forecast/groups.js';
import { isoTime } from '../ledger/time.js';
import { spendChart } from './chart.js';
import { formatLocal, formatMoney } from './columns.js';
import { neutralise } from './csv.js';

type Format = 'table' | 'json' | 'csv' | 'markdown';

const money = (x: number, currency: string) => formatMoney(x.toFixed(2), currency);
const exact = (femto: bigint, currency: string) => formatMoney(formatUnits(roundToUnits(femto, 2), 2), currency);
const round6 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : null);

function groupLabel(r: ForecastReport, g: GroupForecast): string {
  return r.by.length === 0 ? 'all' : r.by.map((d) => g.group[d] || '(none)').join(' · ');
}

function forecastJson(r: ForecastReport): object {
  return {
    schemaVersion: 1,
    at: isoTime(r.at),
    timezone: r.timezone,
    currency: r.currency,
    period: { label: r.period.label, start: isoTime(r.period.start), end: isoTime(r.period.end) },
    groupBy: r.by,
    budget: r.budget === undefined ? null : Number(r.budget),
    groups: r.groups.map((g) => ({
      group: g.group,
      spent: Number(formatUnits(roundToUnits(g.spent, 6), 6)),
      forecast: g.forecast
        ? {
            method: g.forecast.method,
            total: round6(g.forecast.total),
            lower: round6(g.forecast.lower),
            upper: round6(g.forecast.upper),
            level: g.forecast.level,
          }
        : null,
      exhaustion: g.exhaustion === undefined ? null : isoTime(g.exhaustion),
      budgetOutcome: g.budgetOutcome ?? null,
      findings: g.findings,
    })),
  };
}

/** Period-end forecast per group; in a terminal, a chart of the total under the table. */
export function renderForecast(r: ForecastReport, format: Format, options: { color: boolean; width: number; chart: boolean }): string {
  if (format === 'json') return `${JSON.stringify(forecastJson(r), null, 2)}\n`;
  const level = `${Math.round((r.groups[0]?.forecast?.level ?? 0.8) * 100)}%`;
  if (format === 'csv') {
    const header = [
      'period',
      'period_start',
      'period_end',
      ...r.by,
      'spent',
      'forecast',
      'forecast_lower',
      'forecast_upper',
      'method',
      'exhaustion',
      'currency',
    ];
    const rows = r.groups.map((g) => [
      r.period.label,
      isoTime(r.period.start),
      isoTime(r.period.end),
      ...r.by.map((d) => neutralise(g.group[d] ?? '')),
      formatUnits(roundToUnits(g.spent, 6), 6),
      g.forecast ? g.forecast.total.toFixed(6) : '',
      g.forecast ? g.forecast.lower.toFixed(6) : '',
      g.forecast ? g.forecast.upper.toFixed(6) : '',
      g.forecast?.method ?? '',
      g.exhaustion === undefined ? '' : isoTime(g.exhaustion),
      r.currency,
    ]);
    return stringify([header, ...rows], { record_delimiter: '\n' });
  }
  const heading = `Forecast to the end of the ${r.period.label} (${formatLocal(r.period.end, r.timezone)} ${r.timezone}), as of ${formatLocal(r.at, r.timezone)}`;
  const cells = (g: GroupForecast) => [
    groupLabel(r, g),
    exact(g.spent, r.currency),
    g.forecast ? money(g.forecast.total, r.currency) : 'too little history',
    g.forecast
      ? Number.isFinite(g.forecast.lower)
        ? `${money(g.forecast.lower, r.currency)} – ${money(g.forecast.upper, r.currency)}`
        : 'n/a (short history)'
      : '',
    g.forecast?.method ?? '',
    ...(r.budget !== undefined
      ? [
          g.budgetOutcome === 'reached'
            ? 'already reached'
            : g.budgetOutcome === 'not-this-period'
              ? 'not this period'
              : g.exhaustion === undefined
                ? ''
                : formatLocal(g.exhaustion, r.timezone).slice(0, 10),
        ]
      : []),
  ];
  const head = [
    'Group',
    'Spent so far',
    `${r.period.label[0]?.toUpperCase()}${r.period.label.slice(1)}-end forecast`,
    `${level} interval`,
    'Method',
    ...(r.budget !== undefined ? [`Reaches ${money(Number(r.budget), r.currency)}`] : []),
  ];
  if (format === 'markdown') {
    const lines = [
      `### ${heading}`,
      '',
      `| ${head.join(' | ')} |`,
      `| ${head.map((_, i) => (i === 0 || i === 4 ? '---' : '---:')).join(' | ')} |`,
    ];
    for (const g of r.groups) lines.push(`| ${cells(g).join(' | ')} |`);
    return `${lines.join('\n')}\n`;
  }
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const table = new Table({
    head: head.map((h) => chalk.bold(h)),
    colAligns: ['left', 'right', 'right', 'right', 'left', 'left'],
    style: { head: [], border: [], compact: true },
  });
  for (const g of r.groups) table.push(cells(g));
  const out = [chalk.bold(heading), table.toString()];
  if (options.chart && r.history.length > 0) {
    out.push('', spendChart(r.history, r.future, r.band, { width: options.width, label: (v) => money(v, r.currency) }));
  }
  return `${out.join('\n')}\n`;
}

/** `forecast --backtest`: how good each method has been on this data. */
export function renderBacktest(b: Backtest, format: Format): string {
  const rows = b.rows.map((x) => ({ ...x, mase: round6(x.mase), totalError: round6(x.totalError), coverage: round6(x.coverage) }));
  if (format === 'json') return `${JSON.stringify({ schemaVersion: 1, horizonDays: b.horizon, level: b.level, methods: rows }, null, 2)}\n`;
  if (format === 'csv')
    return stringify(
      [
        ['method', 'mase', 'total_error', 'coverage', 'origins', 'horizon_days', 'level'],
        ...rows.map((x) => [x.method, x.mase, x.totalError, x.coverage, x.origins, b.horizon, b.level]),
      ],
      { record_delimiter: '\n' },
    );
  const head = [
    'Method',
    'MASE (vs seasonal naive)',
    `Error of the ${b.horizon}-day total`,
    `Inside the ${Math.round(b.level * 100)}% interval`,
    'Origins',
  ];
  const pct = (v: number | null, d: number) => (v === null ? '–' : `${(v * 100).toFixed(d)}%`);
  const cells = rows.map((x) => [
    x.method,
    x.mase === null ? '–' : x.mase.toFixed(2),
    pct(x.totalError, 1),
    pct(x.coverage, 0),
    String(x.origins),
  ]);
  if (format === 'markdown')
    return `${[`| ${head.join(' | ')} |`, `| --- | ---: | ---: | ---: | ---: |`, ...cells.map((c) => `| ${c.join(' | ')} |`)].join('\n')}\n`;
  const table = new Table({
    head,
    colAligns: ['left', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [], compact: true },
  });
  for (const c of cells) table.push(c);
  return `Back-test: forecasts from every day with enough history, ${b.horizon} days ahead (MASE below 1 beats repeating last week)\n${table.toString()}\n`;
}
