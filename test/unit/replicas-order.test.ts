import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeReplicas } from '../../src/ledger/replicas.js';

// A server lists the copies of a series in no promised order (VictoriaMetrics varies it from one
// answer to the next), so merging them must not depend on it.
const value = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 1000 }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, 1e300, -5, Number.POSITIVE_INFINITY, -0) },
);
const copy = fc.array(fc.tuple(fc.integer({ min: 1, max: 12 }), value), { maxLength: 12 }).map((points) => {
  const byTime = new Map(points.map(([t, v]) => [t * 60_000, v]));
  const times = [...byTime.keys()].sort((a, b) => a - b);
  return { times, values: times.map((t) => byTime.get(t) as number) };
});

describe('HA copies merged into one counter', () => {
  it('gives the same readings whatever the order of the copies', () => {
    fc.assert(
      fc.property(fc.array(copy, { minLength: 2, maxLength: 4 }), fc.nat(), (copies, seed) => {
        const shuffled = [...copies];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (seed + i * 7) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] as (typeof copies)[number], shuffled[i] as (typeof copies)[number]];
        }
        expect(mergeReplicas(shuffled)).toEqual(mergeReplicas(copies));
        expect(mergeReplicas([...copies].reverse())).toEqual(mergeReplicas(copies));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the highest copy at an instant both report, whichever comes first', () => {
    // One copy stuck at 0 (as VictoriaMetrics returned a copy stored beside a 1e300 sample).
    const good = { times: [1, 2, 3, 4], values: [100, 110, 120, 130] };
    const broken = { times: [1, 2, 3, 4], values: [0, 0, 1e300, 0] };
    const expected = { times: [1, 2, 3, 3, 4], values: [100, 110, 120, 1e300, 130] };
    expect(mergeReplicas([good, broken])).toEqual(expected);
    expect(mergeReplicas([broken, good])).toEqual(expected);
    // The copy that reads lower at the first instant reads higher at the second: no reset.
    const x = { times: [1, 2], values: [50, 200] };
    const y = { times: [1, 2], values: [60, 100] };
    expect(mergeReplicas([x, y])).toEqual({ times: [1, 2], values: [60, 200] });
    expect(mergeReplicas([y, x])).toEqual({ times: [1, 2], values: [60, 200] });
  });

  it('keeps a reset one copy saw at an instant the other still reads the old counter', () => {
    // a restarts at 3 (200 → 5); b, stamped at the same instant, still reads 200: the usage is
    // 100 (born) + 100 + 5 + 295 = 500, not the 300 that reading b's 200 would leave.
    const a = { times: [1, 2, 3, 4], values: [100, 200, 5, 300] };
    const b = { times: [1, 2, 3, 4], values: [100, 200, 200, 300] };
    expect(mergeReplicas([a, b])).toEqual({ times: [1, 2, 3, 4], values: [100, 200, 5, 300] });
    expect(mergeReplicas([b, a])).toEqual({ times: [1, 2, 3, 4], values: [100, 200, 5, 300] });
    // Both copies go down at that instant: the higher reading of the new counter.
    const c = { times: [1, 2, 3], values: [100, 200, 10] };
    const d = { times: [1, 2, 3], values: [100, 200, 50] };
    expect(mergeReplicas([c, d])).toEqual({ times: [1, 2, 3], values: [100, 200, 50] });
    expect(mergeReplicas([d, c])).toEqual({ times: [1, 2, 3], values: [100, 200, 50] });
  });
});
