import { z } from 'zod';
import { usageError } from '../errors.js';
import { readUserFile } from '../files/read.js';
import { hasRealDate } from '../ledger/time.js';
import { effectiveTime } from './book.js';
import { type FxTable, parseFxRate } from './fx.js';

const CODE = /^[A-Z]{3}$/;
const WHEN = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

const fxFileSchema = z.strictObject({
  base: z.string().regex(CODE, { message: 'expected an ISO 4217 code such as USD' }).optional(),
  quote: z.string().regex(CODE, { message: 'expected an ISO 4217 code such as EUR' }).optional(),
  rates: z
    .array(
      z.strictObject({
        from: z.union([z.string(), z.date().transform((d) => d.toISOString().slice(0, 10))]),
        rate: z.union([z.string(), z.number().transform((n) => String(n))]),
      }),
    )
    .min(1),
});

type Row = { from: string; rate: string; where: string };

/** `date,rate` lines under a header (`date` or `from`, then `rate`). */
function csvRows(text: string, path: string): Row[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = lines[0]?.trim().toLowerCase().replace(/\s/g, '');
  if (header !== 'date,rate' && header !== 'from,rate')
    throw usageError(`${path}:1: expected the header "date,rate", got "${lines[0] ?? ''}"`);
  const rows: Row[] = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const cells = line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    if (cells.length !== 2) throw usageError(`${path}:${i + 2}: expected two cells, a date and a rate, got "${line}"`);
    rows.push({ from: cells[0] as string, rate: cells[1] as string, where: `${path}:${i + 2}` });
  });
  return rows;
}

/**
 * Dated exchange rates: YAML/JSON `{base?, quote?, rates: [{from, rate}]}` or a CSV of `date,rate`,
 * each rate in force from its date (00:00 UTC) until the next, like prices. `rate` is units of the
 * quote currency per unit of the price files' currency.
 */
export async function loadFxFile(path: string, base: string, quote: string | undefined): Promise<FxTable> {
  const text = (await readUserFile(path, 'FX file')).toString('utf8');
  let rows: Row[];
  let fileQuote: string | undefined;
  if (/\.csv$/i.test(path)) rows = csvRows(text, path);
  else {
    const { parseConfigText } = await import('../files/document.js');
    const data = parseConfigText(text, path, fxFileSchema);
    if (data.base !== undefined && data.base !== base)
      throw usageError(`${path}: base: the prices are in ${base}, the rates convert from ${data.base}`);
    fileQuote = data.quote;
    rows = data.rates.map((r, i) => ({ ...r, where: `${path}: rates[${i}]` }));
  }
  if (quote !== undefined && fileQuote !== undefined && quote !== fileQuote)
    throw usageError(`${path}: quote: the rates are to ${fileQuote}, but --currency asks for ${quote}`);
  const code = quote ?? fileQuote;
  if (code === undefined)
    throw usageError(`${path}: which currency do the rates convert to?`, 'give --currency EUR (or quote: EUR in a YAML file)');
  let previous = Number.NEGATIVE_INFINITY;
  const rates = rows.map((r) => {
    if (!WHEN.test(r.from) || !hasRealDate(r.from) || Number.isNaN(Date.parse(r.from)))
      throw usageError(`${r.where}: expected a date like 2026-01-31 (or an RFC 3339 time), got "${r.from}"`);
    const from = effectiveTime(r.from);
    if (from <= previous) throw usageError(`${r.where}: expected dates in ascending order, got ${r.from} after an equal or later one`);
    previous = from;
    return { from, nano: parseFxRate(r.rate, `${r.where}: rate`), text: r.rate.trim() };
  });
  return { base, quote: code, rates, source: path };
}
