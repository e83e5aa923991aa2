import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayCosts } from '../../src/cost/display.js';
import type { CostReport, ReportRow } from '../../src/cost/report.js';
import { allocate, costOf, formatSafeUnits, formatUnits, parsePrice, roundToUnits } from '../../src/money.js';

/**
 * Largest remainder the slow, obvious way: floors, then one unit at a time to the parts in order of
 * remainder (largest first, earlier first among equals), round and round; taken back from the end
 * of that order when the floors are over the target.
 */
function oneUnitAtATime(amounts: bigint[], decimals: number, target: bigint): bigint[] {
  const unit = 10n ** BigInt(15 - decimals);
  const floorOf = (a: bigint) => (a >= 0n ? a / unit : -((-a + unit - 1n) / unit));
  const out = amounts.map(floorOf);
  const order = amounts.map((a, i) => ({ i, rem: a - floorOf(a) * unit }));
  order.sort((x, y) => (x.rem === y.rem ? x.i - y.i : x.rem > y.rem ? -1 : 1));
  let left = target - out.reduce((s, x) => s + x, 0n);
  for (let k = 0; left > 0n; k = (k + 1) % order.length, left--) out[order[k]!.i]! += 1n;
  for (let k = order.length - 1; left < 0n; k = (k - 1 + order.length) % order.length, left++) out[order[k]!.i]! -= 1n;
  return out;
}

describe('money', () => {
  it('prices tokens exactly: 1,234 tokens at $2.50/1M is $0.003085', () => {
    const femto = costOf(1234, parsePrice('2.50'));
    expect(formatUnits(roundToUnits(femto, 6), 6)).toBe('0.003085');
    expect(femto).toBe(3_085_000_000_000n);
  });

  it('keeps nine decimals of a price', () => {
    expect(parsePrice('0.000000001')).toBe(1n);
    expect(parsePrice('15')).toBe(15_000_000_000n);
  });

  it('rounds half away from zero', () => {
    expect(roundToUnits(5_000_000_000_000n, 2)).toBe(1n); // 0.005 → 0.01
    expect(roundToUnits(4_999_999_999_999n, 2)).toBe(0n);
  });

  it('prints plain decimals without exponent', () => {
    expect(formatUnits(7n, 6)).toBe('0.000007');
    expect(formatUnits(123456789n, 2)).toBe('1234567.89');
  });

  it('allocates rounded parts that add up to the rounded total', () => {
    // Three rows of $0.004 each: rounded one by one they print 0.00 + 0.00 + 0.00 ≠ 0.01.
    const each = 4_000_000_000_000n;
    const parts = allocate([each, each, each], 2, roundToUnits(3n * each, 2));
    expect(parts).toEqual([1n, 0n, 0n]);
    expect(parts.reduce((a, b) => a + b, 0n)).toBe(1n);
  });

  it('gives the extra units to the largest remainders', () => {
    const c = (x: number) => BigInt(Math.round(x * 1e6)) * 1_000_000_000n;
    const parts = allocate([c(1.004), c(2.006), c(3.003)], 2, 601n);
    expect(parts).toEqual([100n, 201n, 300n]);
  });

  it('allocates as one unit at a time would, for any amounts and targets', () => {
    const amount = fc.oneof(
      fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
      fc.bigInt({ min: 0n, max: 10n ** 10n }),
      fc.constantFrom(0n, 999_999_999n, 1_000_000_000n, 1_500_000_000n),
    );
    fc.assert(
      fc.property(
        fc.array(amount, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: -30, max: 30 }),
        (amounts, decimals, off) => {
          const target =
            roundToUnits(
              amounts.reduce((s, a) => s + a, 0n),
              decimals,
            ) + BigInt(off);
          expect(allocate(amounts, decimals, target)).toEqual(oneUnitAtATime(amounts, decimals, target));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('prints a safe integer as formatUnits prints its BigInt', () => {
    fc.assert(
      fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 15 }), (n, d) => {
        expect(formatSafeUnits(n, d)).toBe(formatUnits(BigInt(n), d));
      }),
    );
    expect(formatSafeUnits(-7, 6)).toBe('-0.000007');
    expect(formatSafeUnits(1234, 0)).toBe('1234');
  });

  it('rounds rows past 2^53 units exactly, beside ordinary ones', () => {
    // $12,345,678,901.2345675 of input (1.2e16 units at 6 decimals, past 2^53), then three rows of
    // $0.0000004 that only add up to a printed unit together.
    const row = (input: bigint, output: bigint): ReportRow => ({
      group: { model: 'm' },
      bucket: undefined,
      priced: true,
      tokens: { input: 1, cached_input: 0, cache_write: 0, output: 1 },
      cost: { input, cached_input: 0n, cache_write: 0n, output },
      totalCost: input + output,
    });
    const huge = row(12_345_678_901_234_567_500_000_000n, 250_000_000n);
    const tiny = row(400_000_000n, 0n);
    const rows = [huge, tiny, tiny, tiny];
    const totalCost = rows.reduce((s, r) => s + (r.totalCost as bigint), 0n);
    const report = { rows, totals: { totalCost } } as unknown as CostReport;
    const d = displayCosts(report, 6);
    // The huge row's exact total ends in …567.50000025: it rounds up; its types add up to it.
    expect(d.row(0)).toEqual({
      byType: { input: '12345678901.234568', cached_input: '0.000000', cache_write: '0.000000', output: '0.000000' },
      total: '12345678901.234568',
    });
    // 1.2 micro-units among three rows: the grand total rounds to 12345678901.234569, one unit each way.
    expect(d.totals.total).toBe('12345678901.234569');
    expect([1, 2, 3].map((i) => d.row(i)?.total)).toEqual(['0.000001', '0.000000', '0.000000']);
    expect(d.totals.byType.input).toBe('12345678901.234569');
  });
});
