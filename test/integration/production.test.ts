import { describe, expect, it } from 'vitest';
import { parseStep } from '../../src/ledger/periods.js';
import { openMetricsOf, productionHistory, truthByDay } from '../generators/production.js';
import { runMain } from '../helpers/inprocess.js';
import { reportAsJson } from '../helpers/report.js';
import { startPrometheusWith, startVictoriaMetricsWith } from '../helpers/servers.js';
import { useServer } from '../helpers/server-suite.js';
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
  const server = useServer(startServer);

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

  it('a budget gate fails closed on a stale scope (exit 4, naming it, its newest sample and its age); an idle one is fresh', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const budgets = join(mkdtempSync(join(tmpdir(), 'tokenspend-stale-')), 'b.yaml');
    writeFileSync(budgets, 'budgets:\n  - name: per-gateway\n    period: month\n    limit: 1000000\n    each: gateway\n');
    // Ten minutes after the last scrape: every gateway is fresh but the monthly job (last seen on the 1st, 02:30).
    const at = await runMain([
      'budget',
      'check',
      '--budgets',
      budgets,
      '--prometheus',
      server.url,
      '--at',
      '2026-11-03T23:40:00Z',
      '--format',
      'json',
    ]);
    expect(at.code).toBe(4);
    const byInstance = Object.fromEntries(JSON.parse(at.stdout).budgets.map((b: any) => [b.instance, b.status]));
    expect(byInstance['per-gateway[gateway=gw-batch]']).toBe('stale');
    expect(byInstance['per-gateway[gateway=gw-idle]']).toBe('ok');
    expect(byInstance['per-gateway[gateway=gw-churn]']).toBe('ok');
    expect(at.stderr).toContain(
      'per-gateway[gateway=gw-batch]: the newest token sample is from 2026-11-01T02:30:17Z, 2d 21h before 2026-11-03T23:40:00Z',
    );
    // Now (days after the data ends) every scope is stale; with a week's tolerance none is.
    const now = await runMain(['budget', 'check', '--budgets', budgets, '--prometheus', server.url]);
    expect(now.code).toBe(4);
    expect(now.stderr).toContain('a gate cannot pass on stale data');
  });

  it('report warns on stale data (STALE_DATA), and --strict exits 4; a window with no sample at all is exit 4', async () => {
    // Two days after the last sample, a window reaching back into the data's last day: its usage,
    // and a warning that says why nothing came after.
    const args = ['report', '--prometheus', server.url, '--window', '3d', '--now', '2026-11-06T00:00:00Z'];
    const r = await runMain([...args, '--format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.warnings.map((w: any) => w.code)).toContain('STALE_DATA');
    expect(json.totals.tokens.input).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/the newest token sample is from 2026-11-03T23:30:\d\dZ, 2d before 2026-11-06T00:00:00Z/);
    const strict = await runMain([...args, '--strict']);
    expect(strict.code).toBe(4);
    // The last 24 hours of those: no sample in them, as a file's window would be (not a report of zeros).
    const empty = await runMain(['report', '--prometheus', server.url, '--window', '24h', '--now', '2026-11-06T00:00:00Z']);
    expect(empty.code).toBe(4);
    expect(empty.stderr).toMatch(
      /^tokenspend: no samples fall in the window \(2026-11-05T00:00:00\.000Z, 2026-11-06T00:00:00\.000Z\]\n {2}hint: the newest sample of the series read is from 2026-11-03T23:30:\d\d\.\d{3}Z\n$/,
    );
    // Weeks later nothing is left even a week back: exit 4, and the message says the data is stale.
    const gone = await runMain(['report', '--prometheus', server.url, '--window', '24h']);
    expect(gone.code).toBe(4);
    expect(gone.stderr).toContain('the data is stale');
    const fresh = await runMain([
      'report',
      '--prometheus',
      server.url,
      '--since',
      SINCE,
      '--until',
      '2026-11-03T23:40:00Z',
      '--strict',
      '--format',
      'json',
    ]);
    expect(JSON.parse(fresh.stdout).warnings.map((w: any) => w.code)).not.toContain('STALE_DATA');
  });

  it('doctor names the replica label it found and the newest sample per dialect and gateway', async () => {
    const r = await runMain(['doctor', '--prometheus', server.url, '--lookback', '60d', '--format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.replicaLabels).toEqual(['prometheus_replica']);
    const gateways = Object.fromEntries(json.freshness.gateway.map((g: any) => [g.name, g]));
    expect(gateways['gw-batch'].newest).toBe('2026-11-01T02:30:17.000Z');
    expect(gateways['gw-churn'].newest).toBe('2026-11-03T23:30:17.000Z');
    expect(json.freshness.dialect.map((d: any) => d.name).sort()).toEqual(['agentgateway', 'llm-tokens']);
    const table = await runMain(['doctor', '--prometheus', server.url, '--lookback', '60d']);
    expect(table.stdout).toContain('HA replica copies told apart by prometheus_replica');
    expect(table.stdout).toMatch(/newest sample by gateway: .*gw-batch \d+d( \d+h)? ago \(stale\)/);
  });

  it('a label no series carries is exit 2, from the labels the query read', async () => {
    const r = await runMain(['report', '--prometheus', server.url, '--since', SINCE, '--until', UNTIL, '--by', 'gatewy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown label "gatewy" in --by');
    expect(r.stderr).toContain('(did you mean "gateway"?)');
  });

  it('agrees with the file on coverage: series, resets and births', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(mkdtempSync(join(tmpdir(), 'tokenspend-prod-')), 'h.om');
    writeFileSync(file, `${[...openMetricsOf(history.series)].join('\n')}\n`);
    const common = { by: ['gateway', 'model'], step: parseStep('1d'), window: { since: SINCE, until: UNTIL } };
    // Series by series, the server counts each series; its sums count the most present at once.
    const fromServer = await reportAsJson({ ...common, prometheus: connection(server.url), perSeries: true });
    const summed = await reportAsJson({ ...common, prometheus: connection(server.url), perSeries: false });
    const fromFile = await reportAsJson({ ...common, files: [file] });
    expect(fromServer.totals).toEqual(fromFile.totals);
    expect(summed.totals).toEqual(fromFile.totals);
    const cover = (j: any) => ({ series: j.coverage.series, resets: j.coverage.resets, births: j.coverage.births });
    expect(cover(fromServer)).toEqual(cover(fromFile));
    expect({ ...cover(summed), series: 240 }).toEqual(cover(fromFile));
    expect(summed.coverage.series).toBeLessThan(240);
    expect(summed.source[0].accounting).toBe('groups');
    expect(fromServer.source[0].accounting).toBe('series');
  });
});
