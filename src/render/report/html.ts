import { withoutSteps } from '../../cost/collapse.js';
import type { CostReport } from '../../cost/report.js';
import { femtoToNumber } from '../../money.js';
import { formatDay, formatLocal, formatMoney, formatTokens } from '../format.js';
import { esc, figures, htmlTable, legend, page } from '../html.js';
import type { RenderOptions } from '../options.js';
import { bars, stackedColumns } from '../svg.js';
import { describeWindow, reportColumns, tabulate, visibleColumns } from './columns.js';

const MAX_SERIES = 12;

const groupName = (report: CostReport, group: Record<string, string>) =>
  report.by.length === 0 ? 'all' : report.by.map((d) => group[d] || '(none)').join(' · ');

/** Cost over time stacked by group (a stepped report), or one bar per group. */
function chart(report: CostReport): string {
  const money = (v: number) => formatMoney(Number.isInteger(v) ? v.toFixed(0) : v.toFixed(2), report.currency);
  const priced = report.rows.filter((r) => r.totalCost !== null);
  if (report.step === undefined || report.buckets.length <= 2) {
    const items = priced
      .slice(0, MAX_SERIES * 2)
      .map((r) => ({ name: groupName(report, r.group), value: femtoToNumber(r.totalCost as bigint) }));
    return `${bars('Cost per group', items, money)}`;
  }
  // Series: the dearest groups over the window; the rest add up under "other groups".
  const byGroup = new Map<string, number[]>();
  const spend = new Map<string, number>();
  const n = report.buckets.length - 1;
  for (const r of priced) {
    const name = groupName(report, r.group);
    const v = femtoToNumber(r.totalCost as bigint);
    const values = byGroup.get(name) ?? new Array<number>(n).fill(0);
    byGroup.set(name, values);
    values[r.bucket ?? 0] = (values[r.bucket ?? 0] as number) + v;
    spend.set(name, (spend.get(name) ?? 0) + v);
  }
  const ranked = [...spend.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const kept = ranked.slice(0, ranked.length > MAX_SERIES ? MAX_SERIES - 1 : MAX_SERIES);
  const series = kept.map((name) => ({ name, values: byGroup.get(name) as number[] }));
  if (ranked.length > kept.length) {
    const rest = new Array<number>(n).fill(0);
    for (const name of ranked.slice(kept.length)) (byGroup.get(name) as number[]).forEach((v, i) => (rest[i] = (rest[i] as number) + v));
    series.push({ name: `${ranked.length - kept.length} other groups`, values: rest });
  }
  // Steps of a day or more are labelled by day, shorter ones by time.
  const daily = !/^\d+(h|m|s|ms)$/.test(report.step);
  const label = (ms: number) => (daily ? formatDay(ms, report.timezone).slice(5) : formatLocal(ms, report.timezone).slice(5));
  const labels = report.buckets.slice(0, -1).map(label);
  return `${stackedColumns(`Cost per ${report.step}, stacked by group`, labels, series, money)}${legend(series.map((s) => s.name))}`;
}

/** One self-contained page: headline figures, cost over time by group, the table with totals, the sources and prices. */
export function renderReportHtml(report: CostReport, options: RenderOptions): string {
  const flat = withoutSteps(report);
  const { rows, totals } = tabulate(flat, options.decimals ?? 2);
  const cols = visibleColumns(flat, reportColumns(flat)).filter((c) => !(c.kind === 'money' && c.tokenType));
  const money = (v: string | number | null) => (v === null ? 'unpriced' : formatMoney(String(v), report.currency));
  const text = (kind: string, v: string | number | null) =>
    kind === 'tokens' ? formatTokens(v as number) : kind === 'money' ? money(v) : v === '' ? '(none)' : String(v ?? '');
  const tableRows = rows.map((r, i) => ({
    cells: cols.map((c) => text(c.kind, r[c.key] ?? null)),
    ...(flat.rows[i]?.priced === false ? { className: 'unpriced' } : {}),
  }));
  const first = cols.findIndex((c) => c.kind === 'tokens' || c.kind === 'money');
  tableRows.push({
    cells: cols.map((c, i) => (i === 0 ? 'Total' : i < first ? '' : text(c.kind, totals[c.key] ?? null))),
    className: 'total',
  });
  const head = cols.map((c) => ({ header: c.header, numeric: c.kind === 'tokens' || c.kind === 'money' }));
  const items = [
    { id: 'total', label: 'Total cost', value: money(totals.total ?? null) },
    { id: 'groups', label: 'Groups', value: String(flat.rows.filter((r) => r.priced).length) },
    { id: 'tokens', label: 'Tokens', value: formatTokens(Object.values(report.totals.tokens).reduce((a, b) => a + b, 0)) },
  ];
  if (report.totals.unpricedTokens > 0)
    items.push({ id: 'unpriced', label: 'Unpriced tokens', value: formatTokens(report.totals.unpricedTokens) });
  const body = [
    `<h1>LLM cost${report.by.length > 0 ? ` by ${esc(report.by.join(', '))}` : ''}</h1>`,
    `<p class="sub">${esc(describeWindow(report))}</p>`,
    figures(items),
    rows.length === 0 ? '<p>No usage in this window.</p>' : `<figure>${chart(report)}</figure>`,
    report.totals.unpricedTokens > 0
      ? `<p class="note">${esc(formatTokens(report.totals.unpricedTokens))} tokens have no price and are not in the total (highlighted rows).</p>`
      : '',
    rows.length === 0 ? '' : htmlTable(head, tableRows),
  ];
  return page('LLM cost report', body.join('\n'), report, `Generated by tokenspend · money exact to the cent; rows add up to the total.`);
}
