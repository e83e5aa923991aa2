import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run } from '../helpers/cli.js';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tokenspend-rules-e2e-'));
const AT = '2026-11-24T10:00:00Z';

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `promtool check rules FILE`: its stdout (it exits non-zero, and exec throws, on any problem). */
async function check(file: string): Promise<string> {
  return (await exec('promtool', ['check', 'rules', file])).stdout;
}

// Prices typed in by hand, per 1M tokens, for two models no bundled list knows.
const PRICING = `version: "e2e-rules"
currency: USD
models:
  acme-llm:
    provider: acme
    prices:
      - { from: "2026-01-01", input: "2.00", cached_input: "0.50", cache_write: "2.50", output: "8.00" }
  acme-mini:
    provider: acme
    prices:
      - { from: "2026-01-01", input: "1.00", cached_input: "0.25", output: "4.00" }
`;

describe('tokenspend rules through the binary', () => {
  const DIALECTS = ['agentgateway', 'envoy-ai-gateway', 'otel-semconv', 'otel-counters', 'llm-tokens', 'litellm', 'vllm', 'kong'];

  it.each(DIALECTS)('--dialect %s with budgets: promtool check rules is clean', async (dialect) => {
    const out = join(dir, `${dialect}.yaml`);
    const r = await run([
      'rules',
      '--dialect',
      dialect,
      '--model',
      'gpt-4o',
      '--model',
      'claude-sonnet-4-5',
      '--budgets',
      'fixtures/demo/budgets.yaml',
      '--at',
      AT,
      '--output',
      out,
    ]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    // Model cost (its labels include gateway, for per-gateway-weekly), feature cost (search-monthly's
    // scope), tokens, unpriced tokens, then five alerts.
    expect(await check(out)).toMatch(/SUCCESS: 9 rules found/);
    const doc = parse(readFileSync(out, 'utf8')) as { groups: { name: string; rules: { record?: string; alert?: string }[] }[] };
    expect(doc.groups.map((g) => g.name)).toEqual(['tokenspend']);
    const names = doc.groups.flatMap((g) => g.rules.map((x) => x.record ?? x.alert));
    expect(names).toEqual([
      'model:tokenspend_cost_usd:increase1h',
      'feature:tokenspend_cost_usd:increase1h',
      'model_type:tokenspend_tokens:increase1h',
      'tokenspend:unpriced_tokens:increase1h',
      'TokenspendBudgetExceeded',
      'TokenspendBudgetWarning',
      'TokenspendBudgetExceeded',
      'TokenspendBudgetExceeded',
      'TokenspendBudgetBurnRate',
    ]);
  });

  // promtool evaluates every rule at every step of the generated tests: two dialects (a token-type
  // label on a histogram's _sum, a counter per type), one of them with the budget alerts.
  it.each([
    ['agentgateway', ['--budgets', 'fixtures/demo/budgets.yaml']],
    ['otel-counters', []],
  ])(
    '--dialect %s --with-tests: the generated unit tests pass in promtool',
    async (dialect, extra) => {
      const out = join(dir, `tested-${dialect}.yaml`);
      const r = await run([
        'rules',
        '--dialect',
        dialect,
        '--model',
        'gpt-4o',
        '--model',
        'claude-sonnet-4-5',
        ...extra,
        '--at',
        AT,
        '--output',
        out,
        '--with-tests',
      ]);
      expect(r.code).toBe(0);
      const tests = readFileSync(join(dir, `tested-${dialect}.test.yaml`), 'utf8');
      expect(tests).toMatch(/rule_files:\n\s+- tested-/);
      if (extra.length > 0) expect(tests).toMatch(/TokenspendBudgetBurnRate/);
      const tested = await exec('promtool', ['test', 'rules', `tested-${dialect}.test.yaml`], { cwd: dir });
      expect(tested.stdout).toMatch(/SUCCESS/);
    },
    180_000,
  );

  it('prices by hand-typed rates: cache reads at their rate and out of input, LiteLLM provider cache counters counted only where the detail counter is missing', async () => {
    const pricing = join(dir, 'acme.yaml');
    writeFileSync(pricing, PRICING);
    const out = join(dir, 'acme-rules.yaml');
    const r = await run([
      'rules',
      '--dialect',
      'litellm',
      '--pricing',
      pricing,
      '--model',
      'acme-llm',
      '--model',
      'acme-mini',
      '--at',
      AT,
      '--output',
      out,
    ]);
    expect(r.code).toBe(0);
    const c = 'litellm_input_cached_tokens_metric_total';
    const p = 'litellm_provider_cache_read_input_tokens_metric_total';
    // One hour at 5-minute samples. acme-llm: input 1,200,000 (240,000 of them cache reads, counted by
    // both cache counters), output 120,000 → (960,000 × 2 + 240,000 × 0.5 + 120,000 × 8) / 1e6 = 3.00.
    // acme-mini: input 1,200,000, only the provider counter's 480,000 cache reads, no output →
    // (720,000 × 1 + 480,000 × 0.25) / 1e6 = 0.84.
    const series = [
      ['litellm_input_tokens_metric_total{model="acme-llm", api_provider="acme"}', '0+100000x12'],
      [`${c}{model="acme-llm", api_provider="acme"}`, '0+20000x12'],
      [`${p}{model="acme-llm", api_provider="acme"}`, '0+20000x12'],
      ['litellm_output_tokens_metric_total{model="acme-llm", api_provider="acme"}', '0+10000x12'],
      ['litellm_total_tokens_metric_total{model="acme-llm", api_provider="acme"}', '0+999999x12'],
      ['litellm_input_tokens_metric_total{model="acme-mini", api_provider="acme"}', '0+100000x12'],
      [`${p}{model="acme-mini", api_provider="acme"}`, '0+40000x12'],
    ];
    const test = [
      'rule_files: [acme-rules.yaml]',
      'evaluation_interval: 1m',
      'tests:',
      '  - interval: 5m',
      '    input_series:',
      ...series.map(([s, v]) => `      - { series: '${s}', values: '${v}' }`),
      '    promql_expr_test:',
      '      - expr: round(model:tokenspend_cost_usd:increase1h * 1e6)',
      '        eval_time: 1h',
      '        exp_samples:',
      '          - { labels: \'{model="acme-llm", provider="acme"}\', value: 3000000 }',
      '          - { labels: \'{model="acme-mini", provider="acme"}\', value: 840000 }',
      '      - expr: model_type:tokenspend_tokens:increase1h',
      '        eval_time: 1h',
      '        exp_samples:',
      '          - { labels: \'{__name__="model_type:tokenspend_tokens:increase1h", model="acme-llm", provider="acme", type="input"}\', value: 960000 }',
      '          - { labels: \'{__name__="model_type:tokenspend_tokens:increase1h", model="acme-llm", provider="acme", type="cached_input"}\', value: 240000 }',
      '          - { labels: \'{__name__="model_type:tokenspend_tokens:increase1h", model="acme-llm", provider="acme", type="output"}\', value: 120000 }',
      '          - { labels: \'{__name__="model_type:tokenspend_tokens:increase1h", model="acme-mini", provider="acme", type="input"}\', value: 720000 }',
      '          - { labels: \'{__name__="model_type:tokenspend_tokens:increase1h", model="acme-mini", provider="acme", type="cached_input"}\', value: 480000 }',
      '',
    ];
    writeFileSync(join(dir, 'acme.test.yaml'), test.join('\n'));
    const tested = await exec('promtool', ['test', 'rules', 'acme.test.yaml'], { cwd: dir }).catch(
      (e: { stdout: string; stderr: string }) => e,
    );
    expect(tested.stdout + tested.stderr).toMatch(/SUCCESS/);
    const header = readFileSync(out, 'utf8');
    expect(header).toMatch(/e2e-rules/);
  });

  it('--format prometheus-operator: a PrometheusRule whose groups promtool accepts, labels for the ruleSelector, Thanos partial response', async () => {
    const r = await run([
      'rules',
      '--file',
      'fixtures/demo/history.om.gz',
      '--budgets',
      'fixtures/demo/budgets.yaml',
      '--format',
      'prometheus-operator',
      '--namespace',
      'monitoring',
      '--label',
      'release=prom',
      '--at',
      AT,
    ]);
    expect(r.code).toBe(0);
    const res = parse(r.stdout) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string; namespace: string; labels: Record<string, string> };
      spec: { groups: unknown[] };
    };
    expect(res.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(res.kind).toBe('PrometheusRule');
    expect(res.metadata).toEqual({ name: 'tokenspend', namespace: 'monitoring', labels: { release: 'prom' } });
    const groups = join(dir, 'operator-groups.yaml');
    writeFileSync(groups, JSON.stringify({ groups: res.spec.groups }));
    expect(await check(groups)).toMatch(/SUCCESS: \d+ rules found/);
    const thanos = await run(['rules', '--file', 'fixtures/demo/history.om.gz', '--partial-response-strategy', 'warn', '--at', AT]);
    expect(thanos.code).toBe(0);
    const doc = parse(thanos.stdout) as { groups: { partial_response_strategy?: string }[] };
    expect(doc.groups.map((g) => g.partial_response_strategy)).toEqual(['warn']);
  });

  it('the demo history: unpriced models listed, in a header comment and a rule, with the pricing version', async () => {
    const r = await run(['rules', '--file', 'fixtures/demo/history.om.gz', '--at', AT]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no price for llama-3\.1-70b-instruct/);
    expect(r.stdout).toMatch(/^#.*llama-3\.1-70b-instruct/m);
    expect(r.stdout).toMatch(/record: tokenspend:unpriced_tokens:increase1h/);
    expect(r.stdout).toMatch(/^#.*re-run/im);
  });

  it.each([
    [['rules'], /needs a source/],
    [['rules', '--dialect', 'litellm', '--with-tests'], /--with-tests needs --output/],
    [['rules', '--dialect', 'litellm', '--evaluation-interval', '5m'], /less than 5m/],
    [['rules', '--file', 'fixtures/demo/history.om.gz', '--by', 'tenant'], /unknown label "tenant"/],
    [['rules', '--file', 'fixtures/demo/history.om.gz', '--by', 'type'], /reserved/],
    [
      ['rules', '--dialect', 'litellm', '--output', 'x.yaml', '--with-tests', '--format', 'prometheus-operator'],
      /goes with --format prometheus/,
    ],
  ])('%j exits 2: %s', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
