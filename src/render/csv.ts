import { stringify } from 'csv-stringify/sync';

/** A plain decimal number is data to a spreadsheet, never a formula. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * A spreadsheet runs a cell starting with `= + - @`, a tab or a carriage return as a formula:
 * such text gets a leading apostrophe. Plain numbers are left alone.
 */
export function neutralise(s: string): string {
  return /^[=+\-@\t\r\n]/.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}

/**
 * Rows as CSV text, `\n` between records. Every text cell is neutralised, and a cell with a CR
 * or LF in it is quoted, so no value can start a row of its own.
 */
export function csvText(rows: readonly (readonly unknown[])[]): string {
  const safe = rows.map((r) => r.map((c) => (typeof c === 'string' ? neutralise(c) : c)));
  return stringify(safe, { record_delimiter: '\n', quoted_match: /[\r\n]/ });
}
