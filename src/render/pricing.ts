import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { TOKEN_TYPES } from '../model.js';
import type { PriceList, PriceShow } from '../pricing/describe.js';
import { displayPath } from '../pricing/load.js';
import type { LookupFormat } from './formats.js';
import { formatMoney } from './format.js';
import type { Renderer } from './options.js';
import { terminalCell } from '../text.js';

const HEAD = ['Input', 'Cached in', 'Cache write', 'Output'];

function price(v: string | null | undefined, currency: string): string {
  return v === null || v === undefined ? '–' : formatMoney(v, currency);
}

/** `pricing list`: one line per model, prices per 1M tokens in force now. */
export const PRICE_LIST_RENDERERS: Record<LookupFormat, Renderer<PriceList>> = {
  json: (list) => `${JSON.stringify({ currency: list.currency, files: list.files, models: list.models }, null, 2)}\n`,
  table: (list, options) => {
    const chalk = new Chalk({ level: options.color ? 1 : 0 });
    const table = new Table({
      head: ['Model', 'Provider', ...HEAD, 'Since'].map((h) => chalk.bold(h)),
      colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
      style: { head: [], border: [], compact: true },
    });
    for (const m of list.models) {
      const c = m.current;
      table.push([
        terminalCell(m.id),
        terminalCell(m.provider),
        ...TOKEN_TYPES.map((t) => price(c?.[t], list.currency)),
        c ? c.from.slice(0, 10) : 'not yet',
      ]);
    }
    const versions = list.files.map((f) => `${displayPath(f.path)} (${f.version})`).join(', ');
    return `${chalk.bold(`Prices per 1M tokens, ${list.currency}`)} · ${versions}\n${table.toString()}\n`;
  },
};

/** `pricing show MODEL`: aliases, source and every dated rate. */
export const PRICE_SHOW_RENDERERS: Record<LookupFormat, Renderer<PriceShow>> = {
  json: ({ asked, currency, model }) => `${JSON.stringify({ asked, currency, ...model }, null, 2)}\n`,
  table: ({ asked, currency, model: m }) => {
    const lines = [
      `${terminalCell(m.id)} (${terminalCell(m.provider)})${asked.toLowerCase() !== m.id.toLowerCase() ? `  ← matched "${terminalCell(asked)}"` : ''}`,
    ];
    if (m.aliases.length > 0) lines.push(`aliases:  ${terminalCell(m.aliases.join(', '))}`);
    if (m.patterns.length > 0) lines.push(`patterns: ${terminalCell(m.patterns.join(', '))}`);
    if (m.source) lines.push(`source:   ${terminalCell(m.source)}${m.checked ? ` (checked ${terminalCell(m.checked)})` : ''}`);
    lines.push(`file:     ${terminalCell(m.file)}`);
    const table = new Table({
      head: ['From', ...HEAD],
      colAligns: ['left', 'right', 'right', 'right', 'right'],
      style: { head: [], border: [], compact: true },
    });
    for (const r of m.history) table.push([r.from.slice(0, 10), ...TOKEN_TYPES.map((t) => price(r[t], currency))]);
    lines.push(`prices per 1M tokens, ${currency}:`, table.toString());
    return `${lines.join('\n')}\n`;
  },
};
