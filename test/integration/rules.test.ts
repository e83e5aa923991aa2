import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { labSpec, openMetricsLines, simulate } from '../generators/history.js';
import { otelCounterLines, otelSpec } from '../generators/otel.js';
import { runMain } from '../helpers/inprocess.js';
import { backfilledTsdb, type RunningServer, startPrometheusOn } from '../helpers/servers.js';

const exec = promisify(execFile);
const NOW = Date.parse('2026-11-24T00:00:00Z');
// The demo's gw-eu restarts and gw-batch launches a model on the 16th; the OTel history starts
// that day, and on the 17th its report-writer restarts and o3 launches.
const DAYS = ['2026-11-16', '2026-11-17'];

/** The demo's days around the ones compared (the series' baselines are there), then the OTel history. */
function lines(): string[] {
  const from = Date.parse('2026-11-14T00:00:00Z') / 1000;
  const to = Date.parse('2026-11-18T06:00:00Z') / 1000;
  const demo = [...openMetricsLines(simulate(labSpec()))].filter((l) => {
    if (l.startsWith('#')) return !l.startsWith('# EOF');
    const t = Number(l.slice(l.lastIndexOf(' ') + 1));
    return t >= from && t <= to;
  });
  return [...demo, ...otelCounterLines(simulate(otelSpec()))];
}

async function query(url: string, expr: string, at: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: expr, time: String(at / 1000) }) });
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== 'success') throw new Error(`${body.error}: ${expr.slice(0, 200)}`);
  return body.data.result;
}

