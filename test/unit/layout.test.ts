import { describe, expect, it } from 'vitest';
import { terminalCell } from '../../src/text.js';
import { type LayoutColumn, renderTable } from '../../src/render/layout.js';
import { displayWidth, painter, truncate, truncateMiddle, wrap, wrapCommand } from '../../src/render/terminal.js';

const plain = painter(false);
const COLUMNS: LayoutColumn[] = [
  { header: 'team', shrinkTo: 6 },
  { header: 'Extra', align: 'right', priority: 1 },
  { header: 'Tokens', align: 'right', priority: 150 },
  { header: 'Cost', align: 'right' },
];
const ROWS = [
  ['search-and-retrieval', '7', '1,000', '$1.00'],
  ['ads', '8', '20', '$0.25'],
];

describe('renderTable', () => {
  it('draws the whole table when it fits', () => {
    const t = renderTable({ columns: COLUMNS, rows: ROWS, width: 80, paint: plain });
    expect(t.lines).toEqual([
      '┌──────────────────────┬───────┬────────┬───────┐',
      '│ team                 │ Extra │ Tokens │  Cost │',
      '├──────────────────────┼───────┼────────┼───────┤',
      '│ search-and-retrieval │     7 │  1,000 │ $1.00 │',
      '│ ads                  │     8 │     20 │ $0.25 │',
      '└──────────────────────┴───────┴────────┴───────┘',
    ]);
    expect(t.hidden).toEqual([]);
  });

  it('cuts a column marked `middle` in its middle, in the table and in the vertical layout', () => {
    const columns: LayoutColumn[] = [
      { header: 'Budget', shrinkTo: 9, cut: 'middle' },
      { header: 'Spent', align: 'right' },
    ];
    const rows = [
      ['weekly[gateway=gw-eu]', '$1.00'],
      ['weekly[gateway=gw-us]', '$2.00'],
    ];
    const t = renderTable({ columns, rows, width: 21, paint: plain });
    // 21 = 7 of frame + Spent's 5 + Budget's 9: 4 columns of start, the ellipsis, 4 of end.
    expect(t.lines.slice(3, 5)).toEqual(['│ week…-eu] │ $1.00 │', '│ week…-us] │ $2.00 │']);
    const v = renderTable({ columns, rows, width: 16, paint: plain });
    expect(v.vertical).toBe(true);
    // 16 - 6 of header - 2 of gap = 8 for the value.
    expect(v.lines[0]).toBe('Budget  wee…-eu]');
  });

  it('drops early columns first, then cuts labels with an ellipsis, then drops late columns', () => {
    // Natural width 49; without Extra 41.
    const noExtra = renderTable({ columns: COLUMNS, rows: ROWS, width: 41, paint: plain });
    expect(noExtra.lines[3]).toBe('│ search-and-retrieval │  1,000 │ $1.00 │');
    expect(noExtra.hidden).toEqual(['Extra']);
    // 35 columns: the label gives 6 (search-and-retrieval → 14 columns, the last an ellipsis).
    const cut = renderTable({ columns: COLUMNS, rows: ROWS, width: 35, paint: plain });
    expect(cut.lines[3]).toBe('│ search-and-re… │  1,000 │ $1.00 │');
    expect(displayWidth(cut.lines[3] as string)).toBe(35);
    // The label cannot go below 6: Tokens goes instead.
    const late = renderTable({ columns: COLUMNS, rows: ROWS, width: 24, paint: plain });
    expect(late.lines[3]).toBe('│ search-and-… │ $1.00 │');
    expect(late.hidden).toEqual(['Extra', 'Tokens']);
  });

  it('moves folded columns to a line under their row', () => {
    const columns: LayoutColumn[] = [
      { header: 'Budget' },
      { header: 'Period', priority: 1, fold: true, foldHeader: '' },
      { header: 'Forecast', priority: 2, fold: true },
      { header: 'Spent', align: 'right' },
    ];
    const rows = [['all-gateways-daily', 'day: 2026-11-22', '$9.00', '$1.00']];
    const t = renderTable({ columns, rows, width: 34, paint: plain });
    expect(t.lines).toEqual([
      '┌────────────────────┬───────┐',
      '│ Budget             │ Spent │',
      '├────────────────────┼───────┤',
      '│ all-gateways-daily │ $1.00 │',
      '│   day: 2026-11-22 ·        │',
      '│   Forecast: $9.00          │',
      '└────────────────────┴───────┘',
    ]);
    expect(t.hidden).toEqual([]);
  });

  it('falls back to one block per row when nothing fits, cutting values to the width', () => {
    const columns: LayoutColumn[] = [{ header: 'model' }, { header: 'Cost', align: 'right' }];
    const rows = [['claude-sonnet-4-5-20250929', '$438.70']];
    const t = renderTable({ columns, rows, width: 24, paint: plain });
    expect(t.vertical).toBe(true);
    expect(t.lines).toEqual(['model  claude-sonnet-4-…', 'Cost   $438.70']);
  });

  it('shows control characters in labels as escapes, never raw', () => {
    const t = renderTable({ columns: [{ header: 'team' }], rows: [['evil\u001b[31mred\u202e']], width: 80, paint: plain });
    expect(t.lines[3]).toBe('│ evil\\x1b[31mred\\u{202e} │');
    expect(t.lines.join('\n')).not.toMatch(/[\u001b\u202e]/);
  });

  it('measures wide characters as two columns', () => {
    const t = renderTable({
      columns: [{ header: 'team', shrinkTo: 4 }, { header: 'n' }],
      rows: [['検索チーム', '1']],
      width: 80,
      paint: plain,
    });
    // 検索チーム is five wide characters: ten columns.
    expect(t.lines[3]).toBe('│ 検索チーム │ 1 │');
    for (const width of [12, 13, 14, 15, 16]) {
      const cut = renderTable({
        columns: [{ header: 'team', shrinkTo: 4 }, { header: 'n' }],
        rows: [['検索チーム', '1']],
        width,
        paint: plain,
      });
      for (const line of cut.lines) expect(displayWidth(line)).toBeLessThanOrEqual(width);
    }
  });

  it('never draws a line wider than asked, at any width', () => {
    const columns: LayoutColumn[] = [
      { header: 'gateway', shrinkTo: 8 },
      { header: 'model', shrinkTo: 10 },
      { header: 'Input', align: 'right', priority: 40 },
      { header: 'Output', align: 'right', priority: 50 },
      { header: 'Input cost', align: 'right', priority: 1 },
      { header: 'Note', priority: 5, fold: true },
      { header: 'Cost', align: 'right' },
    ];
    const rows = Array.from({ length: 20 }, (_, i) => [
      `gw-${'x'.repeat(i)}`,
      `model-${i}-${'y'.repeat(2 * i)}`,
      String(i * 1_000_003),
      String(i * 7),
      `$${i}.00`,
      `a note of ${i} words `.repeat(i % 4),
      `$${i * 3}.00`,
    ]);
    for (let width = 21; width <= 200; width++) {
      const t = renderTable({ columns, rows, width, paint: plain });
      for (const line of t.lines) expect(displayWidth(line), `${width}: ${line}`).toBeLessThanOrEqual(width);
    }
  });
});

