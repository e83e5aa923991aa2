import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, serve } from '../helpers/cli.js';
import { startVictoriaMetricsWith } from '../helpers/servers.js';
import { serveTls } from '../helpers/tls.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenspend-options-'));
const KONG = readFileSync('fixtures/dialects/kong.prom');
const closers: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

describe('one HTTP layer for --scrape and --prometheus', () => {
  it('--scrape refuses a self-signed certificate, trusts it with --ca-file, and skips the check with --insecure-skip-verify', async () => {
    const tls = await serveTls((_req, res) => {
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(KONG);
    });
    closers.push(tls.close);
    const target = `edge=${tls.url}/metrics`;
    const untrusted = await run(['report', '--scrape', target]);
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr).toContain('TLS certificate not trusted');
    const trusted = await run(['report', '--scrape', target, '--ca-file', tls.certPath, '--format', 'json']);
    expect(trusted.code).toBe(0);
    // kong.prom: 25 + 1,000,000 prompt tokens and 12 + 250,000 completion tokens.
    expect(JSON.parse(trusted.stdout).totals.tokens.input).toBe(1_000_025);
    const insecure = await run(['report', '--scrape', target, '--insecure-skip-verify', '--format', 'json']);
    expect(insecure.code).toBe(0);
    expect(insecure.stderr).toContain('--insecure-skip-verify: the server certificate is NOT verified');
    const garbage = await run(['report', '--scrape', target, '--ca-file', join(dir, 'missing.pem')]);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain('missing.pem: cannot read the CA file');
  });
});

