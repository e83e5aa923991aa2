import { describe, expect, it } from 'vitest';
import { accountSeries, sliceOf } from '../../src/ledger/accounting.js';

/** `counter([[t, v], …])` in minutes → times in ms and values. */
function counter(points: [number, number][]): { times: number[]; values: number[] } {
  return { times: points.map(([t]) => t * 60_000), values: points.map(([, v]) => v) };
}
const m = (minutes: number) => minutes * 60_000;

describe('accountSeries (design §4)', () => {
  it('counts b − a between samples, by the slice of the later sample', () => {
    const { times, values } = counter([
      [0, 100],
      [10, 150],
      [20, 180],
      [30, 200],
    ]);
    const { perSlice, coverage } = accountSeries(times, values, [m(0), m(15), m(30)], Infinity);
    // (0,15]: 150−100 = 50; (15,30]: (180−150) + (200−180) = 50. The sample at 0 is the baseline.
    expect([...perSlice]).toEqual([50, 50]);
    expect(coverage.births).toBe(0);
  });

  it('treats a drop as a reset: the new value is the increment', () => {
    const { times, values } = counter([
      [0, 1000],
      [10, 1200],
      [20, 30],
      [30, 90],
    ]);
    const { perSlice, coverage } = accountSeries(times, values, [m(0), m(30)], Infinity);
    // 200 + 30 (after the restart) + 60
    expect([...perSlice]).toEqual([290]);
    expect(coverage.resets).toBe(1);
  });

  it('counts a series born inside the window from zero', () => {
    const { times, values } = counter([
      [40, 7],
      [50, 9],
    ]);
    const { perSlice, coverage } = accountSeries(times, values, [m(30), m(60)], Infinity);
    expect([...perSlice]).toEqual([9]);
    expect(coverage.births).toBe(1);
  });

  it('uses a sample exactly at the window start as the baseline, not as usage', () => {
    const { times, values } = counter([
      [30, 500],
      [40, 510],
    ]);
    expect([...accountSeries(times, values, [m(30), m(60)], Infinity).perSlice]).toEqual([10]);
  });

  it('treats a baseline older than the look-back as absent (born in the window)', () => {
    const { times, values } = counter([
      [0, 500],
      [100, 510],
    ]);
    const { perSlice, coverage } = accountSeries(times, values, [m(90), m(120)], m(60));
    expect([...perSlice]).toEqual([510]);
    expect(coverage.births).toBe(1);
  });

  it('loses nothing over a gap and notes it', () => {
    const { times, values } = counter([
      [0, 0],
      [1, 10],
      [2, 20],
      [3, 30],
      [20, 200],
      [21, 210],
    ]);
    const { perSlice, coverage } = accountSeries(times, values, [m(0), m(10), m(30)], Infinity);
    expect([...perSlice]).toEqual([30, 180]);
    expect(coverage.gaps).toBe(1);
  });

  it('skips NaN (stale markers) without breaking the chain', () => {
    const { times, values } = counter([
      [0, 10],
      [1, Number.NaN],
      [2, 25],
    ]);
    const { perSlice, coverage } = accountSeries(times, values, [m(0), m(5)], Infinity);
    expect([...perSlice]).toEqual([15]);
    expect(coverage.skippedSamples).toBe(1);
  });

  it('ignores samples after the window end', () => {
    const { times, values } = counter([
      [0, 0],
      [10, 10],
      [20, 50],
    ]);
    expect([...accountSeries(times, values, [m(0), m(10)], Infinity).perSlice]).toEqual([10]);
  });

  it('partitions: the slices always sum to the whole-window total', () => {
    const points: [number, number][] = [];
    let v = 0;
    for (let t = 0; t < 600; t += 7) {
      v = t % 150 === 0 && t > 0 ? 3 : v + ((t * 13) % 17);
      points.push([t, v]);
    }
    const { times, values } = counter(points);
    const whole = accountSeries(times, values, [m(-1), m(600)], Infinity).perSlice[0] as number;
    const edges = [m(-1)];
    for (let e = 37; e < 600; e += 37) edges.push(m(e));
    edges.push(m(600));
    const parts = [...accountSeries(times, values, edges, Infinity).perSlice];
    expect(parts.reduce((a, b) => a + b, 0)).toBe(whole);
  });
});

describe('sliceOf', () => {
  it('finds (e[i], e[i+1]] and -1 outside', () => {
    const edges = [0, 10, 20, 30];
    expect([0, 1, 10, 11, 20, 30, 31].map((t) => sliceOf(edges, t))).toEqual([-1, 0, 0, 1, 1, 2, -1]);
  });
});
