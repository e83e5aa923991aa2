import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/inprocess.js';
import { startPrometheusWith, startVictoriaMetricsWith } from '../helpers/servers.js';
import { useServer } from '../helpers/server-suite.js';

// On Prometheus the summed path asks for each group's readings as one sum that carries their
// count (`reading × base + 1` per series, the base odd and above the series present). Readings
// that are no whole numbers or whose encoded sum would pass 2^53 cannot be carried so; they must
// still come out exact, as series by series. VictoriaMetrics takes the same path when a series has
// a label named `rollup` (its fused rollups would overwrite it): one such series is here.
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
  // Whole numbers, three series: 120 + 240 + 360 (the encoding carries these).
  ...twelve.map((i) => `llm_tokens_in_total{model="plain",feature="a"} ${10 * (i + 1)} ${at(i)}`),
  ...twelve.map((i) => `llm_tokens_in_total{model="plain",feature="b"} ${20 * (i + 1)} ${at(i)}`),
  ...twelve.map((i) => `llm_tokens_in_total{model="plain",feature="c"} ${30 * (i + 1)} ${at(i)}`),
  ...twelve.map((i) => `llm_tokens_in_total{model="other",rollup="x"} ${i + 1} ${at(i)}`),
  // Another metric (its own run): two series whose readings sum to 3.5e15, exact below 2^53 but
  // not times the base: 2,500,000,000,001,100 + 1,000,000,000,000,110 tokens.
  '# TYPE llm_tokens_out_total counter',
  ...twelve.map((i) => `llm_tokens_out_total{model="big",feature="a"} ${2_500_000_000_000_000 + 100 * i} ${at(i)}`),
  ...twelve.map((i) => `llm_tokens_out_total{model="big",feature="b"} ${1_000_000_000_000_000 + 10 * i} ${at(i)}`),
  '# EOF',
];
const WINDOW = ['--since', '2026-11-09T23:00:00Z', '--until', '2026-11-10T03:00:00Z'];
const FILE = join(mkdtempSync(join(tmpdir(), 'tokenspend-encoded-')), 'history.om');
writeFileSync(FILE, `${lines.join('\n')}\n`);
const STEPS = [[[]], [['--step', '1h']], [['--step', '20m']]];
const TRUTH = { frac: 93.5, big: 3_500_000_000_001_210, plain: 720, other: 12 };

function byModel(json: any): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of json.rows) out[row.group.model] = (out[row.group.model] ?? 0) + row.tokens.input + row.tokens.output;
  return out;
}

describe.each([
  ['Prometheus 2.42', () => startPrometheusWith(lines)],
  ['VictoriaMetrics', () => startVictoriaMetricsWith(lines, 9, at(0) * 1000)],
])('%s: readings the encoded sum cannot carry', (_name, startServer) => {
  const server = useServer(startServer);

  it.each(STEPS)('agree with series by series, the file and the truth (%j)', async (step) => {
    const args = [...WINDOW, ...step, '--by', 'model', '--format', 'json'];
    const sums = JSON.parse((await runMain(['report', '--prometheus', server.url, ...args])).stdout);
    const each = JSON.parse((await runMain(['report', '--prometheus', server.url, ...args, '--per-series'])).stdout);
    const file = JSON.parse((await runMain(['report', '--file', FILE, ...args])).stdout);
    expect(sums.source[0].accounting).toBe('groups');
    expect(byModel(sums)).toEqual(TRUTH);
    expect(byModel(each)).toEqual(TRUTH);
    expect(byModel(file)).toEqual(TRUTH);
    const rows = (json: any) => json.rows.map((r: any) => [r.group.model, r.start, r.tokens.input, r.tokens.output]);
    expect(rows(sums)).toEqual(rows(each));
    expect(rows(sums)).toEqual(rows(file));
    expect(sums.warnings.map((w: any) => w.code)).toEqual(each.warnings.map((w: any) => w.code));
  });
});