describe('tokenspend rules on Prometheus 2.42: agentgateway and OTel histories, backfilled with promtool', () => {
  let server: RunningServer;
  let dir: string;
  let rulesFile: string;
  const work = mkdtempSync(join(tmpdir(), 'tokenspend-rules-'));

  beforeAll(async () => {
    const tsdb = await backfilledTsdb(lines());
    dir = tsdb.dir;
    const first = await startPrometheusOn(tsdb.dir, tsdb.data, { keep: true });
    rulesFile = join(work, 'rules.yaml');
    const budgets = join(work, 'budgets.yaml');
    writeFileSync(
      budgets,
      'timezone: Europe/Berlin\nbudgets:\n  - name: daily\n    period: day\n    limit: 400\n  - name: chat-month\n    match: { feature: chat }\n    period: month\n    limit: 2000\n  - name: runaway\n    burn_rate: { windows: [1h, 5m], factor: 14.4, of: chat-month }\n',
    );
    try {
      const r = await runMain(
        ['rules', '--prometheus', first.url, '--lookback', '30d', '--budgets', budgets, '--by', 'feature', '--output', rulesFile],
        {
          clock: () => NOW,
        },
      );
      expect(r.stderr).not.toMatch(/error/);
      expect(r.code).toBe(0);
      // Backfill what the comparisons read: the model-level cost and tokens, and unpriced tokens.
      const backfill = join(work, 'backfill.yaml');
      const doc = parse(readFileSync(rulesFile, 'utf8')) as { groups: { rules: { record?: string }[] }[] };
      const wanted = [
        'model:tokenspend_cost_usd:increase1h',
        'model_type:tokenspend_tokens:increase1h',
        'tokenspend:unpriced_tokens:increase1h',
      ];
      writeFileSync(
        backfill,
        stringify({
          groups: [{ name: 'backfill', rules: doc.groups.flatMap((g) => g.rules).filter((r) => wanted.includes(r.record ?? '')) }],
        }),
      );
      const blocks = join(work, 'blocks');
      await exec('promtool', [
        'tsdb',
        'create-blocks-from',
        'rules',
        `--url=${first.url}`,
        `--start=${DAYS[0]}T00:00:00Z`,
        '--end=2026-11-18T02:00:00Z',
        '--eval-interval=1h',
        `--output-dir=${blocks}`,
        backfill,
      ]);
      await first.stop();
      for (const b of readdirSync(blocks)) renameSync(join(blocks, b), join(tsdb.data, b));
      server = await startPrometheusOn(tsdb.dir, tsdb.data, { ruleFiles: [rulesFile] });
    } catch (e) {
      await first.stop();
      throw e;
    }
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes rules promtool accepts, and Prometheus loads them', async () => {
    const { stdout } = await exec('promtool', ['check', 'rules', rulesFile]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
    const res = (await (await fetch(`${server.url}/api/v1/rules`)).json()) as {
      data: { groups: { name: string; rules: { name: string }[] }[] };
    };
    const names = res.data.groups.flatMap((g) => g.rules.map((r) => `${g.name}/${r.name}`));
    expect(names).toContain('tokenspend/model:tokenspend_cost_usd:increase1h');
    expect(names).toContain('tokenspend/feature:tokenspend_cost_usd:increase1h');
    expect(names).toContain('tokenspend/TokenspendBudgetBurnRate');
  });

  /** The sums of a recorded series' samples over the 24 hourly evaluations that end on `day`, by `key`, and those 24 hours. */
  async function daySums(metric: string, day: string, key: (m: Record<string, string>) => string) {
    // Backfilled evaluations run at the group's own offset within the hour (promtool aligns them to
    // it): the 24 hourly windows after midnight plus that offset cover the 24 hours the report reads.
    const series = (await query(server.url, `${metric}[5d]`, Date.parse('2026-11-18T03:00:00Z'))) as unknown as {
      metric: Record<string, string>;
      values: [number, string][];
    }[];
    const offset = ((series[0]?.values[0]?.[0] ?? 0) % 3600) * 1000;
    const start = Date.parse(`${day}T00:00:00Z`) + offset;
    const end = start + 86_400_000;
    const sums = new Map<string, number>();
    for (const s of series)
      for (const [t, v] of s.values)
        if (t * 1000 > start && t * 1000 <= end) sums.set(key(s.metric), (sums.get(key(s.metric)) ?? 0) + Number(v));
    return { sums, since: new Date(start).toISOString(), until: new Date(end).toISOString() };
  }

  async function reportRows(since: string, until: string) {
    const r = await runMain(
      ['report', '--prometheus', server.url, '--since', since, '--until', until, '--by', 'model,gateway', '--format', 'json'],
      { clock: () => NOW },
    );
    expect(r.code).toBe(0);
    return (
      JSON.parse(r.stdout) as {
        rows: { group: { model: string; gateway: string }; totalCost: string | null; tokens: Record<string, number> }[];
      }
    ).rows;
  }

  // Measured: on the 16th every (model, gateway) within 0.47% of the report and the total within
  // 0.022%; on the 17th the agentgateway rows exact (to the report's 6 decimals), the OTel rows (a
  // restart, a launch) within 0.027%, the total within 0.0012%.
  it.each(DAYS)('backfilled hourly cost over the 24 hours from %s sums to the report of those hours', async (day) => {
    const { sums: got, since, until } = await daySums('model:tokenspend_cost_usd:increase1h', day, (m) => `${m.model}|${m.gateway ?? ''}`);
    const rows = await reportRows(since, until);
    const want = new Map(rows.filter((r) => r.totalCost !== null).map((r) => [`${r.group.model}|${r.group.gateway}`, Number(r.totalCost)]));
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    let totalGot = 0;
    let totalWant = 0;
    for (const [k, w] of want) {
      const g = got.get(k) as number;
      totalGot += g;
      totalWant += w;
      if (w >= 1) expect(Math.abs(g - w) / w, k).toBeLessThan(0.01);
      expect(Math.abs(g - w), k).toBeLessThan(0.001 + 0.01 * w);
      // The demo's gateways restart only on the 16th (and the OTel history's series are born on the 16th).
      if (day === '2026-11-17' && !k.endsWith('|')) expect(Math.abs(g - w), k).toBeLessThan(1e-6);
    }
    expect(Math.abs(totalGot - totalWant) / totalWant).toBeLessThan(0.002);
  });

  it('counts tokens per type as the ledger does: input without cache where it is included, exactly on a day without restarts', async () => {
    const day = '2026-11-17';
    const { sums, since, until } = await daySums(
      'model_type:tokenspend_tokens:increase1h',
      day,
      (m) => `${m.model}|${m.gateway ?? ''}|${m.type}`,
    );
    const unpriced = await daySums('tokenspend:unpriced_tokens:increase1h', day, (m) => `${m.model}|${m.type}`);
    const rows = (await reportRows(since, until)).filter((r) => r.group.gateway !== '');
    expect(rows.length).toBe(8);
    for (const r of rows) {
      for (const [type, n] of Object.entries(r.tokens)) {
        if (n === 0) continue;
        expect(sums.get(`${r.group.model}|${r.group.gateway}|${type}`), `${r.group.model} ${type}`).toBe(n);
        if (r.totalCost === null) expect(unpriced.sums.get(`${r.group.model}|${type}`), `${r.group.model} ${type}`).toBe(n);
      }
    }
  });
});
