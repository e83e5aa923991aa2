import { stringify } from 'csv-stringify/sync';

/** A spreadsheet would run a cell starting with these as a formula. */
export function neutralise(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** Rows as CSV text, quoted where needed, `\n` between records. */
export function csvText(rows: readonly (readonly unknown[])[]): string {
  return stringify(rows as unknown[][], { record_delimiter: '\n' });
}
