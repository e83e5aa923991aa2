/**
 * Text from outside (label values, metric names, file contents, HTTP bodies) made safe for the
 * place it goes. A terminal must never receive an escape sequence, a bare carriage return, a
 * bell or a bidirectional override from a label; each is shown as a visible escape instead.
 * Also how output writes counts and orders text, the same on every machine and without ICU.
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

/** What a CSV cell writes escaped: `UNSAFE` less tab, CR and LF (the writer quotes a cell that holds them). */
const UNSAFE_DATA = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * One value inside a CSV cell: every other control, and the format characters that reorder or
 * hide text, written as JSON's `\uXXXX` escapes. A NUL stops CSV readers and spreadsheets; an
 * escape sequence reaches the terminal of whoever prints the file. (JSON's form, not the tables':
 * a cell holding JSON, as FOCUS' Tags, stays JSON that reads back to the value.)
 */
export function csvSafe(text: string): string {
  return text.replace(UNSAFE_DATA, (c) => `\\u${(c.codePointAt(0) as number).toString(16).padStart(4, '0')}`);
}

/** One value inside a table cell or a one-line message: newlines and tabs escaped too. */
export function terminalCell(text: string): string {
  return text.replace(UNSAFE_CELL, escape);
}

const grouped = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Tokens for a table: a whole number with thousands separators. */
export function formatTokens(n: number): string {
  return grouped(String(Math.round(n)));
}

/** `1.2345e+21` as `1234500000000000000000`. */
function wholeDigits(abs: number): string {
  const [mantissa = '', exponent = '0'] = String(abs).split('e+');
  return mantissa.replace('.', '').padEnd(Number(exponent) + 1, '0');
}

/**
 * A count in a message as `toLocaleString('en-US')` writes it (thousands separators, at most three
 * decimals), without ICU: that call maps ~7 MB of locale data into the process.
 */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  // From 1e21 on, toFixed writes an exponent: its shortest digits, then zeros (a whole number).
  // Else the shortest digits that read back as this double when they have at most three decimals
  // (1e15 + 0.1 is not "…000.125"), or three decimals rounded.
  const shortest = String(abs);
  const plain = !shortest.includes('e') && !/\.\d{4}/.test(shortest);
  const [whole = '0', fraction = ''] = abs >= 1e21 ? [wholeDigits(abs)] : (plain ? shortest : abs.toFixed(3)).split('.');
  const decimals = fraction.replace(/0+$/, '');
  const text = grouped(whole) + (decimals === '' ? '' : `.${decimals}`);
  return n < 0 && /[1-9]/.test(text) ? `-${text}` : text;
}

/**
 * Order of text in output: by UTF-16 code unit (JavaScript's default sort order). `localeCompare`
 * follows the user's locale (LANG=da_DK puts `aa` after `z`), so the same data gave rows, rules
 * and price lists in another order on another machine.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What the ledger's keys use between their parts (U+0000–U+0003), and the escape (U+0004). */
const KEY_CONTROLS = /[\u0000-\u0004]/;

/**
 * A value from outside (a label value, a model name) as one part of a key whose parts are joined
 * by U+0000–U+0003: those characters and the escape U+0004 are written as U+0004 and a digit, so
 * no value can look like two parts (`team="a\0b"` is not `team="a"` beside a `b`). An absent value
 * is U+0002, which no value's part is.
 */
export function keyPart(value: string | undefined): string {
  if (value === undefined) return '\u0002';
  return KEY_CONTROLS.test(value) ? value.replace(/[\u0000-\u0004]/g, (c) => `\u0004${c.charCodeAt(0)}`) : value;
}

/** Values as one key, each a `keyPart`, joined by U+0000. */
export function joinKey(values: readonly string[]): string {
  let key = '';
  for (let i = 0; i < values.length; i++) key += i === 0 ? keyPart(values[i] as string) : `\u0000${keyPart(values[i] as string)}`;
  return key;
}
