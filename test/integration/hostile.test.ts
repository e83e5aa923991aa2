import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from '../helpers/inprocess.js';
import { type RunningServer, startPrometheusWith, startVictoriaMetricsWith } from '../helpers/servers.js';

// Values no counter holds, stored in a real server: they arrive in the API's JSON as "+Inf",
// "-Inf" and "NaN" and must be skipped like in a file — never a reset, never money.
const T0 = Date.parse('2026-11-10T00:00:00Z') / 1000;
const values = ['100', '+Inf', '110', 'NaN', '125', '-Inf', '130'];
const lines = [
  '# TYPE llm_tokens_in_total counter',
  ...values.map((v, i) => `llm_tokens_in_total{model="gpt-4o-mini"} ${v} ${T0 + 600 * (i + 1)}`),
  '# TYPE llm_tokens_out_total counter',
  ...values.map((_, i) => `llm_tokens_out_total{model="gpt-4o-mini"} ${10 * (i + 1)} ${T0 + 600 * (i + 1)}`),
  '# EOF',
];
const WINDOW = ['--since', '2026-11-09T23:00:00Z', '--until', '2026-11-10T03:00:00Z'];

describe.each([
  ['Prometheus 2.42', () => startPrometheusWith(lines)],
  ['VictoriaMetrics', () => startVictoriaMetricsWith(lines, 2, (T0 + 600) * 1000)],
])('%s holding ±Inf and NaN samples', (_name, startServer) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('bills the counter as a file would: 130 tokens (born at 100, then +10, +15, +5), no reset, an INVALID_SAMPLES error', async () => {
    const r = await runMain(['report', '--prometheus', server.url, ...WINDOW, '--format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.totals.tokens.input).toBe(130);
    expect(json.totals.tokens.output).toBe(70);
    expect(json.coverage.resets).toBe(0);
    expect(json.warnings.map((w: any) => w.code)).toContain('INVALID_SAMPLES');
    const strict = await runMain(['report', '--prometheus', server.url, ...WINDOW, '--strict']);
    expect(strict.code).toBe(4);
  });
});
