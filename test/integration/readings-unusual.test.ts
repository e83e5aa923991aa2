import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/inprocess.js';
import { startPrometheusWith, startVictoriaMetricsWith } from '../helpers/servers.js';
import { useServer } from '../helpers/server-suite.js';

// Readings a sum of readings must not lose: fractions (a mapped rate, a cost counter), counters
// whose sum is near 2^53, and a fraction beside a series with no reading at the window's start.
// On Prometheus (and on VictoriaMetrics where a series has a label named `rollup`, which its fused
// rollups would overwrite) the summed path must agree with series by series and with the file.
// (A run query that carried the readings' sum and count in one sum of `reading × 5 + 1` took
// 0.2 for a series here: 0.2 × 5 is exactly 1 in doubles.)
const T0 = Date.parse('2026-11-10T00:00:00Z') / 1000;
const at = (i: number) => T0 + 600 * (i + 1);
const twelve = Array.from({ length: 12 }, (_, i) => i);
const lines = [
  '# TYPE llm_tokens_in_total counter',
  // Three series of one group, two of them with a quarter in every value: born in the window,
  // their last values are their tokens: 21.25 + 31.25 + 41 = 93.5.
  ...twelve.map((i) => `llm_tokens_in_total{model="frac",feature="a"} ${10.25 + i} ${at(i)}`),
  ...twelve.map((i) => `llm_tokens_in_total{model="frac",feature="b"} ${20.25 + i} ${at(i)}`),
  ...twelve.map((i) => `llm_tokens_in_total{model="frac",feature="c"} ${30 + i} ${at(i)}`),
  // Whole numbers, three series: 120 + 240 + 360.
  ...twelve.map((i) => `llm_tokens_in_total{model="plain",feature="a"} ${10 * (i + 1)} ${at(i)}`),
  ...twelve.map((i) => `llm_tokens_in_total{model="plain",feature="b"} ${20 * (i + 1)} ${at(i)}`),
  ...twelve.map((i) => `llm_tokens_in_total{model="plain",feature="c"} ${30 * (i + 1)} ${at(i)}`),
  ...twelve.map((i) => `llm_tokens_in_total{model="other",rollup="x"} ${i + 1} ${at(i)}`),
  // A fraction beside a series with no reading at 00:00 (its last sample 90 minutes before),
  // read over that hour (LATE_WINDOW): 4.8 + 10 + 20 + 10 = 44.8 tokens.
  `llm_tokens_in_total{model="late",feature="d"} 1000 ${T0 - 5400}`,
  `llm_tokens_in_total{model="late",feature="d"} 1010 ${T0 + 1800}`,
  `llm_tokens_in_total{model="late",feature="d"} 1010 ${T0 + 3000}`,
  ...[
    ['a', 0.2, 5],
    ['b', 10, 20],
    ['c', 20, 40],
  ].flatMap(([f, v0, v1]) => [
    `llm_tokens_in_total{model="late",feature="${f}"} ${v0} ${T0 - 600}`,
    `llm_tokens_in_total{model="late",feature="${f}"} ${v1} ${T0 + 3000}`,
  ]),
  // Another metric (its own run): two series whose readings sum to 3.5e15, below 2^53 but near
  // enough that any encoding of the count beside the sum would overflow it:
  // 2,500,000,000,001,100 + 1,000,000,000,000,110 tokens.
  '# TYPE llm_tokens_out_total counter',
  ...twelve.map((i) => `llm_tokens_out_total{model="big",feature="a"} ${2_500_000_000_000_000 + 100 * i} ${at(i)}`),
  ...twelve.map((i) => `llm_tokens_out_total{model="big",feature="b"} ${1_000_000_000_000_000 + 10 * i} ${at(i)}`),
  '# EOF',
];
const WINDOW = ['--since', '2026-11-09T23:00:00Z', '--until', '2026-11-10T03:00:00Z'];
const FILE = join(mkdtempSync(join(tmpdir(), 'tokenspend-unusual-')), 'history.om');
writeFileSync(FILE, `${lines.join('\n')}\n`);
const STEPS = [[[]], [['--step', '1h']], [['--step', '20m']]];
const TRUTH = { frac: 93.5, big: 3_500_000_000_001_210, plain: 720, other: 12, late: 75 };
const LATE_WINDOW = [
  '--since',
  '2026-11-10T00:00:00Z',
  '--until',
  '2026-11-10T01:00:00Z',
  '--step',
  '1h',
  '--by',
  'model',
  '--format',
  'json',
];

