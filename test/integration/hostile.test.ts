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

  it('skips -Inf where it is the last sample a whole reading window before an edge (5 minutes: +5 at 01:10 for gpt-4o-mini)', async () => {
    // At 01:05 the last sample, -Inf at 01:00, is a reading window old: the series looks stopped
    // and its reading there is looked up apart. -Inf must read as no reading (series by series
    // then counts 130 on from 125), not as 0 (130 billed whole).
    const args = ['report', '--prometheus', server.url, ...WINDOW, '--step', '5m', '--by', 'model', '--format', 'json'];
    const sums = JSON.parse((await runMain(args)).stdout);
    const each = JSON.parse((await runMain([...args, '--per-series'])).stdout);
    const slices = (json: any) =>
      json.rows
        .filter((row: any) => row.group.model === 'gpt-4o-mini' && row.tokens.input > 0)
        .map((row: any) => [row.start, row.tokens.input]);
    expect(slices(sums)).toEqual([
      ['2026-11-10T00:05:00Z', 100],
      ['2026-11-10T00:25:00Z', 10],
      ['2026-11-10T00:45:00Z', 15],
      ['2026-11-10T01:05:00Z', 5],
    ]);
    expect(slices(each)).toEqual(slices(sums));
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

// By model, the window opening at 23:00:
// - o4-mini, from before the window to 01:00: a healthy series beside one below zero throughout
//   and rising (never a reset). Below zero adds nothing, so o4-mini is the healthy series'
//   190 − 70 = 120 tokens, 60 an hour.
// - o3-mini: one series born at 100 at 23:25, below zero every 5 minutes from 23:35 to 00:00,
//   then 110, 115, 120. The samples below zero are skipped and it counts on from 100: 100 tokens in
//   the hour from 23:00, 20 in the next. (At 00:00 its group has no valid reading; counted as 0
//   there, 110 would be billed whole.)
// (No series here has a label named `rollup`, so VictoriaMetrics sums with its fused rollups.)
const belowZero = [
  '# TYPE llm_tokens_in_total counter',
  ...Array.from({ length: 19 }, (_, i) => `llm_tokens_in_total{model="o4-mini",team="a"} ${10 * (i + 1)} ${T0 - 7200 + 600 * i}`),
  ...Array.from({ length: 19 }, (_, i) => `llm_tokens_in_total{model="o4-mini",team="b"} ${10 * (i - 19)} ${T0 - 7200 + 600 * i}`),
  `llm_tokens_in_total{model="o3-mini",team="c"} 100 ${T0 - 2100}`,
  ...Array.from({ length: 6 }, (_, i) => `llm_tokens_in_total{model="o3-mini",team="c"} -1 ${T0 - 1500 + 300 * i}`),
  ...['110', '115', '120'].map((v, i) => `llm_tokens_in_total{model="o3-mini",team="c"} ${v} ${T0 + 300 * (i + 1)}`),
  '# EOF',
];

describe.each([
  ['Prometheus 2.42', () => startPrometheusWith(belowZero)],
  ['VictoriaMetrics', () => startVictoriaMetricsWith(belowZero, 3, (T0 - 7200) * 1000)],
])('%s holding series below zero', (_name, startServer) => {
  const server = useServer(startServer);

  it('sums each group as series by series does, in quarter hours: 60 tokens an hour for o4-mini; 100, then 20 for o3-mini', async () => {
    const args = ['report', '--prometheus', server.url, ...WINDOW, '--step', '15m', '--by', 'model', '--format', 'json'];
    const sums = JSON.parse((await runMain(args)).stdout);
    const each = JSON.parse((await runMain([...args, '--per-series'])).stdout);
    expect(sums.source[0].accounting).toBe('groups');
    const quarters = (json: any, model: string) =>
      json.rows.filter((row: any) => row.group.model === model && row.tokens.input > 0).map((row: any) => [row.start, row.tokens.input]);
    const hours = (json: any, model: string) => {
      const out = new Map<string, number>();
      for (const [start, n] of quarters(json, model)) {
        const hour = `${start.slice(0, 13)}h`;
        out.set(hour, (out.get(hour) ?? 0) + n);
      }
      return [...out];
    };
    expect(hours(sums, 'o4-mini')).toEqual([
      ['2026-11-09T23h', 60],
      ['2026-11-10T00h', 60],
    ]);
    expect(hours(sums, 'o3-mini')).toEqual([
      ['2026-11-09T23h', 100],
      ['2026-11-10T00h', 20],
    ]);
    expect(quarters(each, 'o4-mini')).toEqual(quarters(sums, 'o4-mini'));
    expect(quarters(each, 'o3-mini')).toEqual(quarters(sums, 'o3-mini'));
    expect(sums.warnings.map((w: any) => w.code)).toContain('INVALID_SAMPLES');
    expect(each.warnings.map((w: any) => w.code)).toContain('INVALID_SAMPLES');
  });
});

// By every label (model and team), each group is one series: VictoriaMetrics' run query then asks
// for last samples alone, whatever their value, and the client tells readings from values below
// zero (team b has none, team c none at 00:00).
describe.each([
  ['Prometheus 2.42', () => startPrometheusWith(belowZero)],
  ['VictoriaMetrics', () => startVictoriaMetricsWith(belowZero, 3, (T0 - 7200) * 1000)],
])('%s holding series below zero, one series per group', (name, startServer) => {
  const server = useServer(startServer);

  it('bills team a 60 tokens an hour, team b nothing, team c 100 then 20, quarter by quarter as series by series does', async () => {
    const args = ['report', '--prometheus', server.url, ...WINDOW, '--step', '15m', '--by', 'model,team', '--format', 'json'];
    const run = await runMain([...args, '--verbose']);
    const sums = JSON.parse(run.stdout);
    const each = JSON.parse((await runMain([...args, '--per-series'])).stdout);
    expect(sums.source[0].accounting).toBe('groups');
    if (name === 'VictoriaMetrics') expect(run.stderr).toContain('aggr_over_time(("resets", "last_over_time", "lag")');
    const quarters = (json: any, team: string) =>
      json.rows.filter((row: any) => row.group.team === team && row.tokens.input > 0).map((row: any) => [row.start, row.tokens.input]);
    const byHour = (json: any, team: string) => {
      const out = new Map<string, number>();
      for (const [start, n] of quarters(json, team)) out.set(start.slice(0, 13), (out.get(start.slice(0, 13)) ?? 0) + n);
      return [...out];
    };
    expect(byHour(sums, 'a')).toEqual([
      ['2026-11-09T23', 60],
      ['2026-11-10T00', 60],
    ]);
    expect(quarters(sums, 'b')).toEqual([]);
    expect(byHour(sums, 'c')).toEqual([
      ['2026-11-09T23', 100],
      ['2026-11-10T00', 20],
    ]);
    for (const team of ['a', 'b', 'c']) expect(quarters(sums, team)).toEqual(quarters(each, team));
    expect(sums.warnings.map((w: any) => w.code)).toContain('INVALID_SAMPLES');
    // VictoriaMetrics: team b's samples, all below zero, are seen (present, no reading) and counted
    // as series by series counts them. (Prometheus' closer looks count 3 of them twice: 21 for 18.)
    if (name === 'VictoriaMetrics') expect(sums.coverage.invalidSamples).toBe(each.coverage.invalidSamples);
  });
});

// By model, hourly: series A (no team label) stops at 00:30; B (team y) reads 100 … 112 to 01:00,
// -1 from 01:05 to 02:00, then 150 … 205. At 02:00 A looks stopped and, having no label of its
// own to be named by, its group's readings there are looked up whole: B's -1 is no reading (read
// as 0, 205 would be billed from 0). Series by series: A 60 by 01:00, B 12, then B 205 − 112 = 93.
const stoppedBeside = [
  '# TYPE llm_tokens_in_total counter',
  ...Array.from({ length: 7 }, (_, i) => `llm_tokens_in_total{model="o1"} ${10 * (i + 1)} ${T0 + 300 * i}`),
  ...Array.from({ length: 13 }, (_, i) => `llm_tokens_in_total{model="o1",team="y"} ${100 + i} ${T0 + 300 * i}`),
  ...Array.from({ length: 12 }, (_, i) => `llm_tokens_in_total{model="o1",team="y"} -1 ${T0 + 3900 + 300 * i}`),
  ...Array.from({ length: 12 }, (_, i) => `llm_tokens_in_total{model="o1",team="y"} ${150 + 5 * i} ${T0 + 7500 + 300 * i}`),
  '# EOF',
];

describe.each([
  ['Prometheus 2.42', () => startPrometheusWith(stoppedBeside)],
  ['VictoriaMetrics', () => startVictoriaMetricsWith(stoppedBeside, 2, T0 * 1000)],
])('%s: a series that stops beside one below zero', (_name, startServer) => {
  const server = useServer(startServer);

  it('sums each hour as series by series does: 72, nothing, 93', async () => {
    const args = ['report', '--prometheus', server.url, '--since', '2026-11-10T00:00:00Z', '--until', '2026-11-10T03:00:00Z'];
    const hourly = [...args, '--step', '1h', '--by', 'model', '--format', 'json'];
    const sums = JSON.parse((await runMain(hourly)).stdout);
    const each = JSON.parse((await runMain([...hourly, '--per-series'])).stdout);
    expect(sums.source[0].accounting).toBe('groups');
    const hours = (json: any) => json.rows.map((row: any) => [row.start, row.tokens.input]);
    expect(hours(each)).toEqual([
      ['2026-11-10T00:00:00Z', 72],
      ['2026-11-10T02:00:00Z', 93],
    ]);
    expect(hours(sums)).toEqual(hours(each));
  });
});
