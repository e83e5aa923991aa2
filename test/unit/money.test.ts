import { describe, expect, it } from 'vitest';
import { allocate, costOf, formatUnits, parsePrice, roundToUnits } from '../../src/money.js';

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
});