describe('terminal text', () => {
  it('colours only when asked', () => {
    expect(painter(true)('bold', 'x')).toBe('\u001b[1mx\u001b[22m');
    expect(painter(false)('bold', 'x')).toBe('x');
  });

  it('measures display width: wide characters two, combining marks and joiners none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('検索')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('😀x')).toBe(3);
    expect(displayWidth('a\u200db')).toBe(2);
    expect(truncate('検索チーム', 6)).toBe('検索…');
  });

  it('cuts and wraps by display width', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    // In the middle: the start gets the smaller half, the end the rest.
    expect(truncateMiddle('weekly[gateway=gw-eu]', 12)).toBe('weekl…gw-eu]');
    expect(truncateMiddle('weekly[gateway=gw-eu]', 21)).toBe('weekly[gateway=gw-eu]');
    expect(truncateMiddle('検索チームの予算', 9)).toBe('検索…予算');
    expect(truncateMiddle('abcdef', 2)).toBe('a…');
    expect(wrap('one two three four', 12, { indent: 2 })).toEqual(['one two', '  three four']);
    expect(terminalCell('a\tb')).toBe('a\\tb');
  });

  it('breaks a long command before its flags, with continuation backslashes', () => {
    expect(wrapCommand('tokenspend report --file /a/very/long/path.om.gz --by gateway,model --window 7d', 40)).toEqual([
      '  tokenspend report \\',
      '    --file /a/very/long/path.om.gz \\',
      '    --by gateway,model --window 7d',
    ]);
  });
});
