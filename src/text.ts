/**
 * Text from outside (label values, metric names, file contents, HTTP bodies) made safe for the
 * place it goes. A terminal must never receive an escape sequence, a bare carriage return, a
 * bell or a bidirectional override from a label; each is shown as a visible escape instead.
 */

/**
 * C0 controls, DEL, C1 controls, and the Unicode format characters that reorder or hide text
 * (bidi embeddings, overrides and isolates, marks, line/paragraph separators, zero-width joiners
 * are left alone: they do not move text).
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_CELL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escape(c: string): string {
  const code = c.codePointAt(0) as number;
  if (c === '\n') return '\\n';
  if (c === '\t') return '\\t';
  if (c === '\r') return '\\r';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** A line (or lines) for stderr: newlines and tabs kept, every other control shown escaped. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** One value inside a table cell or a one-line message: newlines and tabs escaped too. */
export function terminalCell(text: string): string {
  return text.replace(UNSAFE_CELL, escape);
}

/**
 * A count with thousands separators, rounded to a whole number: `toLocaleString('en-US')` without
 * ICU (several times faster, and it does not map ~7 MB of locale data into the process).
 */
export function formatTokens(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Order of text in output: by UTF-16 code unit, as `sort` does with `LC_ALL=C`. `localeCompare`
 * follows the user's locale (LANG=sv_SE puts `aa` after `z`), so the same data gave rows, rules
 * and price lists in another order on another machine.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
