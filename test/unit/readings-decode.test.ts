import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeReadings, encodingBase } from '../../src/sources/prometheus/aggregate.js';

// The server adds `reading × base + 1` over a group's series in doubles, in an order of its own.
function serverSum(readings: readonly number[], base: number): number {
  let s = 0;
  for (const v of readings) s += v * base + 1;
  return s;
}

describe('the readings carried in one sum', () => {
  it('a base above the series present, odd, at least 3', () => {
    expect([0, 1, 2, 3, 4, 9, 10].map(encodingBase)).toEqual([3, 3, 3, 5, 5, 11, 11]);
  });

  it('hand-worked: 3 series of 10, 20 and 30 tokens with a base of 5 are 303; the count and sum come back', () => {
    expect(serverSum([10, 20, 30], 5)).toBe(303);
    expect(decodeReadings(303, 5, 3)).toEqual({ sum: 60, count: 3 });
    // More readings than series present, or none: not a sum this encoding makes.
    expect(decodeReadings(303, 5, 2)).toBeUndefined();
    expect(decodeReadings(300, 5, 3)).toBeUndefined();
  });

  it('whole readings come back exactly while the encoded sum is below 2^53, and are refused above', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 47 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 20 }),
        (readings, extraPresent) => {
          const present = readings.length + extraPresent;
          const base = encodingBase(present);
          const exact = readings.reduce((a, b) => a + BigInt(b), 0n);
          const got = decodeReadings(serverSum(readings, base), base, present);
          if (exact * BigInt(base) + BigInt(readings.length) < 2n ** 53n) {
            expect(got).toEqual({ sum: Number(exact), count: readings.length });
          } else expect(got).toBeUndefined();
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('readings whose sum is no whole number never come back as a wrong count or sum', () => {
    // Quarters and halves: with a base of 2^k they would carry into the count.
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 30 }), { minLength: 1, maxLength: 12 }), (quarters) => {
        const readings = quarters.map((q) => q / 4);
        const base = encodingBase(readings.length);
        const got = decodeReadings(serverSum(readings, base), base, readings.length);
        const exact = quarters.reduce((a, b) => a + b, 0) / 4;
        // Carried when the quarters make whole tokens, refused when they do not; never wrong.
        expect(got).toEqual(Number.isInteger(exact) ? { sum: exact, count: readings.length } : undefined);
      }),
      { numRuns: 2000 },
    );
  });

  it('a sum too big to be exact times the base is refused: 3.5e15 over two series, base 3', () => {
    const value = serverSum([2_500_000_000_001_100, 1_000_000_000_000_110], 3);
    expect(value).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    expect(decodeReadings(value, 3, 2)).toBeUndefined();
  });
});
