import { describe, expect, it } from 'vitest';
import type { PrometheusClient } from '../../src/sources/prometheus/client.js';
import { labelsPresent } from '../../src/sources/prometheus/grouped.js';
import { runParts, runQuery, selector, sliceRuns, uniformGrid, windowAt } from '../../src/sources/prometheus/queries.js';
import type { ReadRequest } from '../../src/sources/source.js';

const H = 3_600_000;

describe('query planning', () => {
  it('cuts slices into runs of equal length: a rolling week of days is three runs', () => {
    const edges = [5 * H, 24 * H, 48 * H, 72 * H, 96 * H, 100 * H];
    expect(sliceRuns(edges)).toEqual([
      { first: 0, slices: 1, stepMs: 19 * H },
      { first: 1, slices: 3, stepMs: 24 * H },
      { first: 4, slices: 1, stepMs: 4 * H },
    ]);
  });

  it('reads every edge once: a run that starts where another ends starts a step later', () => {
    // A 19-hour slice, three days, a 4-hour slice; parts of at most 3 points (2 slices).
    const edges = [5 * H, 24 * H, 48 * H, 72 * H, 96 * H, 100 * H];
    expect(runParts(edges, 3, true)).toEqual([
      { firstEdge: 0, n: 1, stepMs: 19 * H, skipFirst: false },
      { firstEdge: 1, n: 2, stepMs: 24 * H, skipFirst: true },
      { firstEdge: 3, n: 1, stepMs: 24 * H, skipFirst: true },
      { firstEdge: 4, n: 1, stepMs: 4 * H, skipFirst: true },
    ]);
    expect(windowAt(edges, 0, true)).toBe(19 * H);
    expect(windowAt(edges, 4, true)).toBe(24 * H);
  });

  it('reads the first edge over one day apart from a longer first slice, where asked (Prometheus)', () => {
    // One 30-day slice, then a 2-day one.
    const edges = [0, 720 * H, 768 * H];
    expect(runParts(edges, 11_000, true)).toEqual([
      { firstEdge: 0, n: 0, stepMs: 24 * H, skipFirst: false },
      { firstEdge: 0, n: 1, stepMs: 720 * H, skipFirst: true },
      { firstEdge: 1, n: 1, stepMs: 48 * H, skipFirst: true },
    ]);
    expect(windowAt(edges, 0, true)).toBe(24 * H);
    expect(runParts(edges, 11_000, false)).toEqual([
      { firstEdge: 0, n: 1, stepMs: 720 * H, skipFirst: false },
      { firstEdge: 1, n: 1, stepMs: 48 * H, skipFirst: true },
    ]);
    expect(windowAt(edges, 0, false)).toBe(720 * H);
  });

  it('puts unequal slices on one grid: the longest step every slice is a multiple of', () => {
    // Days in New York from 20:00 UTC, the window starting at 16:00: 4 h, 24 h, 24 h, 20 h.
    const edges = [16 * H, 20 * H, 44 * H, 68 * H, 88 * H];
    expect(uniformGrid(edges, 11_000)).toEqual(
      [16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68, 72, 76, 80, 84, 88].map((h) => h * H),
    );
    expect(uniformGrid(edges, 18)).toBeUndefined(); // 19 points
    expect(uniformGrid([0, 24 * H, 48 * H], 11_000)).toBeUndefined(); // equal already
    // A step shorter than the reading window (an hour) would read no edge as the report does.
    expect(uniformGrid([0, 0.5 * H, 24.5 * H], 11_000)).toBeUndefined();
  });

  it('quotes UTF-8 metric names and label values', () => {
    expect(selector('llm_tokens_in')).toBe('llm_tokens_in');
    expect(selector('gen_ai.client.token.usage_sum', { gateway: 'eu "1"' })).toBe(
      '{__name__="gen_ai.client.token.usage_sum",gateway="eu \\"1\\""}',
    );
  });

  it('uses closed ranges one millisecond short on Prometheus and open ranges on VictoriaMetrics', () => {
    const day = 24 * H;
    const prom = runQuery(['x_total'], day, H, 'prometheus');
    expect(prom).toContain('last_over_time(x_total[3600000ms])');
    expect(prom).toContain(`resets(x_total[${day + H - 1}ms])`);
    expect(prom).not.toContain('count_over_time');
    const vm = runQuery(['x_total'], day, H, 'victoriametrics', true);
    expect(vm).toContain(`resets(x_total[${day + H}ms])`);
    expect(vm).toContain(`count_over_time(x_total[${day}ms])`);
  });

  it('reads readings and resets in one rollup pass when asked to fuse, on VictoriaMetrics only, and not with sample counts', () => {
    const day = 24 * H;
    const fused = runQuery(['x_total'], day, H, 'victoriametrics', false, {}, true);
    expect(fused).toContain(`aggr_over_time(("last_over_time", "lag", "resets"), x_total[${day + H}ms])`);
    expect(fused).not.toContain('resets(x_total');
    expect(runQuery(['x_total'], day, H, 'victoriametrics', true, {}, true)).toContain(`resets(x_total[${day + H}ms])`);
    expect(runQuery(['x_total'], day, H, 'prometheus', false, {}, true)).not.toContain('aggr_over_time');
  });
});

describe('label names for the sums', () => {
  const request = { edges: [10 * H, 34 * H], lookbackMs: 7 * 24 * H } as unknown as ReadRequest;
  // A client that records the ranges asked and refuses the whole retention when told to.
  const client = (refuse: boolean, down = false) => {
    const asked: [number, number][] = [];
    const fake = {
      asked,
      async labelNames(_match: string[], start: number, end: number) {
        asked.push([start, end]);
        if (down) throw new Error('connection refused');
        if (refuse && start === 0) throw Object.assign(new Error('execution: too many series'), { refused: true });
        return start === 0 ? ['model', 'old_label'] : ['model'];
      },
    };
    return fake;
  };

  it('asks VictoriaMetrics over its whole retention (its global index), and over the window when that is refused', async () => {
    const vm = client(false);
    expect([...(await labelsPresent(vm as unknown as PrometheusClient, ['x_total'], request, 'victoriametrics'))]).toEqual([
      'model',
      'old_label',
    ]);
    expect(vm.asked).toEqual([[0, 34 * H]]);
    const refusing = client(true);
    expect([...(await labelsPresent(refusing as unknown as PrometheusClient, ['x_total'], request, 'victoriametrics'))]).toEqual(['model']);
    expect(refusing.asked).toEqual([
      [0, 34 * H],
      [10 * H - 7 * 24 * H, 34 * H],
    ]);
  });

  it('does not ask again when the server could not be reached (the error is the answer)', async () => {
    const down = client(false, true);
    await expect(labelsPresent(down as unknown as PrometheusClient, ['x_total'], request, 'victoriametrics')).rejects.toThrow(
      'connection refused',
    );
    expect(down.asked).toHaveLength(1);
  });

  it('asks Prometheus over the window and the look-back only', async () => {
    const prom = client(false);
    await labelsPresent(prom as unknown as PrometheusClient, ['x_total'], request, 'prometheus');
    expect(prom.asked).toEqual([[10 * H - 7 * 24 * H, 34 * H]]);
  });
});
