import { displayWidth, type Paint, type Style, truncate, truncateMiddle, wrap } from './terminal.js';
import { terminalCell } from '../text.js';

/**
 * Terminal tables that fit the width they are given, for any columns, in time linear in the
 * cells. When the natural table is too wide: the columns of lowest priority below `LATE` go
 * first; then label columns are cut with an ellipsis (never below `shrinkTo`); then the other
 * columns by priority; columns marked `fold` move to a line under their row instead of
 * vanishing. When even the columns that never go do not fit, each row becomes a block of
 * `Header  value` lines.
 */

/** Priorities from here on are dropped only after the labels have been shortened. */
export const LATE = 100;

export interface LayoutColumn {
  header: string;
  /** A shorter heading, used when the full ones make the table too wide. */
  narrowHeader?: string;
  align?: 'left' | 'right';
  /** Lower goes first when the table is too wide; undefined: never dropped. */
  priority?: number;
  /** A label column: values may be cut with `…` down to this many columns. */
  shrinkTo?: number;
  /** Where a cut value loses text: its end (default), or its middle when the end tells rows apart. */
  cut?: 'end' | 'middle';
  /** When dropped, shown as `Header: value` on a line under the row. */
  fold?: boolean;
  /** The label on that line instead of the header ('' for the value alone). */
  foldHeader?: string;
  /** How the note about left-out columns names this one (columns of one name are named once). */
  noteAs?: string;
}

export type Cell = string | { text: string; style?: Style | undefined };

export interface TableSpec {
  columns: readonly LayoutColumn[];
  rows: readonly (readonly Cell[])[];
  /** Rows after a rule (totals). */
  footer?: readonly (readonly Cell[])[];
  width: number;
  paint: Paint;
}

export interface TableText {
  lines: string[];
  /** Headers of the columns that were dropped (not folded): a renderer may say so. */
  hidden: string[];
  vertical: boolean;
}

interface Prepared {
  text: string[][];
  styles: (Style | undefined)[][];
  widths: Int32Array[];
}

function prepare(rows: readonly (readonly Cell[])[], n: number): Prepared {
  const text: string[][] = [];
  const styles: (Style | undefined)[][] = [];
  const widths: Int32Array[] = [];
  for (const row of rows) {
    const t: string[] = new Array<string>(n);
    const s: (Style | undefined)[] = new Array<Style | undefined>(n);
    const w = new Int32Array(n);
    for (let c = 0; c < n; c++) {
      const cell = row[c] ?? '';
      const raw = typeof cell === 'string' ? cell : cell.text;
      t[c] = terminalCell(raw);
      s[c] = typeof cell === 'string' ? undefined : cell.style;
      w[c] = displayWidth(t[c] as string);
    }
    text.push(t);
    styles.push(s);
    widths.push(w);
  }
  return { text, styles, widths };
}

const frame = (k: number) => 3 * k + 1;
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Widths for the kept columns with labels cut to fit `room`, or undefined when they cannot. */
function shrink(kept: number[], natural: number[], mins: number[], room: number): number[] | undefined {
  const widths = kept.map((c) => natural[c] as number);
  let over = sum(widths) + frame(kept.length) - room;
  if (over <= 0) return widths;
  const labels = kept.map((c, i) => ({ i, min: mins[c] as number })).filter((x) => x.min < (widths[x.i] as number));
  const spare = labels.reduce((a, x) => a + (widths[x.i] as number) - x.min, 0);
  if (spare < over) return undefined;
  // Take from the widest label first, one column at a time, so short labels stay whole.
  for (; over > 0; over--) {
    let widest: { i: number; min: number } | undefined;
    for (const x of labels)
      if ((widths[x.i] as number) > x.min && (!widest || (widths[x.i] as number) > (widths[widest.i] as number))) widest = x;
    if (!widest) return undefined;
    widths[widest.i] = (widths[widest.i] as number) - 1;
  }
  return widths;
}

interface Fit {
  kept: number[];
  widths: number[];
  narrow: boolean;
}

/** Which columns stay, and how wide each is; undefined when nothing fits. */
function fit(columns: readonly LayoutColumn[], p: Prepared, width: number): Fit | undefined {
  const n = columns.length;
  const cellMax = new Array<number>(n).fill(0);
  for (const w of p.widths) for (let c = 0; c < n; c++) if ((w[c] as number) > (cellMax[c] as number)) cellMax[c] = w[c] as number;
  for (const narrow of [false, true]) {
    const head = columns.map((col) => displayWidth(narrow ? (col.narrowHeader ?? col.header) : col.header));
    const natural = cellMax.map((m, c) => Math.max(m, head[c] as number));
    const mins = columns.map((col, c) =>
      col.shrinkTo === undefined ? (natural[c] as number) : Math.min(natural[c] as number, Math.max(col.shrinkTo, head[c] as number)),
    );
    const order = columns
      .map((col, c) => ({ c, p: col.priority ?? Number.POSITIVE_INFINITY }))
      .filter((x) => Number.isFinite(x.p))
      .sort((a, b) => a.p - b.p || b.c - a.c);
    const kept = new Set(columns.map((_, c) => c));
    const list = () => [...kept].sort((a, b) => a - b);
    const natWidth = () => sum(list().map((c) => natural[c] as number)) + frame(kept.size);
    if (natWidth() <= width) return { kept: list(), widths: list().map((c) => natural[c] as number), narrow };
    if (!narrow && columns.some((col) => col.narrowHeader !== undefined)) continue;
    for (const x of order) {
      if (x.p >= LATE) {
        const widths = shrink(list(), natural, mins, width);
        if (widths) return { kept: list(), widths, narrow };
      }
      kept.delete(x.c);
      if (x.p < LATE && natWidth() <= width) return { kept: list(), widths: list().map((c) => natural[c] as number), narrow };
    }
    const widths = shrink(list(), natural, mins, width);
    if (widths) return { kept: list(), widths, narrow };
  }
  return undefined;
}

