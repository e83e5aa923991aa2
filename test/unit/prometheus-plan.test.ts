import { describe, expect, it } from 'vitest';
import { runQuery, selector, sliceRuns } from '../../src/sources/prometheus/queries.js';

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

  it('quotes UTF-8 metric names and label values', () => {
    expect(selector('llm_tokens_in')).toBe('llm_tokens_in');
    expect(selector('gen_ai.client.token.usage_sum', { gateway: 'eu "1"' })).toBe(
      '{__name__="gen_ai.client.token.usage_sum",gateway="eu \\"1\\""}',
    );
  });

  it('uses closed ranges one millisecond short on Prometheus and open ranges on VictoriaMetrics', () => {
    const day = 24 * H;
    const prom = runQuery(['x_total'], day, 'prometheus');
    expect(prom).toContain('last_over_time(x_total[3600000ms])');
    expect(prom).toContain(`resets(x_total[${day + H - 1}ms])`);
    expect(prom).not.toContain('count_over_time');
    const vm = runQuery(['x_total'], day, 'victoriametrics', true);
    expect(vm).toContain(`resets(x_total[${day + H}ms])`);
    expect(vm).toContain(`count_over_time(x_total[${day}ms])`);
  });
});
