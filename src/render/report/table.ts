import type { CostReport } from '../../cost/report.js';
import { describeFx } from '../../pricing/fx.js';
import { terminalCell } from '../../text.js';
import { formatLocal, formatMoney, formatTokens } from '../format.js';
import { type Cell, hiddenNote, type LayoutColumn, renderTable } from '../layout.js';
import type { RenderOptions } from '../options.js';
import { painter, wrap } from '../terminal.js';
import { type CellValue, type Column, describeWindow, reportColumns, tabulate, visibleColumns } from './columns.js';

// Which columns give way first on a narrow terminal: per-type costs, then the end of a step, then
// token types from the least read (cache writes) to output. Labels, the start and the cost stay.
const PRIORITY: Record<string, number> = {
  'cost:cache_write': 1,
  'cost:cached_input': 2,
  'cost:input': 3,
  'cost:output': 4,
  end: 10,
  'tokens:cache_write': 20,
  'tokens:cached_input': 30,
  'tokens:input': 40,
  'tokens:output': 50,
};

function layoutColumn(col: Column): LayoutColumn {
  const right = col.kind === 'tokens' || col.kind === 'money';
  return {
    header: col.header,
    align: right ? 'right' : 'left',
    ...(PRIORITY[col.key] !== undefined ? { priority: PRIORITY[col.key] as number } : {}),
    ...(col.kind === 'dimension' ? { shrinkTo: 10 } : {}),
    ...(col.kind === 'money' && col.tokenType ? { noteAs: 'costs per token type' } : {}),
  };
}

/** A terminal table fitted to the width: one row per group, a totals row, money right-aligned with its currency. */
export function renderReportTable(report: CostReport, options: RenderOptions): string {
  const paint = painter(options.color);
  const { rows, totals } = tabulate(report, options.decimals ?? 2);
  const text = (col: Column, v: CellValue): Cell => {
    if (v === null) return col.kind === 'money' && !col.tokenType ? { text: 'unpriced', style: 'yellow' } : '';
    if (col.kind === 'tokens') return formatTokens(v as number);
    if (col.kind === 'money') return formatMoney(v as string, report.currency);
    if (col.kind === 'time') return formatLocal(Date.parse(v as string), report.timezone);
    return v === '' ? { text: '(none)', style: 'dim' } : String(v);
  };
  const cols = visibleColumns(report, reportColumns(report));
  const lines = wrap(`Cost report · ${describeWindow(report)}`, options.width, { indent: 2 }).map((l) => paint('bold', l));
  if (rows.length === 0) {
    lines.push('No usage in this window.');
    return `${lines.join('\n')}\n`;
  }
  const first = cols.findIndex((c) => c.kind === 'tokens' || c.kind === 'money');
  const footer: Cell[][] =
    rows.length > 1
      ? [
          cols.map((c, i): Cell =>
            i === 0 ? { text: 'Total', style: 'bold' } : i < first ? '' : { text: cellText(text(c, totals[c.key] ?? null)), style: 'bold' },
          ),
        ]
      : [];
  const table = renderTable({
    columns: cols.map(layoutColumn),
    rows: rows.map((r) => cols.map((c) => text(c, r[c.key] ?? null))),
    footer,
    width: options.width,
    paint,
  });
  for (const line of table.lines) lines.push(line); // a spread of 100k+ lines overflows the stack
  if (table.hidden.length > 0) lines.push(...wrap(hiddenNote(table.hidden, options.width), options.width).map((l) => paint('dim', l)));
  if (report.totals.unpricedTokens > 0) {
    const note = `${formatTokens(report.totals.unpricedTokens)} tokens are unpriced and not in the total.`;
    lines.push(...wrap(note, options.width).map((l) => paint('yellow', l)));
  }
  if (report.fx)
    lines.push(...wrap(`${terminalCell(describeFx(report.fx)).replace(/^a/, 'A')}.`, options.width).map((l) => paint('dim', l)));
  return `${lines.join('\n')}\n`;
}

const cellText = (c: Cell) => (typeof c === 'string' ? c : c.text);
