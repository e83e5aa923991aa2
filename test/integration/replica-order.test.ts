import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/inprocess.js';
import { startPrometheusWith, startVictoriaMetricsWith } from '../helpers/servers.js';
import { useServer } from '../helpers/server-suite.js';

// Two HA copies of each counter. One copy of gpt-4o-mini holds a 1e300 sample: VictoriaMetrics
// then stores that copy's other samples as 0 (one decimal exponent per block), and lists the two
// copies in either order from one answer to the next. The readings are the highest copy's at each
// instant whatever the order: gpt-4o-mini is born at 100 and reaches 150 (the 1e300 skipped, an
// INVALID_SAMPLES warning), gpt-4o at 300 and 450.
const T0 = Date.parse('2026-11-10T00:00:00Z') / 1000;
const good = [100, 110, 120, 130, 140, 150];
const series = (model: string, replica: string, values: (number | string)[]) =>
  values.map((v, i) => `llm_tokens_in_total{model="${model}",replica="${replica}"} ${v} ${T0 + 600 * (i + 1)}`);
const lines = [
  '# TYPE llm_tokens_in_total counter',
  ...series('gpt-4o-mini', 'a', good),
  ...series('gpt-4o-mini', 'b', [100, 110, '1e300', 130, 140, 150]),
  ...series(
    'gpt-4o',
    'a',
    good.map((v) => 3 * v),
  ),
  ...series(
    'gpt-4o',
    'b',
    good.map((v) => 3 * v),
  ),
  '# EOF',
];
const ARGS = ['--since', '2026-11-09T23:00:00Z', '--until', '2026-11-10T03:00:00Z', '--by', 'model', '--format', 'json'];

describe.each([
  ['Prometheus 2.42', () => startPrometheusWith(lines)],
  ['VictoriaMetrics', () => startVictoriaMetricsWith(lines, 2, (T0 + 600) * 1000)],
])('%s: HA copies listed in any order', (_name, startServer) => {
  const server = useServer(startServer);

  it('gives the same tokens on every run, summed and series by series', async () => {
    for (const extra of [[], ['--per-series']]) {
      for (let run = 0; run < 3; run++) {
        const r = await runMain(['report', '--prometheus', server.url, ...ARGS, ...extra]);
        expect(r.code).toBe(0);
        const json = JSON.parse(r.stdout);
        const tokens = Object.fromEntries(json.rows.map((row: any) => [row.group.model, row.tokens.input]));
        expect(tokens).toEqual({ 'gpt-4o': 450, 'gpt-4o-mini': 150 });
        expect(json.warnings.map((w: any) => w.code)).toContain('INVALID_SAMPLES');
      }
    }
  }, 60_000);
});
