import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/inprocess.js';
import { startPrometheusWith, startVictoriaMetricsWith } from '../helpers/servers.js';
import { useServer } from '../helpers/server-suite.js';

// Values no counter holds, stored in a real server: they arrive in the API's JSON as "+Inf",
// "-Inf" and "NaN" and must be skipped like in a file — never a reset, never money.
const T0 = Date.parse('2026-11-10T00:00:00Z') / 1000;
const values = ['100', '+Inf', '110', 'NaN', '125', '-Inf', '130'];
// Below zero, one of them the last sample before 01:00: 50, 60, 70, 75, 90 count (90 tokens).
const negative = ['50', '60', '-3', '70', '75', '-5', '90'];
const lines = [
  '# TYPE llm_tokens_in_total counter',
  ...values.map((v, i) => `llm_tokens_in_total{model="gpt-4o-mini"} ${v} ${T0 + 600 * (i + 1)}`),
  ...negative.map((v, i) => `llm_tokens_in_total{model="gpt-4o"} ${v} ${T0 + 600 * (i + 1)}`),
  // Series with a label named like the one VictoriaMetrics' aggr_over_time sets: 30 + 200 tokens.
  ...['10', '20', '30'].map((v, i) => `llm_tokens_in_total{model="o3",rollup="x"} ${v} ${T0 + 600 * (i + 1)}`),
  ...['100', '150', '200'].map((v, i) => `llm_tokens_in_total{model="o3",rollup="y"} ${v} ${T0 + 600 * (i + 1)}`),
  '# TYPE llm_tokens_out_total counter',
  ...values.map((_, i) => `llm_tokens_out_total{model="gpt-4o-mini"} ${10 * (i + 1)} ${T0 + 600 * (i + 1)}`),
  '# EOF',
];
const WINDOW = ['--since', '2026-11-09T23:00:00Z', '--until', '2026-11-10T03:00:00Z'];

describe.each([
  ['Prometheus 2.42', () => startPrometheusWith(lines)],
  ['VictoriaMetrics', () => startVictoriaMetricsWith(lines, 2, (T0 + 600) * 1000)],
])('%s holding ±Inf and NaN samples', (_name, startServer) => {
  const server = useServer(startServer);

  it('bills the counter as a file would: 130 tokens for gpt-4o-mini (born at 100, then +10, +15, +5), no reset, an INVALID_SAMPLES error', async () => {
    const r = await runMain(['report', '--prometheus', server.url, ...WINDOW, '--format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    // gpt-4o-mini's 130, gpt-4o's 90 and o3's 230 (below).
    expect(json.totals.tokens.input).toBe(450);
    expect(json.totals.tokens.output).toBe(70);
    expect(json.coverage.resets).toBe(0);
    expect(json.warnings.map((w: any) => w.code)).toContain('INVALID_SAMPLES');
    const strict = await runMain(['report', '--prometheus', server.url, ...WINDOW, '--strict']);
    expect(strict.code).toBe(4);
  });

  it('skips values below zero on the summed path as series by series does, hour by hour (90 tokens for gpt-4o)', async () => {
    const args = ['report', '--prometheus', server.url, ...WINDOW, '--step', '1h', '--by', 'model', '--format', 'json'];
    const sums = JSON.parse((await runMain(args)).stdout);
    const each = JSON.parse((await runMain([...args, '--per-series'])).stdout);
    expect(sums.source[0].accounting).toBe('groups');
    expect(each.source[0].accounting).toBe('series');
    const hours = (json: any, model: string) =>
      json.rows.filter((row: any) => row.group.model === model).map((row: any) => [row.start, row.tokens.input]);
    expect(hours(sums, 'gpt-4o')).toEqual([
      ['2026-11-10T00:00:00Z', 75],
      ['2026-11-10T01:00:00Z', 15],
    ]);
    expect(hours(sums, 'gpt-4o')).toEqual(hours(each, 'gpt-4o'));
    expect(hours(sums, 'gpt-4o-mini')).toEqual(hours(each, 'gpt-4o-mini'));
  });

  it('sums series with a label of their own named "rollup" as series by series does (230 tokens for o3)', async () => {
    const args = ['report', '--prometheus', server.url, ...WINDOW, '--by', 'model', '--format', 'json'];
    const sums = JSON.parse((await runMain(args)).stdout);
    const each = JSON.parse((await runMain([...args, '--per-series'])).stdout);
    const o3 = (json: any) => json.rows.find((row: any) => row.group.model === 'o3')?.tokens.input;
    expect(o3(sums)).toBe(230);
    expect(o3(each)).toBe(230);
  });
});

// One series of a group below zero throughout and rising (never a reset), beside a healthy one,
// from before the window to 01:00. Below zero adds nothing, so o4-mini is the healthy series'
// 190 − 70 = 120 tokens, 60 an hour. (No series here has a label named `rollup`, so
// VictoriaMetrics sums with its fused rollups.)
const belowZero = [
  '# TYPE llm_tokens_in_total counter',
  ...Array.from({ length: 19 }, (_, i) => `llm_tokens_in_total{model="o4-mini",team="a"} ${10 * (i + 1)} ${T0 - 7200 + 600 * i}`),
  ...Array.from({ length: 19 }, (_, i) => `llm_tokens_in_total{model="o4-mini",team="b"} ${10 * (i - 19)} ${T0 - 7200 + 600 * i}`),
  '# EOF',
];

describe.each([
  ['Prometheus 2.42', () => startPrometheusWith(belowZero)],
  ['VictoriaMetrics', () => startVictoriaMetricsWith(belowZero, 2, (T0 - 7200) * 1000)],
])('%s holding a series below zero beside a healthy one', (_name, startServer) => {
  const server = useServer(startServer);

  it('sums the group as series by series does: 60 tokens an hour, none from the series below zero', async () => {
    const args = ['report', '--prometheus', server.url, ...WINDOW, '--step', '1h', '--by', 'model', '--format', 'json'];
    const sums = JSON.parse((await runMain(args)).stdout);
    const each = JSON.parse((await runMain([...args, '--per-series'])).stdout);
    expect(sums.source[0].accounting).toBe('groups');
    const hours = (json: any) => json.rows.map((row: any) => [row.start, row.tokens.input]);
    expect(hours(sums)).toEqual([
      ['2026-11-09T23:00:00Z', 60],
      ['2026-11-10T00:00:00Z', 60],
    ]);
    expect(hours(each)).toEqual(hours(sums));
  });
});