describe('--help lists what each command honours', () => {
  it('doctor offers no file, scrape or window options and no budget exit code', async () => {
    const r = await run(['doctor', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--prometheus <url>');
    for (const flag of ['--file', '--scrape', '--window', '--count-samples', '--by']) expect(r.stdout).not.toContain(flag);
    expect(r.stdout).not.toMatch(/^ {3}1 {2}/m);
    expect(r.stdout).toMatch(/^ {3}4 {2}the server has no token metric/m);
  });

  it('report says nothing of budgets; budget check says 1 is a breach', async () => {
    const report = await run(['report', '--help']);
    expect(report.stdout).not.toMatch(/^ {3}1 {2}/m);
    expect(report.stdout).toContain('--interval <duration>');
    const budget = await run(['budget', 'check', '--help']);
    expect(budget.stdout).toMatch(/^ {3}1 {2}a budget is breached/m);
    expect(budget.stdout).not.toContain('--interval');
  });

  it('doctor rejects the options it does not honour', async () => {
    const r = await run(['doctor', '--file', 'fixtures/dialects/kong.prom']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--file'");
  });
});

describe('forecast --level', () => {
  const args = ['forecast', '--file', 'fixtures/demo/history.om.gz', '--force', '--format', 'json'];

  it('sets the interval level; --interval is a hidden alias that warns', async () => {
    const level = await run([...args, '--level', '90']);
    expect(level.code).toBe(0);
    expect(JSON.parse(level.stdout).groups[0].forecast.level).toBe(0.9);
    const alias = await run([...args, '--interval', '90']);
    expect(alias.code).toBe(0);
    expect(JSON.parse(alias.stdout).groups[0].forecast.level).toBe(0.9);
    expect(alias.stderr).toContain('--interval is deprecated for forecasts: use --level');
    const help = await run(['forecast', '--help']);
    expect(help.stdout).toContain('--level <percent>');
    expect(help.stdout).not.toContain('--interval');
  });

  it('names the flag that was wrong', async () => {
    const r = await run([...args, '--level', '120']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--level: expected a percentage between 0 and 100');
  });
});

describe('config file', () => {
  const START = Date.parse('2026-11-01T00:00:00Z') / 1000;
  const END = Date.parse('2026-11-02T00:00:00Z') / 1000;

  /** A real VictoriaMetrics with one counter that went from 100 to 1,100, behind a proxy that records the tenant header of each request. */
  async function api(seen: string[]) {
    const line = (t: number, v: number) => `llm_tokens_in_total{model="gpt-4o-mini",team="search"} ${v} ${t}`;
    const vm = await startVictoriaMetricsWith([line(START - 3600, 100), line(START, 100), line(END - 300, 1100)], 1, (START - 3600) * 1000);
    closers.push(vm.stop);
    const s = await serve((req, res) => {
      seen.push(String(req.headers['x-scope-orgid']));
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const post = req.method === 'POST';
        const upstream = await fetch(`${vm.url}${req.url}`, {
          method: post ? 'POST' : 'GET',
          headers: { 'content-type': String(req.headers['content-type'] ?? 'text/plain') },
          ...(post ? { body: Buffer.concat(chunks) } : {}),
        });
        res.writeHead(upstream.status, { 'content-type': 'application/json' });
        res.end(Buffer.from(await upstream.arrayBuffer()));
      });
    });
    closers.push(s.close);
    return s.url;
  }

  it('found in the working directory, it gives the connection, headers, --by and pricing: a CI job needs no flags', async () => {
    const seen: string[] = [];
    const url = await api(seen);
    const cwd = mkdtempSync(join(dir, 'ci-'));
    // A company price list relative to the config file: gpt-4o-mini at $1 per 1M input tokens.
    writeFileSync(
      join(cwd, 'acme.yaml'),
      'version: acme-1\ncurrency: USD\nmodels:\n  gpt-4o-mini:\n    provider: openai\n    prices:\n      - { from: 2024-01-01, input: "1.00", output: "4.00" }\n',
    );
    writeFileSync(
      join(cwd, 'tokenspend.yaml'),
      `connection:\n  prometheus: ${url}\n  headers: { X-Scope-OrgID: acme }\n  timeout: 5s\n  retries: 0\nby: team\npricing: [acme.yaml]\n`,
    );
    const r = await run(['report', '--since', '2026-11-01T00:00:00Z', '--until', '2026-11-02T00:00:00Z', '--format', 'json'], { cwd });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.groupBy).toEqual(['team']);
    expect(json.rows[0].group).toEqual({ team: 'search' });
    // 1,000 tokens × $1 per 1M
    expect(json.totals.totalCost).toBe(0.001);
    expect(json.pricing.version).toContain('acme-1');
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(['acme']));
    // Flags win over the file.
    const byModel = await run(
      ['report', '--since', '2026-11-01T00:00:00Z', '--until', '2026-11-02T00:00:00Z', '--by', 'model', '--format', 'json'],
      { cwd },
    );
    expect(JSON.parse(byModel.stdout).groupBy).toEqual(['model']);
    // --no-config reads none: no source is left.
    const none = await run(['report', '--no-config'], { cwd });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no data source');
  });

  it('names the budgets file for budget check', async () => {
    const cwd = mkdtempSync(join(dir, 'budgets-'));
    writeFileSync(
      join(cwd, 'budgets.yaml'),
      'budgets:\n  - name: all\n    period: month\n    limit: 100000\n    match: ["model!=llama-3.1-70b-instruct"]\n',
    );
    writeFileSync(join(cwd, 'tokenspend.yaml'), 'budgets: budgets.yaml\n');
    const r = await run(['budget', 'check', '--file', join(process.cwd(), 'fixtures/demo/history.om.gz'), '--format', 'json'], { cwd });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).budgets[0].budget).toBe('all');
    const missing = await run(['budget', 'check', '--file', join(process.cwd(), 'fixtures/demo/history.om.gz'), '--no-config'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('budget check needs a budgets file');
  });

  it('exits 2 with file and path for an unknown key or dialect', async () => {
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'dialects:\n  agentgatewy: { inputIncludesCache: true }\n');
    const r = await run(['report', '--file', 'fixtures/dialects/kong.prom', '--config', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}: dialects.agentgatewy: unknown dialect`);
    writeFileSync(f, 'conection: {}\n');
    const k = await run(['report', '--file', 'fixtures/dialects/kong.prom', '--config', f]);
    expect(k.code).toBe(2);
    expect(k.stderr).toContain(`${f}: (top level): unknown key "conection"`);
  });
});
