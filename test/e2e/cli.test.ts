import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closedPort, run, serve } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenspend-e2e-'));
const tmp = (name: string, text?: string) => {
  const p = join(dir, name);
  if (text !== undefined) writeFileSync(p, text);
  return p;
};
const AGW = readFileSync('fixtures/dialects/agentgateway.prom', 'utf8');

describe('tokenspend binary', () => {
  it('prints help with the exit codes, and its version', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toMatch(/4 {2}incomplete data/);
    const version = await run(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  it('exits 2 on an unknown flag', async () => {
    const r = await run(['report', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
    expect(r.stdout).toBe('');
  });

  it('exits 3 with file and line on a malformed exposition, writing nothing', async () => {
    const out = tmp('never.json');
    const good = AGW.split('# EOF')[0] as string;
    const bad = tmp('bad.prom', `${good}agentgateway_gen_ai_client_token_usage_sum{gen_ai_token_type="input" 12\n`);
    const badLine = good.split('\n').length;
    const r = await run(['report', '--file', bad, '--format', 'json', '--output', out]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`bad.prom:${badLine}: expected "," or "}" after label "gen_ai_token_type"`);
    expect(readdirSync(dir).filter((f) => f.includes('never'))).toEqual([]);
  });

  it('exits 2 on an invalid pricing file, naming file and path', async () => {
    const pricing = tmp(
      'bad-prices.yaml',
      'version: "1"\ncurrency: USD\nmodels:\n  acme:\n    provider: acme\n    prices:\n      - { from: "Jan 31", input: "2.5" }\n',
    );
    const r = await run(['report', '--file', 'fixtures/dialects/kong.prom', '--pricing', pricing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${pricing}: models.acme.prices[0].from: expected a date like 2025-01-31 (or an RFC 3339 time), got "Jan 31"`,
    );
  });

  it('exits 3 when a scrape target is unreachable', async () => {
    const port = await closedPort();
    const r = await run(['report', '--scrape', `gw=http://127.0.0.1:${port}/metrics`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`scrape gw (http://127.0.0.1:${port}/metrics): connection refused`);
  });

  it('exits 4 when no series of a known dialect is there, naming look-alikes', async () => {
    const f = tmp('other.prom', 'my_app_tokens_total{model="x"} 5\nprocess_cpu_seconds_total 3\n');
    const r = await run(['report', '--file', f]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('no token series of a known dialect matched');
    expect(r.stderr).toContain('my_app_tokens_total');
  });

  it('a config mapping makes a custom metric count', async () => {
    const f = tmp(
      'custom.prom',
      'my_app_tokens_total{model="gpt-4o-mini",kind="in"} 1000000\nmy_app_tokens_total{model="gpt-4o-mini",kind="out"} 1000000\n',
    );
    const cfg = tmp(
      'config.yaml',
      'mappings:\n  - metric: my_app_tokens_total\n    tokenTypeLabel: kind\n    tokenTypeValues: { in: input, out: output }\n    model: model\n',
    );
    const r = await run(['report', '--file', f, '--config', cfg, '--format', 'json']);
    expect(r.code).toBe(0);
    // 1M × $0.15 + 1M × $0.60
    expect(JSON.parse(r.stdout).totals.totalCost).toBe(0.75);
  });

  it('--strict prints the report, then exits 4 for unpriced usage', async () => {
    const r = await run(['report', '--file', 'fixtures/dialects/vllm.prom', '--strict', '--format', 'json']);
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout).totals.unpricedTokens).toBe(99513546);
    expect(r.stderr).toContain('--strict: 99513546 tokens are unpriced');
  });

  it('reads standard input with --file -', async () => {
    const r = await run(['report', '--file', '-', '--format', 'json', '--by', 'team'], {
      stdin: readFileSync('fixtures/dialects/llm-tokens.prom', 'utf8'),
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).totals.totalCost).toBe(0.39);
  });

  it('writes --output atomically and leaves no temp file', async () => {
    const out = tmp('week.csv');
    const r = await run([
      'report',
      '--file',
      'fixtures/demo/history.om.gz',
      '--window',
      '7d',
      '--step',
      '1d',
      '--by',
      'model,feature',
      '--format',
      'csv',
      '--output',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    expect(csv[0]).toBe(
      'period_start,period_end,model,feature,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,input_cost,cached_input_cost,cache_write_cost,output_cost,total_cost,priced,unpriced_reason,currency,pricing_version',
    );
    // The window ends at the last sample (2026-11-21 23:00:37); its first partial day has no
    // sample after the baseline, so the first row is the first whole day.
    expect(csv[1]).toMatch(/^2026-11-15T00:00:00Z,2026-11-16T00:00:00Z,/);
    expect(csv.at(-1)).toMatch(/^2026-11-21T00:00:00Z,2026-11-21T23:00:37Z,/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('neutralises CSV cells a spreadsheet would run as formulas', async () => {
    const f = tmp('formula.prom', 'llm_tokens_in{model="gpt-4o-mini",team="=HYPERLINK(\\"x\\")"} 10\n');
    const r = await run(['report', '--file', f, '--by', 'team', '--format', 'csv']);
    expect(r.stdout.split('\n')[1]).toContain(`"'=HYPERLINK(""x"")"`);
  });

  describe('--scrape', () => {
    let second = false;
    const servers: { close: () => Promise<void> }[] = [];
    afterAll(async () => {
      await Promise.all(servers.map((s) => s.close()));
    });

    it('reads live /metrics endpoints; NAME becomes the gateway; a header and token are sent', async () => {
      const seen: (string | undefined)[] = [];
      const kong = await serve((req, res) => {
        seen.push(req.headers.authorization, req.headers['x-tenant'] as string);
        res.setHeader('content-type', 'text/plain; version=0.0.4');
        res.end(readFileSync('fixtures/dialects/kong.prom'));
      });
      servers.push(kong);
      const r = await run(
        ['report', '--scrape', `edge=${kong.url}/metrics`, '--by', 'gateway,model', '--format', 'json', '--header', 'X-Tenant: acme'],
        {
          env: { TOKENSPEND_BEARER_TOKEN: 's3cret' },
        },
      );
      expect(r.code).toBe(0);
      const json = JSON.parse(r.stdout);
      expect(json.rows.find((x: any) => x.group.model === 'mistral-large-latest').group.gateway).toBe('edge');
      expect(json.window.lifetime).toBe(true);
      expect(seen).toEqual(['Bearer s3cret', 'acme']);
      expect(r.stdout + r.stderr).not.toContain('s3cret');
    });

    it('with --interval, reports only the usage between two scrapes, counting new series from zero', async () => {
      const first = 'llm_tokens_in{model="gpt-4o-mini"} 1000\n';
      const next = 'llm_tokens_in{model="gpt-4o-mini"} 1600\nllm_tokens_in{model="gpt-4o"} 50\n';
      const target = await serve((_req, res) => {
        res.end(second ? next : first);
        second = true;
      });
      servers.push(target);
      const r = await run(['report', '--scrape', `${target.url}/metrics`, '--interval', '1s', '--by', 'model', '--format', 'json']);
      expect(r.code).toBe(0);
      const rows = Object.fromEntries(JSON.parse(r.stdout).rows.map((x: any) => [x.group.model, x.tokens.input]));
      expect(rows).toEqual({ 'gpt-4o-mini': 600, 'gpt-4o': 50 });
    });

    it('exits 3 on an HTTP error and on a timeout', async () => {
      const failing = await serve((req, res) => {
        if (req.url === '/slow') return; // never answers
        res.statusCode = 503;
        res.end('busy');
      });
      servers.push(failing);
      const r503 = await run(['report', '--scrape', `${failing.url}/metrics`]);
      expect(r503.code).toBe(3);
      expect(r503.stderr).toContain('HTTP 503');
      const slow = await run(['report', '--scrape', `${failing.url}/slow`, '--timeout', '300ms']);
      expect(slow.code).toBe(3);
      expect(slow.stderr).toContain('no answer within 0.3s');
    });
  });
});

describe('pricing command', () => {
  it('shows which entry prices a provider-specific id, with its dated rates', async () => {
    // A Bedrock id: the name reveals the provider (aws), whose own entry prices it (Bedrock's list price).
    const r = await run(['pricing', 'show', 'anthropic.claude-3-5-sonnet-20241022-v2:0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('regional.anthropic.claude-3-5-sonnet-20241022-v2:0 (aws)');
    expect(r.stdout).toContain('provider: the provider the name reveals');
    expect(r.stdout).toMatch(/–[\s│]+\$3[\s│]+\$0\.3[\s│]+\$3\.75[\s│]+\$15/);
  });

  it('exits 4 for a model nobody prices', async () => {
    const r = await run(['pricing', 'show', 'gpt-7-ultra']);
    expect(r.code).toBe(4);
  });

  it('validates the bundled file and lists models', async () => {
    const v = await run(['pricing', 'validate', 'pricing/default.yaml']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/pricing\/default\.yaml: ok \(version \d{4}-\d{2}-\d{2}, \d+ models, USD\)/);
    const list = await run(['pricing', 'list', '--format', 'json']);
    const ids = JSON.parse(list.stdout).models.map((m: any) => m.id);
    expect(ids).toContain('gpt-4o');
    expect(ids).toContain('deepseek-chat');
  });
});

describe("golden output (checked by hand: each row's parts add up to its total, rows to the grand total)", () => {
  it('the demo report as Markdown', async () => {
    const r = await run([
      'report',
      '--file',
      'fixtures/demo/history.om.gz',
      '--window',
      '7d',
      '--by',
      'gateway,model',
      '--format',
      'markdown',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync('fixtures/golden/demo-7d-gateway-model.md', 'utf8'));
  });
});
