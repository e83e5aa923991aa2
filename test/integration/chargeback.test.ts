import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labSpec, openMetricsLines, simulate } from '../generators/history.js';
import { sumDecimals } from '../helpers/focus.js';
import { runMain } from '../helpers/inprocess.js';
import { type RunningServer, startPrometheusWith } from '../helpers/servers.js';

// One Prometheus holding the 15-day lab history (agentgateway, as servers.test.ts; it backfills
// faster than the 13-week demo) and the LiteLLM counters with their own spend
// counter: export and reconcile read it as they read the same history from a file, and must say the same.
const spec = labSpec();
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const B = { start: spec.end - DAY, end: spec.end };
const CLOCK = () => spec.end + 2 * DAY;
const LITELLM = 'fixtures/reconcile/litellm-spend.prom';

/** The LiteLLM fixture (Prometheus text, ms timestamps) as OpenMetrics lines (seconds) for promtool. */
function litellmLines(): string[] {
  const out: string[] = [];
  for (const line of readFileSync(LITELLM, 'utf8').split('\n')) {
    if (line.startsWith('# TYPE ')) out.push(`${line.replace(/ counter$/, ' unknown')}`);
    else if (line !== '' && !line.startsWith('#')) {
      const i = line.lastIndexOf(' ');
      out.push(`${line.slice(0, i)} ${Number(line.slice(i + 1)) / 1000}`);
    }
  }
  return out;
}

let server: RunningServer;
let dir: string;
let LAB: string;
beforeAll(async () => {
  const lab = [...openMetricsLines(simulate(spec))];
  dir = mkdtempSync(join(tmpdir(), 'tokenspend-chargeback-'));
  LAB = join(dir, 'lab.om');
  writeFileSync(LAB, `${lab.join('\n')}\n`);
  server = await startPrometheusWith([...lab.filter((l) => l !== '# EOF'), ...litellmLines(), '# EOF']);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const records = (path: string) => parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
/** What a ledger row says, without where it came from and when it was written. */
const content = (r: Record<string, string>) => Object.entries(r).filter(([k]) => !['source', 'exported_at'].includes(k));

describe('export and reconcile on Prometheus 2.42', () => {
  it('the day exported from the server is the day exported from the file, row for row, id for id', async () => {
    const fromServer = join(dir, 'server.csv');
    const fromFile = join(dir, 'file.csv');
    const common = ['--at', iso(B.end), '--by', 'gateway,model,feature', '--dialect', 'agentgateway'];
    const s = await runMain(['export', '--prometheus', server.url, ...common, '--output', fromServer], { clock: CLOCK });
    expect(s.code).toBe(0);
    expect((await runMain(['export', '--file', LAB, ...common, '--output', fromFile], { clock: CLOCK })).code).toBe(0);
    const rows = records(fromServer);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.every((r) => r.period_start === iso(B.start) && (r.source ?? '').startsWith('prometheus:'))).toBe(true);
    expect(rows.map(content)).toEqual(records(fromFile).map(content));
    // Exported again from the server: not a byte changes.
    const before = readFileSync(fromServer, 'utf8');
    expect((await runMain(['export', '--prometheus', server.url, ...common, '--output', fromServer], { clock: CLOCK })).code).toBe(0);
    expect(readFileSync(fromServer, 'utf8')).toBe(before);
  });

  it("FOCUS from the server: EffectiveCost adds up to the server's report over the day", async () => {
    const out = join(dir, 'focus.csv');
    const res = await runMain(
      [
        'export',
        '--prometheus',
        server.url,
        '--at',
        iso(B.end),
        '--dialect',
        'agentgateway',
        '--format',
        'focus',
        '--billing-account-id',
        'acme',
        '--output',
        out,
      ],
      { clock: CLOCK },
    );
    expect(res.code).toBe(0);
    const report = await runMain(
      [
        'report',
        '--prometheus',
        server.url,
        '--dialect',
        'agentgateway',
        '--since',
        iso(B.start),
        '--until',
        iso(B.end),
        '--format',
        'csv',
        '--decimals',
        '15',
      ],
      { clock: CLOCK },
    );
    const want = sumDecimals(
      (parse(report.stdout, { columns: true }) as Record<string, string>[])
        .filter((r) => r.priced === 'true')
        .map((r) => r.total_cost as string),
    );
    const rows = records(out);
    expect(sumDecimals(rows.filter((r) => r.x_Priced === 'true').map((r) => r.EffectiveCost as string))).toBe(want);
    expect(new Set(rows.map((r) => r.ResourceId))).toEqual(new Set(['gw-us', 'gw-eu', 'gw-batch']));
  });

  it("reconcile against LiteLLM's spend counter on the server: the same matched and mismatched teams as from the file", async () => {
    const res = await runMain(
      [
        'reconcile',
        '--prometheus',
        server.url,
        '--dialect',
        'litellm',
        '--by',
        'team',
        '--since',
        '2026-11-20T00:00:00Z',
        '--until',
        '2026-11-21T00:00:00Z',
        '--format',
        'json',
      ],
      { clock: CLOCK },
    );
    expect(res.code).toBe(1);
    const rows = Object.fromEntries(JSON.parse(res.stdout).rows.map((r: any) => [r.group.team, [r.ours, r.theirs, r.class]]));
    // Hand-worked in test/scenario/reconcile.test.ts.
    expect(rows).toEqual({ 'team-a': [0.0885, 0.0885, 'matched'], 'team-b': [0.93, 1.2, 'mismatch'] });
  });
});
