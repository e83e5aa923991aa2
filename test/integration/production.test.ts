import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStep } from '../../src/ledger/periods.js';
import { openMetricsOf, productionHistory, truthByDay } from '../generators/production.js';
import { reportAsJson } from '../helpers/report.js';
import { type RunningServer, startPrometheusWith, startVictoriaMetricsWith } from '../helpers/servers.js';
import { byDay, differences } from '../helpers/days.js';

// The production-shaped history (test/generators/production.ts) on real servers: pod churn with
// rolling restarts, an HA pair with a 40-minute outage of one replica, a label rename on upgrade,
// restarts, sparse one-call series, a target gone for five hours, and a monthly job whose series
// is absent for 31 days — each exact to the token, as from the file.
const history = productionHistory();
const SINCE = new Date(history.start).toISOString();
const UNTIL = new Date(history.end).toISOString();
const first = Math.min(...history.series.map((s) => s.times[0] as number));

function connection(url: string) {
  return { url, headers: {}, timeoutMs: 30_000, retries: 1 };
}

describe.each([
  ['Prometheus 2.42', () => startPrometheusWith(openMetricsOf(history.series))],
  ['VictoriaMetrics', () => startVictoriaMetricsWith(openMetricsOf(history.series), history.series.length, first)],
])('%s with a production-shaped history', (_name, startServer) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it.each(['UTC', 'Europe/Berlin', 'Asia/Kolkata'])('every %s day and gateway|model is exact to the token', async (zone) => {
    const json = await reportAsJson({
      prometheus: connection(server.url),
      by: ['gateway', 'model'],
      step: parseStep('1d'),
      timezone: zone,
      window: { since: SINCE, until: UNTIL },
    });
    expect(differences(byDay(json), truthByDay(history, zone, history.start, history.end))).toEqual([]);
    expect(json.warnings.map((w: any) => w.code)).toContain('REPLICAS_DEDUPLICATED');
  });

  it('the monthly job, absent for 31 days, is not billed again from zero (the look-back is a week)', async () => {
    const json = await reportAsJson({
      prometheus: connection(server.url),
      by: ['gateway'],
      match: [],
      window: { since: '2026-11-01T00:00:00Z', until: '2026-11-02T00:00:00Z' },
    } as any);
    const batch = json.rows.find((r: any) => r.group.gateway === 'gw-batch');
    const want = truthByDay(history, 'UTC', Date.parse('2026-11-01T00:00:00Z'), Date.parse('2026-11-02T00:00:00Z'))['2026-11-01']?.[
      'gw-batch|gpt-4.1'
    ];
    expect({ input: batch.tokens.input, output: batch.tokens.output }).toEqual(want);
  });

  it('agrees with the file on coverage: series, resets and births', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(mkdtempSync(join(tmpdir(), 'tokenspend-prod-')), 'h.om');
    writeFileSync(file, `${[...openMetricsOf(history.series)].join('\n')}\n`);
    const common = { by: ['gateway', 'model'], step: parseStep('1d'), window: { since: SINCE, until: UNTIL } };
    const fromServer = await reportAsJson({ ...common, prometheus: connection(server.url) });
    const fromFile = await reportAsJson({ ...common, files: [file] });
    expect(fromServer.totals).toEqual(fromFile.totals);
    const cover = (j: any) => ({ series: j.coverage.series, resets: j.coverage.resets, births: j.coverage.births });
    expect(cover(fromServer)).toEqual(cover(fromFile));
  });
});