/** A fractional number of tokens to 9 decimals (sums of readings and readings one by one differ in the last bits). */
function near(v: number): number {
  return Number.isInteger(v) ? v : Math.round(v * 1e9) / 1e9;
}

/** Tokens per model over the rows (fractional totals to 9 decimals: the rows' sum is a sum of doubles). */
function byModel(json: any): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of json.rows) out[row.group.model] = (out[row.group.model] ?? 0) + row.tokens.input + row.tokens.output;
  for (const [k, v] of Object.entries(out)) out[k] = near(v);
  return out;
}

describe.each([
  ['Prometheus 2.42', () => startPrometheusWith(lines)],
  ['VictoriaMetrics', () => startVictoriaMetricsWith(lines, 13, (T0 - 5400) * 1000)],
])('%s: unusual readings on the summed path', (_name, startServer) => {
  const server = useServer(startServer);
  /** The report summed on the server, series by series, and from the file. */
  const threeWays = async (args: string[]) => {
    const json = async (a: string[]) => JSON.parse((await runMain(['report', ...a, ...args])).stdout);
    return {
      sums: await json(['--prometheus', server.url]),
      each: await json(['--prometheus', server.url, '--per-series']),
      file: await json(['--file', FILE]),
    };
  };

  it.each(STEPS)('agree with series by series, the file and the truth (%j)', async (step) => {
    const { sums, each, file } = await threeWays([...WINDOW, ...step, '--by', 'model', '--format', 'json']);
    expect(sums.source[0].accounting).toBe('groups');
    expect(byModel(sums)).toEqual(TRUTH);
    expect(byModel(each)).toEqual(TRUTH);
    expect(byModel(file)).toEqual(TRUTH);
    const rows = (json: any) => json.rows.map((r: any) => [r.group.model, r.start, near(r.tokens.input), r.tokens.output]);
    expect(rows(sums)).toEqual(rows(each));
    expect(rows(sums)).toEqual(rows(file));
    expect(sums.warnings.map((w: any) => w.code)).toEqual(each.warnings.map((w: any) => w.code));
  });

  it.each(STEPS)(
    'by every label (each group one series, no count asked for): agree with series by series and the file (%j)',
    async (step) => {
      const { sums, each, file } = await threeWays([...WINDOW, ...step, '--by', 'model,feature,rollup', '--format', 'json']);
      expect(sums.source[0].accounting).toBe('groups');
      expect(byModel(sums)).toEqual(TRUTH);
      const rows = (json: any) =>
        json.rows.map((r: any) => [r.group.model, r.group.feature, r.group.rollup, r.start, near(r.tokens.input), r.tokens.output]);
      expect(rows(sums)).toEqual(rows(each));
      expect(rows(sums)).toEqual(rows(file));
      expect(sums.rows.length).toBeGreaterThan(10);
    },
  );

  it('a fraction beside a series with no reading at the start: 44.8 tokens on every path', async () => {
    const late = (json: any) => json.rows.filter((r: any) => r.group.model === 'late').map((r: any) => r.tokens.input);
    const { sums, each, file } = await threeWays(LATE_WINDOW);
    expect([late(sums), late(each), late(file)]).toEqual([[44.8], [44.8], [44.8]]);
  });
});
