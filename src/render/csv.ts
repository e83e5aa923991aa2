import { csvSafe } from '../text.js';

/** A plain decimal number is data to a spreadsheet, never a formula. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
/** A cell with a comma, a quote or a line break in it is quoted (RFC 4180). */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * A spreadsheet runs a cell starting with `= + - @`, a tab or a carriage return as a formula:
 * such text gets a leading apostrophe. Plain numbers are left alone.
 */
export function neutralise(s: string): string {
  return /^[=+\-@\t\r\n]/.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}

export type CsvCell = string | number | null | undefined;

/**
 * A CSV cell: text with its controls escaped (`csvSafe`: all but tab, CR and LF), neutralised and
 * quoted where needed; numbers as digits; null and undefined empty.
 */
function csvCell(c: CsvCell): string {
  if (c === null || c === undefined) return '';
  if (typeof c !== 'string') return String(c);
  const s = neutralise(csvSafe(c));
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * `csvCell` for text that repeats from record to record (a group's labels, a bucket's times),
 * remembered: each distinct value is made safe once. Forgets all past `limit` values.
 */
export function repeatedCells(limit = 100_000): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => {
    let cell = seen.get(s);
    if (cell === undefined) {
      if (seen.size >= limit) seen.clear();
      seen.set(s, (cell = csvCell(s)));
    }
    return cell;
  };
}

/**
 * One CSV record with its `\n`. Every text cell is neutralised, and a cell with a CR or LF in it
 * is quoted, so no value can start a row of its own.
 */
export function csvRecord(cells: readonly CsvCell[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) line += i === 0 ? csvCell(cells[i]) : `,${csvCell(cells[i])}`;
  return `${line}\n`;
}

/** Rows as CSV text, `\n` after every record (see csvRecord). */
export function csvText(rows: readonly (readonly CsvCell[])[]): string {
  let text = '';
  for (const r of rows) text += csvRecord(r);
  return text;
}
