import type { PricingFileInfo } from '../pricing/book.js';
import type { SourceInfo } from '../sources/source.js';

// One self-contained HTML page per result: inline CSS and SVG, no script, no font, no request.
// The Content-Security-Policy says so to the browser too.

/** Text from anywhere, safe inside HTML text and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Eight colours told apart by most eyes (Okabe–Ito, then greys); series past eight reuse them. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];

const CSS = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6575; --rule: #d8dde5; --warn: #fff3cd; --bad: #b3261e; --good: #1b7f3b; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; background: #fff; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 40px; }
h1 { font-size: 22px; margin: 0 0 4px; }
.sub { color: var(--muted); margin: 0 0 20px; }
.figures { display: flex; gap: 28px; flex-wrap: wrap; margin: 0 0 18px; }
.figure .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.figure .value { font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums; }
figure { margin: 0 0 22px; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 6px 0 0; padding: 0; list-style: none; font-size: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
.nowrap { white-space: nowrap; }
td .sub { font-size: 12px; margin: 0; }
tr.unpriced td { background: var(--warn); }
tr.total td { font-weight: 650; border-top: 2px solid var(--ink); border-bottom: 0; }
.badge { display: inline-block; white-space: nowrap; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #e8ebf0; }
.badge.ok { background: #dcf1e2; color: var(--good); }
.badge.warn, .badge.incomplete, .badge.no-data { background: var(--warn); color: #7a5a00; }
.badge.breached, .badge.breached-by-forecast { background: #fbe0de; color: var(--bad); }
.note { background: var(--warn); padding: 8px 12px; border-radius: 4px; margin: 14px 0; }
footer { margin-top: 28px; padding-top: 10px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 12px; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
`;

/** Where the figures came from, for the footer. */
export interface Provenance {
  sources: readonly SourceInfo[];
  pricing: readonly PricingFileInfo[];
}

function footer(provenance: Provenance | undefined, generated: string): string {
  const parts: string[] = [];
  if (provenance && provenance.sources.length > 0) {
    parts.push(
      `Data: ${provenance.sources.map((s) => `${esc(s.kind)} <code>${esc(s.name ? `${s.name}=${s.location}` : s.location)}</code>`).join(', ')}`,
    );
  }
  if (provenance && provenance.pricing.length > 0) {
    parts.push(
      `Pricing: ${provenance.pricing.map((p) => `<code>${esc(p.version)}</code> (sha256 ${esc(p.sha256.slice(0, 12))})`).join(' + ')}`,
    );
  }
  parts.push(esc(generated));
  return `<footer>${parts.map((p) => `<div>${p}</div>`).join('')}</footer>`;
}

/** The page around a body. */
export function page(title: string, body: string, provenance: Provenance | undefined, generated: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
${footer(provenance, generated)}
</main>
</body>
</html>
`;
}

/** A row of headline figures; each value carries an id for tests and scrapers. */
export function figures(items: readonly { id: string; label: string; value: string }[]): string {
  const cells = items.map(
    (f) => `<div class="figure"><div class="label">${esc(f.label)}</div><div class="value" id="${esc(f.id)}">${esc(f.value)}</div></div>`,
  );
  return `<div class="figures">${cells.join('')}</div>`;
}

export interface HtmlColumn {
  header: string;
  numeric?: boolean;
}

/** A table; cells are text (escaped here); a row may carry a class (`unpriced`, `total`). */
export function htmlTable(columns: readonly HtmlColumn[], rows: readonly { cells: readonly string[]; className?: string }[]): string {
  const head = columns.map((c) => `<th${c.numeric ? ' class="num"' : ''}>${esc(c.header)}</th>`).join('');
  const body = rows
    .map((r) => {
      const cells = r.cells.map((text, i) => `<td${columns[i]?.numeric ? ' class="num"' : ''}>${esc(text)}</td>`).join('');
      return `<tr${r.className ? ` class="${esc(r.className)}"` : ''}>${cells}</tr>`;
    })
    .join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** A legend under a chart: one swatch per series. */
export function legend(names: readonly string[], colours: readonly string[] = PALETTE): string {
  const items = names.map((n, i) => `<li><i style="background:${colours[i % colours.length]}"></i>${esc(n)}</li>`);
  return `<ul class="legend">${items.join('')}</ul>`;
}

/** A round axis maximum (1, 2 or 5 × a power of ten) at or above `max`, and its tick step. */
export function niceScale(max: number, ticks = 4): { top: number; step: number } {
  if (!(max > 0) || !Number.isFinite(max)) return { top: 1, step: 0.25 };
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  return { top: step * Math.ceil(max / step), step };
}
