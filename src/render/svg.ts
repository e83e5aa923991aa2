import { esc, niceScale, PALETTE } from './html.js';

// Small inline SVG charts, drawn from numbers a renderer already has. Each series is one
// `<g class="series" data-series="…">`, so a page can be checked for what it shows.

const W = 1040;
const H = 300;
const M = { left: 78, right: 16, top: 12, bottom: 34 };

const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

function axis(top: number, step: number, money: (v: number) => string, y: (v: number) => number): string {
  const out: string[] = [];
  for (let v = 0; v <= top + step / 2; v += step) {
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${fmt(y(v))}" y2="${fmt(y(v))}" stroke="#e3e7ee"/>`);
    out.push(`<text x="${M.left - 6}" y="${fmt(y(v) + 4)}" text-anchor="end">${esc(money(v))}</text>`);
  }
  return out.join('');
}

function frame(title: string, inner: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(title)}">${inner}</svg>`;
}

/** Labels under the x axis, thinned to at most about twelve. */
function xLabels(labels: readonly string[], x: (i: number) => number): string {
  const every = Math.max(1, Math.ceil(labels.length / 12));
  return labels
    .map((l, i) => (i % every === 0 ? `<text x="${fmt(x(i))}" y="${H - M.bottom + 16}" text-anchor="middle">${esc(l)}</text>` : ''))
    .join('');
}

/** Columns per x label, each stacked from the series (values ≥ 0). */
export function stackedColumns(
  title: string,
  labels: readonly string[],
  series: readonly { name: string; values: readonly number[] }[],
  money: (v: number) => string,
): string {
  const totals = labels.map((_, i) => series.reduce((s, x) => s + Math.max(0, x.values[i] ?? 0), 0));
  const { top, step } = niceScale(Math.max(0, ...totals));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  const band = plotW / Math.max(1, labels.length);
  const barW = Math.max(1, band * 0.72);
  const x = (i: number) => M.left + band * i + band / 2;
  const base = labels.map(() => 0);
  const groups = series.map((s, k) => {
    const rects = s.values.map((raw, i) => {
      const v = Math.max(0, raw);
      const y0 = y((base[i] as number) + v);
      const h = (v / top) * plotH;
      base[i] = (base[i] as number) + v;
      return h > 0
        ? `<rect x="${fmt(x(i) - barW / 2)}" y="${fmt(y0)}" width="${fmt(barW)}" height="${fmt(h)}"><title>${esc(`${s.name} · ${labels[i]}: ${money(raw)}`)}</title></rect>`
        : '';
    });
    return `<g class="series" data-series="${esc(s.name)}" fill="${PALETTE[k % PALETTE.length]}">${rects.join('')}</g>`;
  });
  return frame(title, `${axis(top, step, money, y)}${groups.join('')}${xLabels(labels, x)}`);
}

/** One horizontal bar per item, each its own series (a report without time steps). */
export function bars(title: string, items: readonly { name: string; value: number }[], money: (v: number) => string): string {
  const rowH = 26;
  const height = M.top + items.length * rowH + 8;
  const max = Math.max(0, ...items.map((i) => i.value));
  const { top } = niceScale(max);
  const left = 230;
  const plotW = W - left - 110;
  const groups = items.map((item, k) => {
    const w = top > 0 ? (Math.max(0, item.value) / top) * plotW : 0;
    const y = M.top + k * rowH;
    const label = item.name.length > 34 ? `${item.name.slice(0, 33)}…` : item.name;
    return (
      `<g class="series" data-series="${esc(item.name)}" fill="${PALETTE[k % PALETTE.length]}">` +
      `<text x="${left - 8}" y="${y + 16}" text-anchor="end">${esc(label)}</text>` +
      `<rect x="${left}" y="${y + 4}" width="${fmt(w)}" height="${rowH - 8}"><title>${esc(`${item.name}: ${money(item.value)}`)}</title></rect>` +
      `<text x="${fmt(left + w + 6)}" y="${y + 16}">${esc(money(item.value))}</text></g>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="${esc(title)}">${groups.join('')}</svg>`;
}

export interface CumulativeChart {
  /** Day labels of the period, one per day. */
  days: readonly string[];
  /** Cumulative spend at x positions (in days from the period start). */
  actual: readonly [number, number][];
  forecast: readonly [number, number][];
  /** Lower and upper cumulative bounds at the forecast's positions. */
  band: readonly [number, number, number][];
  budget: number | undefined;
}

/** Spend so far in the period, the forecast to its end inside its band, and the budget as a line. */
export function cumulativeChart(title: string, c: CumulativeChart, money: (v: number) => string): string {
  const max = Math.max(0, ...c.actual.map((p) => p[1]), ...c.forecast.map((p) => p[1]), ...c.band.map((b) => b[2]), c.budget ?? 0);
  const { top, step } = niceScale(max);
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const n = Math.max(1, c.days.length);
  const x = (d: number) => M.left + (d / n) * plotW;
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  const path = (pts: readonly [number, number][]) => pts.map(([d, v], i) => `${i === 0 ? 'M' : 'L'}${fmt(x(d))},${fmt(y(v))}`).join(' ');
  const parts = [axis(top, step, money, y)];
  if (c.band.length > 0) {
    const upper = c.band.map(([d, , hi]) => `${fmt(x(d))},${fmt(y(hi))}`);
    const lower = [...c.band].reverse().map(([d, lo]) => `${fmt(x(d))},${fmt(y(lo))}`);
    parts.push(
      `<g class="series" data-series="interval"><polygon points="${[...upper, ...lower].join(' ')}" fill="${PALETTE[0]}" fill-opacity="0.15"/></g>`,
    );
  }
  parts.push(
    `<g class="series" data-series="spent"><path d="${path(c.actual)}" fill="none" stroke="${PALETTE[0]}" stroke-width="2.5"/></g>`,
  );
  if (c.forecast.length > 0) {
    parts.push(
      `<g class="series" data-series="forecast"><path d="${path(c.forecast)}" fill="none" stroke="${PALETTE[0]}" stroke-width="2" stroke-dasharray="6 4"/></g>`,
    );
  }
  if (c.budget !== undefined) {
    const yb = fmt(y(c.budget));
    parts.push(
      `<g class="series" data-series="budget"><line x1="${M.left}" x2="${W - M.right}" y1="${yb}" y2="${yb}" stroke="#b3261e" stroke-width="1.5" stroke-dasharray="2 3"/>` +
        `<text x="${W - M.right - 4}" y="${fmt(y(c.budget) < M.top + 14 ? y(c.budget) + 14 : y(c.budget) - 5)}" text-anchor="end" style="fill:#b3261e">${esc(`budget ${money(c.budget)}`)}</text></g>`,
    );
  }
  parts.push(xLabels(c.days, (i) => x(i + 0.5)));
  return frame(title, parts.join(''));
}
