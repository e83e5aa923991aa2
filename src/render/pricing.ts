import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { ModelDescription } from '../commands/pricing.js';
import { TOKEN_TYPES } from '../model.js';
import type { PriceBook } from '../pricing/book.js';
import { displayPath } from '../pricing/load.js';
import { formatMoney } from './columns.js';

const HEAD = ['Input', 'Cached in', 'Cache write', 'Output'];

function price(v: string | null, currency: string): string {
  return v === null ? '–' : formatMoney(v, currency);
}

/** `pricing list`: one line per model, prices per 1M tokens in force now. */
export function renderPriceList(models: ModelDescription[], book: PriceBook, format: 'table' | 'json', color: boolean): string {
  if (format === 'json') {
    return `${JSON.stringify({ currency: book.currency, files: book.files, models }, null, 2)}\n`;
  }
  const chalk = new Chalk({ level: color ? 1 : 0 });
  const table = new Table({
    head: ['Model', 'Provider', ...HEAD, 'Since'].map((h) => chalk.bold(h)),
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
    style: { head: [], border: [], compact: true },
  });
  for (const m of models) {
    const c = m.current as Record<string, string | null> | null;
    table.push([
      m.id,
      m.provider,
      ...TOKEN_TYPES.map((t) => price(c?.[t] ?? null, book.currency)),
      c ? (c.from as string).slice(0, 10) : 'not yet',
    ]);
  }
  const versions = book.files.map((f) => `${displayPath(f.path)} (${f.version})`).join(', ');
  return `${chalk.bold(`Prices per 1M tokens, ${book.currency}`)} · ${versions}\n${table.toString()}\n`;
}

/** `pricing show MODEL`: aliases, source and every dated rate. */
export function renderPriceShow(asked: string, m: ModelDescription, currency: string, format: 'table' | 'json'): string {
  if (format === 'json') return `${JSON.stringify({ asked, currency, ...m }, null, 2)}\n`;
  const lines = [`${m.id} (${m.provider})${asked.toLowerCase() !== m.id.toLowerCase() ? `  ← matched "${asked}"` : ''}`];
  if (m.aliases.length > 0) lines.push(`aliases:  ${m.aliases.join(', ')}`);
  if (m.patterns.length > 0) lines.push(`patterns: ${m.patterns.join(', ')}`);
  if (m.source) lines.push(`source:   ${m.source}${m.checked ? ` (checked ${m.checked})` : ''}`);
  lines.push(`file:     ${m.file}`);
  const table = new Table({
    head: ['From', ...HEAD],
    colAligns: ['left', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [], compact: true },
  });
  for (const r of m.history) {
    const rr = r as Record<string, string | null>;
    table.push([(rr.from as string).slice(0, 10), ...TOKEN_TYPES.map((t) => price(rr[t] ?? null, currency))]);
  }
  lines.push(`prices per 1M tokens, ${currency}:`, table.toString());
  return `${lines.join('\n')}\n`;
}
