import { describe, expect, it } from 'vitest';
import { type ReportRow, sortRows } from '../../src/cost/report.js';

function row(name: string, totalCost: bigint | null, input: number, bucket?: number): ReportRow {
  return {
    group: { team: name },
    bucket,
    priced: totalCost !== null,
    tokens: { input, cached_input: 0, cache_write: 0, output: 0 },
    cost: null,
    totalCost,
  };
}

const names = (list: { row: ReportRow }[]) => list.map((a) => a.row.group.team);

describe('report row order', () => {
  it('puts the dearer of two costs first even where they are one femto-unit apart above 2^53', () => {
    const big = 2n ** 60n;
    // Number(big) === Number(big + 1n): the order must come from the exact amounts.
    const list = [row('a', big, 5), row('b', big + 1n, 5), row('c', big - 1n, 9)].map((r) => ({ row: r, rank: 0n }));
    expect(names(sortRows(list))).toEqual(['b', 'a', 'c']);
  });

  it('orders by bucket, priced before unpriced, (other) last, dearest, most tokens, then by name', () => {
    const list = [
      { row: row('u', null, 100, 0), rank: 0n },
      { row: row('(other)', 1n, 1, 0), rank: -1n },
      { row: row('y', 5n, 1, 0), rank: 0n },
      { row: row('x', 5n, 1, 0), rank: 0n },
      { row: row('more', 5n, 2, 0), rank: 0n },
      { row: row('dear', 7n, 1, 0), rank: 0n },
      { row: row('early', 1n, 1, -1), rank: 0n },
      { row: row('late', 99n, 1, 1), rank: 0n },
    ];
    expect(names(sortRows(list))).toEqual(['early', 'dear', 'more', 'x', 'y', '(other)', 'u', 'late']);
  });
});
