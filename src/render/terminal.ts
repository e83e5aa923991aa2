import { styleText } from 'node:util';
import { eastAsianWidth } from 'get-east-asian-width';

// Text for a terminal: colour, display width, and outside values made harmless.

export type Style = Parameters<typeof styleText>[0];
/** Applies a style to text, or leaves it plain when colour is off. */
export type Paint = (style: Style, text: string) => string;

/** Colour through node's own `util.styleText`; we decide when (TTY, NO_COLOR, FORCE_COLOR), not node. */
export function painter(color: boolean): Paint {
  if (!color) return (_style, text) => text;
  return (style, text) => (text === '' ? text : styleText(style, text, { validateStream: false }));
}

const PLAIN = /^[\u0020-\u007e]*$/;

// Combining marks, format characters (zero-width joiners…) and variation selectors take no column.
const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}]/u;

/** Columns one code point takes: 0, 1, or 2 for wide East Asian characters and emoji. */
function charWidth(ch: string): number {
  const cp = ch.codePointAt(0) as number;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (ZERO_WIDTH.test(ch)) return 0;
  return eastAsianWidth(cp, { ambiguousAsWide: false });
}

/**
 * Columns the text takes on a terminal (no colour codes expected). Code point by code point: an
 * emoji sequence joined by ZWJ may count wider than a terminal draws it, never narrower.
 */
export function displayWidth(text: string): number {
  if (PLAIN.test(text)) return text.length;
  let w = 0;
  for (const ch of text) w += charWidth(ch);
  return w;
}

/** The text cut to at most `width` columns, ending in `…` when something was cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  if (PLAIN.test(text)) return `${text.slice(0, width - 1)}…`;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

/** The text cut to at most `width` columns by a `…` in its middle: the start and the end stay. */
export function truncateMiddle(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 2) return truncate(text, width);
  const chars = [...text];
  const take = (from: readonly string[], room: number) => {
    const out: string[] = [];
    let used = 0;
    for (const ch of from) {
      const w = charWidth(ch);
      if (used + w > room) break;
      out.push(ch);
      used += w;
    }
    return out;
  };
  const headRoom = Math.floor((width - 1) / 2);
  const head = take(chars, headRoom);
  const tail = take([...chars].reverse(), width - 1 - displayWidth(head.join(''))).reverse();
  return `${head.join('')}…${tail.join('')}`;
}

/**
 * Breaks text into lines of at most `width` columns at spaces (or at `separator`), indenting the
 * lines after the first by `indent` spaces; a word longer than a line is cut with an ellipsis.
 */
export function wrap(text: string, width: number, options: { indent?: number; separator?: string } = {}): string[] {
  const separator = options.separator ?? ' ';
  const indent = ' '.repeat(Math.min(options.indent ?? 0, Math.max(0, width - 10)));
  if (displayWidth(text) <= width) return [text];
  const words = text.split(separator);
  const lines: string[] = [];
  let line = '';
  for (const [i, word] of words.entries()) {
    const piece = i < words.length - 1 ? `${word}${separator}` : word;
    const prefix = lines.length === 0 ? '' : indent;
    if (line !== '' && displayWidth(prefix + line + piece.trimEnd()) > width) {
      lines.push(truncate(prefix + line.trimEnd(), width));
      line = '';
    }
    line += piece;
  }
  if (line !== '') lines.push(truncate((lines.length === 0 ? '' : indent) + line.trimEnd(), width));
  return lines;
}

/**
 * A shell command broken before its flags into lines ending in ` \`, each at most `width`
 * columns where the words allow, so that it still runs when copied.
 */
export function wrapCommand(command: string, width: number, indent = 2): string[] {
  const pad = ' '.repeat(indent);
  if (displayWidth(pad + command) <= width) return [pad + command];
  const parts = command.split(/ (?=--?[A-Za-z])/);
  const lines: string[] = [];
  let line = pad;
  for (const part of parts) {
    const next = line.trim() === '' ? `${line}${part}` : `${line} ${part}`;
    if (line.trim() !== '' && displayWidth(next) + 2 > width) {
      lines.push(`${line} \\`);
      line = `${pad}  ${part}`;
    } else line = next;
  }
  lines.push(line);
  return lines;
}
