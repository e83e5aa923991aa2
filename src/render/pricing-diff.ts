import Table from 'cli-table3';
import type { DriftReport, PriceChange, PriceDiff } from '../pricing/diff.js';
import type { LookupFormat } from './formats.js';
import type { Renderer } from './options.js';
import { terminalCell as neutralise } from '../text.js';

const pct = (c: PriceChange) => (c.changePct === null ? '' : `${c.changePct > 0 ? '+' : ''}${c.changePct.toFixed(2)}%`);

function changeTable(changes: readonly PriceChange[]): string {
  const table = new Table({
    head: ['', 'Model', 'Provider', 'As', 'Via', 'Field', 'Before', 'After', 'Change'],
    colAligns: ['left', 'left', 'left', 'left', 'left', 'left', 'right', 'right', 'right'],
    style: { head: [], border: [], compact: true },
  });
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  for (const c of changes) {
    table.push([
      sign[c.kind],
      neutralise(c.model),
      neutralise(c.provider),
      neutralise(c.as ?? ''),
      c.via ?? '',
      c.field ?? '',
      c.before ?? '–',
      c.after ?? '–',
      pct(c),
    ]);
  }
  return table.toString();
}

/** `pricing diff A B`: per model and field, before and after (per 1M tokens). */
export const PRICE_DIFF_RENDERERS: Record<LookupFormat, Renderer<PriceDiff>> = {
  json: (d) => `${JSON.stringify(d, null, 2)}\n`,
  table: (d) => {
    const head = `${neutralise(d.a)} → ${neutralise(d.b)} at ${d.at}: ${d.counts.changed} models changed, ${d.counts.added} added, ${d.counts.removed} removed, ${d.counts.same} the same (prices per 1M tokens)`;
    return d.changes.length === 0 ? `${head}\n` : `${head}\n${changeTable(d.changes)}\n`;
  },
};

/** `pricing drift`: the rates beyond the tolerance, then those priced on one side only. */
export const PRICE_DRIFT_RENDERERS: Record<LookupFormat, Renderer<DriftReport>> = {
  json: (r) => `${JSON.stringify(r, null, 2)}\n`,
  table: (r) => {
    const lines = [
      `${r.drift.length === 0 ? 'no drift' : `DRIFT: ${r.drift.length} rates differ by more than ${r.tolerancePct}%`} against ${neutralise(r.against)} at ${r.at} (${r.compared} models compared, ${r.unknownThere.length} not priced there)`,
    ];
    if (r.drift.length > 0) lines.push(changeTable(r.drift));
    if (r.oneSided.length > 0) lines.push(`priced on one side only (not drift):`, changeTable(r.oneSided));
    return `${lines.join('\n')}\n`;
  },
};
