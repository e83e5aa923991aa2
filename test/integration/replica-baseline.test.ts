import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/inprocess.js';
import { startPrometheusWith, startVictoriaMetricsWith } from '../helpers/servers.js';
import { useServer } from '../helpers/server-suite.js';

// An HA pair whose replica b went down just before the gateway restarted, after which the gateway
// went quiet for hours (found by test/fuzz/paths.test.ts). Hourly scrapes at :30, b ten seconds
// after a, on the day before the window:
// - both copies: 100, 110, 120 at 14:30, 15:30, 16:30; then b stops;
// - a: 0 at 17:30 (the restart), 5 at 18:30, 9 at 19:30; then nothing;
// - both again on the window's day: 12 at 02:30, 15 at 03:30.
// The window (00:00, 06:00] has no reading at its start: the counter's baseline is its last value
// before, 9 (a's, after the restart), not b's 120 from before it. By hand: 12 − 9 + 15 − 12 = 6
// tokens. (The highest copy's last value, 120, made 12 a reset: 15 tokens.) m-ha2 is the same with
// the roles swapped, six hours earlier, and b, which saw the restart, never comes back: only a has
// readings in the window, and b's samples (10½ hours before it) must still be read for the
// baseline. 6 tokens again.
const HOUR = 3600;
const T0 = Date.parse('2026-11-12T00:00:00Z') / 1000;
const at = (h: number) => T0 + h * HOUR + HOUR / 2;
const sample = (model: string, replica: string, value: number, t: number) =>
  `llm_tokens_in_total{model="${model}",replica="${replica}"} ${value} ${t + (replica === 'b' ? 10 : 0)}`;
const both = (model: string, value: number, t: number) => [sample(model, 'a', value, t), sample(model, 'b', value, t)];
const before = (model: string, from = -10) => [
  ...both(model, 100, at(from)),
  ...both(model, 110, at(from + 1)),
  ...both(model, 120, at(from + 2)),
];
const lines = [
  '# TYPE llm_tokens_in_total counter',
  ...before('m-ha'),
  ...[sample('m-ha', 'a', 0, at(-7)), sample('m-ha', 'a', 5, at(-6)), sample('m-ha', 'a', 9, at(-5))],
  ...[...both('m-ha', 12, at(2)), ...both('m-ha', 15, at(3))],
  ...before('m-ha2', -16),
  ...[sample('m-ha2', 'b', 0, at(-13)), sample('m-ha2', 'b', 5, at(-12)), sample('m-ha2', 'b', 9, at(-11))],
  ...[sample('m-ha2', 'a', 12, at(2)), sample('m-ha2', 'a', 15, at(3))],
  '# EOF',
];
const ARGS = ['--since', '2026-11-12T00:00:00Z', '--until', '2026-11-12T06:00:00Z', '--by', 'model', '--format', 'json'];
const FILE = join(mkdtempSync(join(tmpdir(), 'tokenspend-replica-baseline-')), 'history.om');
writeFileSync(FILE, `${lines.join('\n')}\n`);

function tokens(r: { code: number | null; stdout: string; stderr: string }): Record<string, number> {
  expect(r.code, r.stderr).toBe(0);
  return Object.fromEntries(JSON.parse(r.stdout).rows.map((row: any) => [row.group.model, row.tokens.input]));
}

it('the file merges the copies: 6 tokens each', async () => {
  expect(tokens(await runMain(['report', '--file', FILE, ...ARGS]))).toEqual({ 'm-ha': 6, 'm-ha2': 6 });
});

describe.each([
  ['Prometheus 2.42', () => startPrometheusWith(lines)],
  ['VictoriaMetrics', () => startVictoriaMetricsWith(lines, 4, at(-16) * 1000)],
])('%s: the baseline of HA copies whose last samples straddle a restart', (_name, startServer) => {
  const server = useServer(startServer);

  it('is the merged counter’s last value, summed and series by series: 6 tokens each', async () => {
    for (const extra of [[], ['--per-series']]) {
      expect(tokens(await runMain(['report', '--prometheus', server.url, ...ARGS, ...extra])), extra.join(' ')).toEqual({
        'm-ha': 6,
        'm-ha2': 6,
      });
    }
  });
});