const cutTo = (col: LayoutColumn | undefined) => (col?.cut === 'middle' ? truncateMiddle : truncate);

function cellText(text: string, w: number, width: number, col: LayoutColumn | undefined): string {
  const t = w > width ? cutTo(col)(text, width) : text;
  const pad = ' '.repeat(Math.max(0, width - (w > width ? displayWidth(t) : w)));
  return col?.align === 'right' ? pad + t : t + pad;
}

function rule(widths: readonly number[], [l, m, r]: string): string {
  return `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
}

/** The `Header: value` parts of a row's folded columns, wrapped into the table's inner width. */
function foldLines(spec: TableSpec, p: Prepared, row: number, folded: number[], inner: number): string[] {
  const parts = folded
    .map((c) => ({ c, t: p.text[row]?.[c] ?? '' }))
    .filter((x) => x.t !== '')
    .map((x) => {
      const col = spec.columns[x.c] as LayoutColumn;
      const label = col.foldHeader ?? col.header;
      return label === '' ? x.t : `${label}: ${x.t}`;
    });
  if (parts.length === 0) return [];
  return wrap(`  ${parts.join(' · ')}`, inner, { separator: ' · ', indent: 2 });
}

/** The line under a table that had to leave columns out to fit the terminal. */
export function hiddenNote(hidden: readonly string[], width: number): string {
  return `Left out to fit ${width} columns: ${hidden.join(', ')} (COLUMNS=… or --format json shows all).`;
}

/** Lays the rows out to fit `spec.width` columns. */
export function renderTable(spec: TableSpec): TableText {
  const n = spec.columns.length;
  const body = prepare(spec.rows, n);
  const foot = prepare(spec.footer ?? [], n);
  const all: Prepared = {
    text: [...body.text, ...foot.text],
    styles: [...body.styles, ...foot.styles],
    widths: [...body.widths, ...foot.widths],
  };
  const placed = fit(spec.columns, all, spec.width);
  if (!placed) return { lines: vertical(spec, all), hidden: [], vertical: true };
  const { kept, widths, narrow } = placed;
  const dropped = spec.columns.map((_, c) => c).filter((c) => !kept.includes(c));
  const folded = dropped.filter((c) => spec.columns[c]?.fold);
  const inner = sum(widths) + frame(kept.length) - 4;
  const { paint } = spec;
  const line = (q: Prepared, r: number) =>
    `│ ${kept
      .map((c, i) => {
        const text = cellText(q.text[r]?.[c] ?? '', q.widths[r]?.[c] ?? 0, widths[i] as number, spec.columns[c]);
        const style = q.styles[r]?.[c];
        return style ? paint(style, text) : text;
      })
      .join(' │ ')} │`;
  const head = kept.map((c, i) => {
    const col = spec.columns[c] as LayoutColumn;
    const h = terminalCell(narrow ? (col.narrowHeader ?? col.header) : col.header);
    return paint('bold', cellText(h, displayWidth(h), widths[i] as number, col));
  });
  const lines = [rule(widths, '┌┬┐'), `│ ${head.join(' │ ')} │`, rule(widths, '├┼┤')];
  for (let r = 0; r < body.text.length; r++) {
    lines.push(line(body, r));
    for (const f of foldLines(spec, body, r, folded, inner)) lines.push(`│ ${paint('dim', f)}${' '.repeat(inner - displayWidth(f))} │`);
  }
  if (foot.text.length > 0) lines.push(rule(widths, '├┼┤'));
  for (let r = 0; r < foot.text.length; r++) lines.push(line(foot, r));
  lines.push(rule(widths, '└┴┘'));
  const hidden = dropped.filter((c) => !spec.columns[c]?.fold).map((c) => spec.columns[c]?.noteAs ?? spec.columns[c]?.header ?? '');
  return { lines, hidden: [...new Set(hidden)], vertical: false };
}

/** One block of `Header  value` lines per row, when no table fits. */
function vertical(spec: TableSpec, p: Prepared): string[] {
  const heads = spec.columns.map((c) => terminalCell(c.header));
  const hw = Math.min(Math.max(...heads.map(displayWidth)), Math.floor(spec.width / 2));
  const room = Math.max(1, spec.width - hw - 2);
  const lines: string[] = [];
  for (let r = 0; r < p.text.length; r++) {
    if (r > 0) lines.push('');
    for (let c = 0; c < heads.length; c++) {
      const text = p.text[r]?.[c] ?? '';
      if (text === '') continue;
      const h = truncate(heads[c] as string, hw);
      const style = p.styles[r]?.[c];
      const value = cutTo(spec.columns[c])(text, room);
      lines.push(`${spec.paint('bold', h)}${' '.repeat(hw - displayWidth(h) + 2)}${style ? spec.paint(style, value) : value}`);
    }
  }
  return lines;
}
