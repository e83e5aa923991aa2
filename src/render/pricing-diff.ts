import type { DriftReport, PriceChange, PriceDiff } from '../pricing/diff.js';
import type { LookupFormat } from './formats.js';
import { hiddenNote, type LayoutColumn, renderTable } from './layout.js';
import type { Renderer } from './options.js';
import { painter, wrap } from './terminal.js';
import { terminalCell as neutralise } from '../text.js';

const pct = (c: PriceChange) => (c.changePct === null ? '' : `${c.changePct > 0 ? '+' : ''}${c.changePct.toFixed(2)}%`);

// On a narrow terminal the "as" name, the provider and the share changed go first; models are cut.
const CHANGE_COLUMNS: readonly LayoutColumn[] = [
  { header: '' },
  { header: 'Model', shrinkTo: 14 },
  { header: 'Provider', priority: 20, shrinkTo: 8 },
  { header: 'As', priority: 10, shrinkTo: 8 },
  { header: 'Via', priority: 5, shrinkTo: 6 },
  { header: 'Field', shrinkTo: 6 },
  { header: 'Before', align: 'right' },
  { header: 'After', align: 'right' },
  { header: 'Change', align: 'right', priority: 30 },
];

/** The changes as a table fitted to the width (with a note of what was left out). */
function changeTable(changes: readonly PriceChange[], options: { color: boolean; width: number }): string[] {
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  const rows = changes.map((c) => [
    sign[c.kind],
    c.model,
    c.provider,
    c.as ?? '',
    c.via ?? '',
    c.field ?? '',
    c.before ?? '–',
    c.after ?? '–',
    pct(c),
  ]);
  const table = renderTable({ columns: CHANGE_COLUMNS, rows, width: options.width, paint: painter(options.color) });
  return table.hidden.length > 0 ? [...table.lines, ...wrap(hiddenNote(table.hidden, options.width), options.width)] : table.lines;
}

/** `pricing diff A B`: per model and field, before and after (per 1M tokens). */
export const PRICE_DIFF_RENDERERS: Record<LookupFormat, Renderer<PriceDiff>> = {
  json: (d) => `${JSON.stringify(d, null, 2)}\n`,
  table: (d, options) => {
    const head = `${neutralise(d.a)} → ${neutralise(d.b)} at ${d.at}: ${d.counts.changed} models changed, ${d.counts.added} added, ${d.counts.removed} removed, ${d.counts.same} the same (prices per 1M tokens)`;
    const lines = [...wrap(head, options.width, { indent: 2 }), ...(d.changes.length === 0 ? [] : changeTable(d.changes, options))];
    return `${lines.join('\n')}\n`;
  },
};

/** `pricing drift`: the rates beyond the tolerance, then those priced on one side only. */
export const PRICE_DRIFT_RENDERERS: Record<LookupFormat, Renderer<DriftReport>> = {
  json: (r) => `${JSON.stringify(r, null, 2)}\n`,
  table: (r, options) => {
    const lines = [
      `${r.drift.length === 0 ? 'no drift' : `DRIFT: ${r.drift.length} rates differ by more than ${r.tolerancePct}%`} against ${neutralise(r.against)} at ${r.at} (${r.compared} models compared, ${r.unknownThere.length} not priced there)`,
    ];
    const out = lines.flatMap((l) => wrap(l, options.width, { indent: 2 }));
    if (r.drift.length > 0) out.push(...changeTable(r.drift, options));
    if (r.oneSided.length > 0) out.push(`priced on one side only (not drift):`, ...changeTable(r.oneSided, options));
    return `${out.join('\n')}\n`;
  },
};
