import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunked, jsonWithArray } from '../../src/render/chunks.js';
import { csvRecord, csvText } from '../../src/render/csv.js';
import { writeAtomic } from '../../src/files/write.js';

const ITEMS = [
  {
    group: { team: 'a\nb', 'odd "key"': 'é ✓ \u2028' },
    tokens: { input: 1, output: 0 },
    cost: null,
    list: [],
    nested: { deep: [1, { x: {} }] },
  },
  { group: {}, priced: false, n: -0.5 },
  'a string item',
  [1, [2, [3]]],
];

describe('jsonWithArray gives the text of JSON.stringify(…, null, 2) piece by piece', () => {
  const cases: [string, object, unknown[], object][] = [
    [
      'head, items and tail',
      { schemaVersion: 1, window: { start: null, label: 'x' }, groupBy: ['a'] },
      ITEMS,
      { totals: { n: 3 }, warnings: [] },
    ],
    ['no items', { a: 1 }, [], { b: [1] }],
    ['empty head', {}, ITEMS, { b: 2 }],
    ['empty tail', { a: 1 }, ITEMS, {}],
    ['empty head and tail, no items', {}, [], {}],
    // More than two batches, the last one short: each batch is stringified at once.
    [
      'many items',
      { a: 1 },
      Array.from({ length: 601 }, (_, i) => (i % 7 === 0 ? ITEMS[i % ITEMS.length] : { i, group: { k: `v${i}` }, list: [i, [i]] })),
      { b: 2 },
    ],
  ];
  for (const [name, head, items, tail] of cases) {
    it(name, () => {
      const whole = `${JSON.stringify({ ...head, rows: items, ...tail }, null, 2)}\n`;
      for (const size of [1, 7, 1 << 16]) {
        const pieces = [...jsonWithArray(head, 'rows', items, tail, size)];
        expect(pieces.join('')).toBe(whole);
        // Every piece but the last reached the chunk size: a few large writes, not one per row.
        for (const p of pieces.slice(0, -1)) expect(p.length).toBeGreaterThanOrEqual(size);
      }
    });
  }
});

describe('chunked', () => {
  it('joins pieces into chunks of at least the size, in order, losing nothing', () => {
    const pieces = ['ab', 'c', 'defg', 'h', '', 'ij'];
    expect([...chunked(pieces, 3)]).toEqual(['abc', 'defg', 'hij']);
    expect([...chunked(pieces, 100)]).toEqual(['abcdefghij']);
    expect([...chunked([], 3)]).toEqual([]);
  });
});

describe('CSV records', () => {
  it('quotes commas, quotes and line breaks, neutralises formulas, keeps plain numbers', () => {
    expect(csvRecord(['a,b', 'say "hi"', 'two\nlines', 'cr\r', '=SUM(A1)', '-1.5', '-x', '@ts', 1.25, null, undefined, ''])).toBe(
      '"a,b","say ""hi""","two\nlines","cr\r",\'=SUM(A1),-1.5,\'-x,\'@ts,1.25,,,\n',
    );
    // A formula cell that also needs quotes: neutralised first, then quoted.
    expect(csvRecord(['=1,2'])).toBe('"\'=1,2"\n');
    expect(
      csvText([
        ['h1', 'h2'],
        ['x', 2],
      ]),
    ).toBe('h1,h2\nx,2\n');
    expect(csvText([])).toBe('');
  });
});

describe('writeAtomic with a streamed text', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokenspend-stream-'));

  it('writes every chunk, in order, then renames', async () => {
    const path = join(dir, 'out.csv');
    writeFileSync(path, 'old contents\n');
    await writeAtomic(path, ['a,b\n', '1,2\n', '3,4\n']);
    expect(readFileSync(path, 'utf8')).toBe('a,b\n1,2\n3,4\n');
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });

  it('keeps the old file and leaves no temp file when rendering fails half-way; the failure stays a bug, not a usage error', async () => {
    const path = join(dir, 'keep.json');
    writeFileSync(path, 'the old report\n');
    function* failing() {
      yield '{\n  "rows": [';
      throw new TypeError('renderer bug');
    }
    await expect(writeAtomic(path, failing())).rejects.toThrow(TypeError);
    expect(readFileSync(path, 'utf8')).toBe('the old report\n');
    expect(readdirSync(dir).sort()).toEqual(['keep.json', 'out.csv']);
  });

  it('says the file system refused as a usage error naming the file', async () => {
    const path = join(dir, 'no-such-folder', 'r.csv');
    await expect(writeAtomic(path, ['x\n'])).rejects.toThrow(`--output ${path}: cannot write: ENOENT`);
  });
});
