import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportAsJson, rowsByGroup } from '../helpers/report.js';

// Expected numbers are worked out by hand from the fixture files in fixtures/dialects/ and the
// bundled list prices (per 1M tokens); the comments show the arithmetic.

const fixture = (name: string) => `fixtures/dialects/${name}.prom`;
const dir = mkdtempSync(join(tmpdir(), 'tokenspend-dialects-'));

describe('captured expositions, one per dialect', () => {
  it('agentgateway: OpenAI input includes cache, Anthropic input does not (≤ v1.4 default)', async () => {
    const json = await reportAsJson({ files: [fixture('agentgateway')], by: ['model'] });
    expect(json.dialects).toEqual({ agentgateway: 7 });
    const rows = rowsByGroup(json);
    // gpt-4o: input 12,000 includes 4,000 cached reads → 8,000 uncached.
    expect(rows['gpt-4o-2024-08-06'].tokens).toEqual({ input: 8000, cached_input: 4000, cache_write: 0, output: 3000 });
    // 8,000×2.50 + 4,000×1.25 + 3,000×10.00 = 0.020 + 0.005 + 0.030
    expect(rows['gpt-4o-2024-08-06'].totalCost).toBe(0.055);
    // Anthropic via agentgateway ≤ v1.4: input (5,000) already excludes cache reads and writes.
    expect(rows['claude-sonnet-4-5-20250929'].tokens).toEqual({ input: 5000, cached_input: 20000, cache_write: 8000, output: 1500 });
    // 5,000×3 + 20,000×0.30 + 8,000×3.75 + 1,500×15 = 0.015 + 0.006 + 0.030 + 0.0225
    expect(rows['claude-sonnet-4-5-20250929'].totalCost).toBe(0.0735);
    expect(json.totals.totalCost).toBe(0.1285);
  });

  it('agentgateway: inputIncludesCache=true (newer builds) subtracts cache from Anthropic input too', async () => {
    const json = await reportAsJson({
      files: [fixture('agentgateway')],
      by: ['model'],
      dialectSettings: { agentgatewayInputIncludesCache: true, litellmInputIncludesCache: true },
    });
    const rows = rowsByGroup(json);
    // 5,000 − 20,000 − 8,000 < 0: clamped to 0 and reported.
    expect(rows['claude-sonnet-4-5-20250929'].tokens.input).toBe(0);
    expect(json.warnings.map((w: any) => w.code)).toContain('INPUT_BELOW_CACHED');
  });

  it('envoy-ai-gateway: input always includes cache; reasoning is inside output', async () => {
    const json = await reportAsJson({ files: [fixture('envoy-ai-gateway')], by: ['model'] });
    expect(Object.keys(json.dialects)).toEqual(['envoy-ai-gateway']);
    const rows = rowsByGroup(json);
    // 30,000 − 18,000 − 6,000 = 6,000 uncached; the Bedrock id is an alias of claude-3-5-sonnet-20241022.
    expect(rows['us.anthropic.claude-3-5-sonnet-20241022-v2:0'].tokens).toEqual({
      input: 6000,
      cached_input: 18000,
      cache_write: 6000,
      output: 2400,
    });
    // 6,000×3 + 18,000×0.30 + 6,000×3.75 + 2,400×15 = 0.018 + 0.0054 + 0.0225 + 0.036
    expect(rows['us.anthropic.claude-3-5-sonnet-20241022-v2:0'].totalCost).toBe(0.0819);
    // output 377 (reasoning 320 is part of it, not added).
    expect(rows['gpt-5-mini-2025-08-07'].tokens).toEqual({ input: 1000, cached_input: 0, cache_write: 0, output: 377 });
    // 1,000×0.25 + 377×2.00 = 0.00025 + 0.000754
    expect(rows['gpt-5-mini-2025-08-07'].totalCost).toBe(0.001004);
  });

  it('otel-semconv: histogram _sum only, completion = output, _created ignored', async () => {
    const json = await reportAsJson({ files: [fixture('otel-semconv')], by: ['model', 'provider'] });
    expect(Object.keys(json.dialects)).toEqual(['otel-semconv']);
    const rows = rowsByGroup(json);
    expect(rows['gpt-4.1-mini-2025-04-14|openai'].tokens).toEqual({ input: 250000, cached_input: 0, cache_write: 0, output: 50000 });
    // 250,000×0.40 + 50,000×1.60
    expect(rows['gpt-4.1-mini-2025-04-14|openai'].totalCost).toBe(0.18);
    // the older gen_ai_system label gives the provider; no response model → request model.
    expect(rows['claude-3-5-haiku-20241022|anthropic'].tokens.output).toBe(1000);
    expect(rows['claude-3-5-haiku-20241022|anthropic'].totalCost).toBe(0.004);
  });

  it('otel-counters: cached tokens come out of the input counter once, grouped by feature', async () => {
    const json = await reportAsJson({ files: [fixture('otel-counters')], by: ['feature'] });
    const rows = rowsByGroup(json);
    expect(rows.search.tokens).toEqual({ input: 1200000, cached_input: 800000, cache_write: 0, output: 100000 });
    // 1.2M×2.50 + 0.8M×1.25 + 0.1M×10 = 3.00 + 1.00 + 1.00
    expect(rows.search.totalCost).toBe(5);
    expect(rows.chat.totalCost).toBe(3.25);
    expect(json.totals.totalCost).toBe(8.25);
  });

  it('llm-tokens: counters without _total, by team', async () => {
    const json = await reportAsJson({ files: [fixture('llm-tokens')], by: ['team'] });
    const rows = rowsByGroup(json);
    // search: 1M×0.15 + 0.2M×0.60; growth: 0.4M×0.15 + 0.1M×0.60
    expect(rows.search.totalCost).toBe(0.27);
    expect(rows.growth.totalCost).toBe(0.12);
  });

  it('litellm: None is no value, totals are never priced, cache comes out of input', async () => {
    const json = await reportAsJson({ files: [fixture('litellm')], by: ['team_alias', 'model'] });
    expect(Object.keys(json.dialects)).toEqual(['litellm']);
    const rows = rowsByGroup(json);
    expect(rows['search|gpt-4o-mini'].tokens).toEqual({ input: 200000, cached_input: 100000, cache_write: 0, output: 60000 });
    // 200k×0.15 + 100k×0.075 + 60k×0.60 = 0.03 + 0.0075 + 0.036
    expect(rows['search|gpt-4o-mini'].totalCost).toBe(0.0735);
    expect(rows['ads|claude-3-7-sonnet-20250219'].tokens).toEqual({ input: 60000, cached_input: 0, cache_write: 40000, output: 20000 });
    // 60k×3 + 40k×3.75 + 20k×15 = 0.18 + 0.15 + 0.30
    expect(rows['ads|claude-3-7-sonnet-20250219'].totalCost).toBe(0.63);
  });

  it('vllm: self-hosted model without a price is shown unpriced, never $0', async () => {
    const json = await reportAsJson({ files: [fixture('vllm')], by: ['model'] });
    const [row] = json.rows;
    expect(row.priced).toBe(false);
    expect(row.totalCost).toBeNull();
    // 98,313,546 prompt tokens include 92,941,632 cached.
    expect(row.tokens).toEqual({ input: 5371914, cached_input: 92941632, cache_write: 0, output: 1200000 });
    expect(json.totals.unpricedTokens).toBe(5371914 + 92941632 + 1200000);
    expect(json.totals.totalCost).toBe(0);
    expect(json.warnings.map((w: any) => w.code)).toContain('UNPRICED_USAGE');
  });

  it('kong: prompt/completion tokens, total_tokens never priced', async () => {
    const json = await reportAsJson({ files: [fixture('kong')], by: ['model', 'consumer'] });
    const rows = rowsByGroup(json);
    expect(rows['gpt-4o|'].tokens).toEqual({ input: 25, cached_input: 0, cache_write: 0, output: 12 });
    // A snapshot is priced now: mistral-large-latest is Mistral Large 3 since 2025-12-02 (pricing/default.yaml): 1M×0.50 + 0.25M×1.50
    expect(rows['mistral-large-latest|acme'].totalCost).toBe(0.875);
    expect(json.totals.tokens.input + json.totals.tokens.output).toBe(25 + 12 + 1000000 + 250000);
  });

  it('--dialect forces one dialect and ignores the others', async () => {
    const json = await reportAsJson({ files: [fixture('otel-semconv'), fixture('litellm')], dialect: 'litellm', by: ['model'] });
    expect(Object.keys(json.dialects)).toEqual(['litellm']);
    expect(json.rows.map((r: any) => r.group.model).sort()).toEqual(['claude-3-7-sonnet-20250219', 'gpt-4o-mini']);
  });
});

