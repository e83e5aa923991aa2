import { TOKEN_TYPES } from '../model.js';
import type { PriceList, PriceShow, RateText } from '../pricing/describe.js';
import { displayPath } from '../pricing/load.js';
import type { LookupFormat } from './formats.js';
import { formatMoney } from './format.js';
import { hiddenNote, type LayoutColumn, renderTable } from './layout.js';
import type { Renderer } from './options.js';
import { painter, wrap } from './terminal.js';
import { terminalCell as neutralise, formatCount } from '../text.js';

const HEAD = ['Input', 'Cached in', 'Cache write', 'Output'];

function price(v: string | null | undefined, currency: string): string {
  return v === null || v === undefined ? '–' : formatMoney(v, currency);
}

const since = (r: RateText | null): string => (r === null ? 'not yet' : r.from === null ? '–' : r.from.slice(0, 10));

/** Service and long-context tiers of a rate, in words: "batch 1.25/5 · above 200,000: 6/22.5". */
function extras(r: RateText | null): string {
  if (r === null) return '';
  const short = (p: Partial<Record<(typeof TOKEN_TYPES)[number], string | null>>) => TOKEN_TYPES.map((t) => p[t] ?? '–').join('/');
  const parts = Object.entries(r.tiers ?? {}).map(([k, v]) => `${k} ${short(v)}`);
  for (const c of r.context ?? []) parts.push(`>${formatCount(c.above)} ${short(c)}`);
  return parts.join(' · ');
}

/** `pricing list`: one line per model, prices per 1M tokens in force now. */
export const PRICE_LIST_RENDERERS: Record<LookupFormat, Renderer<PriceList>> = {
  json: (list) =>
    `${JSON.stringify({ currency: list.currency, files: list.files.map((f) => ({ ...f, path: displayPath(f.path) })), models: list.models }, null, 2)}\n`,
  table: (list, options) => {
    const paint = painter(options.color);
    const columns: LayoutColumn[] = [
      { header: 'Model', shrinkTo: 14 },
      { header: 'Provider', priority: 20, shrinkTo: 8 },
      ...HEAD.map((header, i): LayoutColumn => ({ header, align: 'right', ...(i === 1 || i === 2 ? { priority: 40 - i } : {}) })),
      { header: 'Since', priority: 10 },
      { header: 'Tiers', priority: 5, shrinkTo: 12 },
      { header: 'Layer', priority: 1 },
    ];
    const rows = list.models.map((m) => {
      const c = m.current;
      return [
        m.id,
        m.provider,
        ...TOKEN_TYPES.map((t) => price(c?.[t], list.currency)),
        since(c),
        extras(c),
        m.file.replace(/^\(bundled\) pricing\//, ''),
      ];
    });
    const table = renderTable({ columns, rows, width: options.width, paint });
    const versions = neutralise(list.files.map((f) => `${displayPath(f.path)} (${f.version})`).join(', '));
    const title = `Prices per 1M tokens, ${list.currency} · ${list.models.length} models · ${versions}`;
    const lines = wrap(title, options.width, { indent: 2 }).map((l) => paint('bold', l));
    for (const line of table.lines) lines.push(line); // a spread of 100k+ lines overflows the stack
    if (table.hidden.length > 0) lines.push(...wrap(hiddenNote(table.hidden, options.width), options.width).map((l) => paint('dim', l)));
    return `${lines.join('\n')}\n`;
  },
};

function showLines(v: PriceShow): string[] {
  const m = v.model;
  const r = v.resolution;
  const how = r.match === 'pattern' ? `pattern ${r.pattern}` : r.match;
  const lines = [
    `${neutralise(m.id)} (${neutralise(m.provider)})${v.asked.toLowerCase() !== m.id.toLowerCase() ? `  ← "${neutralise(v.asked)}"` : ''}`,
    `matched:  ${neutralise(r.form)} by ${how}; name rules: ${r.rules.join(' › ')}; provider: ${SCOPE_TEXT[r.scope]}${v.providerLabel ? ` (label "${neutralise(v.providerLabel)}")` : ''}`,
    `file:     ${m.file}${m.overrides.length > 0 ? ` (over ${m.overrides.join(', ')})` : ''}`,
  ];
  if (m.aliases.length > 0) lines.push(`aliases:  ${m.aliases.map(neutralise).join(', ')}`);
  if (m.patterns.length > 0) lines.push(`patterns: ${m.patterns.map(neutralise).join(', ')}`);
  if (m.source)
    lines.push(`source:   ${neutralise(m.source)}${m.checked ? ` (checked ${m.checked})` : ''}${m.origin ? ` via ${m.origin}` : ''}`);
  if (m.note) lines.push(`note:     ${neutralise(m.note)}`);
  return lines;
}

const SCOPE_TEXT: Record<PriceShow['resolution']['scope'], string> = {
  label: "the series' provider",
  name: 'the provider the name reveals',
  maker: "the model's maker",
  'list-price': "the maker's list price, which this provider charges",
  'only-listing': 'the one provider listing this name',
};

/** `pricing show MODEL`: how the name resolved, aliases, source and every dated rate. */
export const PRICE_SHOW_RENDERERS: Record<LookupFormat, Renderer<PriceShow>> = {
  json: (v) => `${JSON.stringify(v, null, 2)}\n`,
  table: (v, options) => {
    const lines = showLines(v).flatMap((l) => wrap(l, options.width, { indent: 10 }));
    const columns: LayoutColumn[] = [
      { header: 'From' },
      ...HEAD.map((header): LayoutColumn => ({ header, align: 'right' })),
      { header: 'Tiers', priority: 5, shrinkTo: 12 },
    ];
    const rows = v.model.history.map((r) => [since(r), ...TOKEN_TYPES.map((t) => price(r[t], v.currency)), extras(r)]);
    const table = renderTable({ columns, rows, width: options.width, paint: painter(options.color) });
    lines.push(`prices per 1M tokens, ${v.currency}:`, ...table.lines);
    if (v.notChosen.length > 0) {
      lines.push('also reached by this name, not chosen:');
      for (const c of v.notChosen)
        lines.push(
          ...wrap(`  ${neutralise(c.id)} (${neutralise(c.provider)}) in ${c.file}, ${c.match} of "${neutralise(c.form)}"`, options.width, {
            indent: 4,
          }),
        );
    }
    lines.push('precedence:', ...v.precedence.flatMap((p) => wrap(`  ${p}`, options.width, { indent: 4 })));
    return `${lines.join('\n')}\n`;
  },
};