describe('dialect facts of current gateways', () => {
  it('litellm: the provider prompt-cache counters count where the detail counters do not, never twice', async () => {
    const json = await reportAsJson({ files: [fixture('litellm-provider-cache')], by: ['team_alias', 'model'] });
    const rows = rowsByGroup(json);
    // gpt-4o-mini: 300,000 input includes the 100,000 cached reads (reported twice, counted once).
    expect(rows['search|gpt-4o-mini'].tokens).toEqual({ input: 200_000, cached_input: 100_000, cache_write: 0, output: 60_000 });
    // claude-sonnet-4-5: 50,000 input includes 20,000 cache reads (only the provider counter has
    // them) and 10,000 cache writes (detail and provider counters both: once).
    expect(rows['ads|claude-sonnet-4-5'].tokens).toEqual({ input: 20_000, cached_input: 20_000, cache_write: 10_000, output: 5_000 });
    // 200,000×0.15 + 100,000×0.075 + 60,000×0.60 = 0.03 + 0.0075 + 0.036
    expect(rows['search|gpt-4o-mini'].totalCost).toBe(0.0735);
    // 20,000×3 + 20,000×0.30 + 10,000×3.75 + 5,000×15 = 0.06 + 0.006 + 0.0375 + 0.075
    expect(rows['ads|claude-sonnet-4-5'].totalCost).toBe(0.1785);
    expect(json.warnings.find((w: any) => w.code === 'REPEATED_METRIC').message).toContain('110,000 cache tokens were reported twice');
  });

  it('agentgateway: current builds include cache in input; a v1.4 capture (input below its cache) is read as excluding it', async () => {
    // The fixture is a v1.4 capture: Claude's input 5,000 < 20,000 + 8,000 cache.
    const v14 = await reportAsJson({ files: [fixture('agentgateway')], by: ['model'] });
    expect(rowsByGroup(v14)['claude-sonnet-4-5-20250929'].tokens.input).toBe(5_000);
    expect(v14.warnings.map((w: any) => w.code)).toContain('CACHE_OUTSIDE_INPUT');
    // The same traffic from a current build: input 33,000 = 5,000 + 20,000 + 8,000.
    const text = readFileSync(fixture('agentgateway'), 'utf8');
    const claudeInput = (v: number) =>
      text.replace(/(gen_ai_token_type="input",[^}]*claude-sonnet-4-5-20250929[^}]*\}) 5000\.0/, `$1 ${v}.0`);
    const current = join(dir, 'agentgateway-current.prom');
    writeFileSync(current, claudeInput(33_000));
    const now = await reportAsJson({ files: [current], by: ['model'] });
    expect(rowsByGroup(now)['claude-sonnet-4-5-20250929'].tokens).toEqual(rowsByGroup(v14)['claude-sonnet-4-5-20250929'].tokens);
    expect(now.warnings.map((w: any) => w.code)).not.toContain('CACHE_OUTSIDE_INPUT');
  });

  it('agentgateway: inputIncludesCache: legacy reads Anthropic input as v1.4 reported it, even when it exceeds the cache', async () => {
    // v1.4 with little caching: 50,000 uncached input, 20,000 + 8,000 cache (input above its cache).
    const text = readFileSync(fixture('agentgateway'), 'utf8');
    const file = join(dir, 'agentgateway-v14-light-cache.prom');
    writeFileSync(file, text.replace(/(gen_ai_token_type="input",[^}]*claude-sonnet-4-5-20250929[^}]*\}) 5000\.0/, '$1 50000.0'));
    const auto = await reportAsJson({ files: [file], by: ['model'] });
    const legacy = await reportAsJson({
      files: [file],
      by: ['model'],
      dialectSettings: { agentgatewayInputIncludesCache: 'legacy', litellmInputIncludesCache: true },
    });
    // Read as a current build (the default), cache comes out of input; as v1.4, it does not.
    expect(rowsByGroup(auto)['claude-sonnet-4-5-20250929'].tokens.input).toBe(50_000 - 28_000);
    expect(rowsByGroup(legacy)['claude-sonnet-4-5-20250929'].tokens.input).toBe(50_000);
    // OpenAI's input includes cached reads in every version.
    expect(rowsByGroup(legacy)['gpt-4o-2024-08-06'].tokens).toEqual(rowsByGroup(auto)['gpt-4o-2024-08-06'].tokens);
  });
});
