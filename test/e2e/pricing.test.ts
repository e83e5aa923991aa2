import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenspend-e2e-pricing-'));
const tmp = (name: string, text?: string) => {
  const p = join(dir, name);
  if (text !== undefined) writeFileSync(p, text);
  return p;
};
const LITELLM = 'fixtures/pricing/litellm.json';
const AT = ['--at', '2026-11-24T00:00:00Z'];

/** Our own file that states gpt-4o as LiteLLM's fixture does, and three models it prices otherwise or not at all. */
const OURS = `version: "ours"
currency: USD
models:
  gpt-4o:
    provider: openai
    prices:
      - { input: "2.50", cached_input: "1.25", output: "10.00" }
  deepseek-chat:
    provider: deepseek
    prices:
      - { input: "0.27", cached_input: "0.07", output: "1.10" }
  claude-haiku-4-5:
    provider: anthropic
    prices:
      - { input: "1", cached_input: "0.1", cache_write: "1.25", output: "5" }
  mistral-small:
    provider: mistral
    prices:
      - { input: "0.1", output: "0.3" }
`;

describe('pricing drift', () => {
  it('exits 0 when every shared rate agrees, listing rates one side lacks', async () => {
    const own = tmp('same.yaml', OURS.split('  deepseek-chat:')[0]);
    const r = await run(['pricing', 'drift', '--no-default-pricing', '--pricing', own, '--against', LITELLM, ...AT]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`no drift against ${LITELLM} at 2026-11-24T00:00:00.000Z (1 models compared, 0 not priced there)`);
    expect(r.stdout).toContain('priced on one side only (not drift):');
    expect(r.stdout).toContain('batch.input');
  });

  it('exits 1 beyond the tolerance (a 10% discount) and 0 within a wider one', async () => {
    const args = ['pricing', 'drift', '--pricing', 'fixtures/pricing/company.yaml', '--against', LITELLM, ...AT, '--format', 'json'];
    const r = await run(args);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.compared).toBe(1);
    // 2.25 → 2.50, 1.125 → 1.25, 9.00 → 10.00: each +11.1111%
    expect(json.drift.map((c: any) => `${c.model} ${c.field} ${c.before}→${c.after} ${c.changePct}`)).toEqual([
      'gpt-4o input 2.25→2.5 11.1111',
      'gpt-4o cached_input 1.125→1.25 11.1111',
      'gpt-4o output 9.00→10 11.1111',
    ]);
    const wide = await run([...args, '--tolerance', '12%']);
    expect(wide.code).toBe(0);
    expect(JSON.parse(wide.stdout).drift).toEqual([]);
  });

  it('exits 2 without --against, with a bad tolerance or a missing file', async () => {
    const none = await run(['pricing', 'drift']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('pricing drift needs --against FILE');
    const tol = await run(['pricing', 'drift', '--against', LITELLM, '--tolerance', 'lots']);
    expect(tol.code).toBe(2);
    expect(tol.stderr).toContain('--tolerance: expected a percentage like 1% or 0.5%, got "lots"');
    const missing = await run(['pricing', 'drift', '--against', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json');
  });
});

describe('pricing diff', () => {
  const ours = tmp('ours.yaml', OURS);

  it('JSON: added, removed and changed per field; a Bedrock name joined to the maker by the list-price rule', async () => {
    const r = await run(['pricing', 'diff', ours, LITELLM, ...AT, '--format', 'json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    // Added: gpt-5.4, claude-sonnet-4-5 (not in ours), Groq's Llama (a host ours does not list), acme-embed-1;
    // removed: mistral-small; changed: gpt-4o (tiers), Haiku on Bedrock (+10%), deepseek-chat.
    expect(d.counts).toEqual({ added: 4, removed: 1, changed: 3, same: 0 });
    const line = (c: any) => `${c.kind} ${c.provider}/${c.model} ${c.as ?? ''} ${c.via ?? ''} ${c.field ?? ''} ${c.before}→${c.after}`;
    expect(d.changes.filter((c: any) => c.model === 'claude-haiku-4-5').map(line)).toEqual([
      'changed anthropic/claude-haiku-4-5 aws/bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0 list-price: provider-prefix, bedrock-region, bedrock-vendor, bedrock-version, date-suffix input 1→1.1',
      'changed anthropic/claude-haiku-4-5 aws/bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0 list-price: provider-prefix, bedrock-region, bedrock-vendor, bedrock-version, date-suffix cached_input 0.1→0.11',
      'changed anthropic/claude-haiku-4-5 aws/bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0 list-price: provider-prefix, bedrock-region, bedrock-vendor, bedrock-version, date-suffix cache_write 1.25→1.375',
      'changed anthropic/claude-haiku-4-5 aws/bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0 list-price: provider-prefix, bedrock-region, bedrock-vendor, bedrock-version, date-suffix output 5→5.5',
    ]);
    expect(d.changes.filter((c: any) => c.kind !== 'changed').map(line)).toEqual([
      'added acme/acme-embed-1    null→null',
      'added anthropic/claude-sonnet-4-5-20250929    null→null',
      'added groq/llama-3.3-70b-versatile    null→null',
      'added openai/gpt-5.4    null→null',
      'removed mistral/mistral-small    null→null',
    ]);
    expect(d.changes.filter((c: any) => c.model === 'deepseek-chat').map((c: any) => `${c.field} ${c.changePct}`)).toEqual([
      'input 3.7037',
      'cached_input -60',
      'output -61.8181',
    ]);
  });

  it('table: the counts, then one line per field with Via; --changed-only drops added and removed', async () => {
    // Wide enough for the heading on one line (it wraps to the terminal; the temp path is long).
    const r = await run(['pricing', 'diff', ours, LITELLM, ...AT, '--changed-only'], { env: { COLUMNS: '240' } });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(
      `${ours} → ${LITELLM} at 2026-11-24T00:00:00.000Z: 3 models changed, 4 added, 1 removed, 0 the same (prices per 1M tokens)`,
    );
    expect(r.stdout).toMatch(/│ ~ │ gpt-4o +│ openai +│ +│ +│ priority\.output +│ +– │ +17 │/);
    expect(r.stdout).not.toContain('mistral-small');
  });
});

describe('pricing import, then validate', () => {
  it.each([
    ['litellm', LITELLM, '7 models written; 2 entries without token prices left out', '7 models'],
    ['genai-prices', 'fixtures/pricing/genai-prices.json', 'models written', 'models, USD'],
  ])('%s: the written file validates', async (format, file, said, validated) => {
    const out = join(dir, `${format}.yaml`);
    const imp = await run(['pricing', 'import', format, file, '--date', '2026-11-24', '--output', out]);
    expect(imp.code).toBe(0);
    expect(imp.stderr).toContain(said);
    const v = await run(['pricing', 'validate', out]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain(`${out}: ok`);
    expect(v.stdout).toContain(validated);
  });
});

describe('report in another currency', () => {
  // kong.prom is a snapshot (priced now): gpt-4o 25 in / 12 out, mistral-large-latest 1M in / 0.25M out.
  // USD: input 25×2.50 + 1M×0.50 = 0.5000625, output 12×10 + 0.25M×1.50 = 0.37512 (per 1M).
  const KONG = ['report', '--file', 'fixtures/dialects/kong.prom', '--currency', 'EUR', '--fx-rate', '0.92'];

  it('--fx-rate: every format gives euros and says how they were converted', async () => {
    const json = await run([...KONG, '--format', 'json']);
    expect(json.code).toBe(0);
    const j = JSON.parse(json.stdout);
    expect(j.currency).toBe('EUR');
    expect(j.fx).toEqual({ base: 'USD', quote: 'EUR', rates: [{ from: null, rate: '0.92' }], source: '--fx-rate' });
    // ×0.92: 0.4600575 and 0.3451104
    expect(j.totals.cost).toEqual({ input: 0.460058, cached_input: 0, cache_write: 0, output: 0.34511 });
    expect(j.totals.totalCost).toBe(0.805168);
    const table = await run(KONG);
    expect(table.stdout).toContain('€0.81');
    expect(table.stdout).toContain('Amounts converted from USD to EUR at 0.92 EUR per USD (--fx-rate), at report time.');
    const csv = await run([...KONG, '--format', 'csv']);
    expect(csv.stdout).toContain(',0.805168,true,,EUR,');
    expect(csv.stdout).toContain('(converted from USD at 0.92 EUR per USD)');
    const md = await run([...KONG, '--format', 'markdown']);
    expect(md.stdout).toContain('### LLM cost: €0.81');
    expect(md.stdout).toContain('amounts converted from USD to EUR at 0.92 EUR per USD (--fx-rate), at report time');
  });

  // gpt-4o through llm-tokens counters: 1M in / 100k out on 2026-11-14, 1M in / 200k out on 2026-11-16.
  const t = (day: number) => Date.UTC(2026, 10, day, 12);
  const counters = tmp(
    'gpt4o.prom',
    [
      `llm_tokens_in_total{model="gpt-4o"} 0 ${t(13)}`,
      `llm_tokens_in_total{model="gpt-4o"} 1000000 ${t(14)}`,
      `llm_tokens_in_total{model="gpt-4o"} 2000000 ${t(16)}`,
      `llm_tokens_out_total{model="gpt-4o"} 0 ${t(13)}`,
      `llm_tokens_out_total{model="gpt-4o"} 100000 ${t(14)}`,
      `llm_tokens_out_total{model="gpt-4o"} 300000 ${t(16)}`,
      '',
    ].join('\n'),
  );
  const rates = tmp('rates.csv', 'date,rate\n2026-11-10,0.90\n2026-11-15,0.95\n');
  const WINDOW = ['--since', '2026-11-13T00:00:00Z', '--until', '2026-11-17T00:00:00Z'];

  it('--fx-file: each slice at the rate in force (0.90, then 0.95 from 2026-11-15), in every format', async () => {
    const base = ['report', '--file', counters, ...WINDOW, '--currency', 'EUR', '--fx-file', rates];
    const j = JSON.parse((await run([...base, '--format', 'json'])).stdout);
    // input $2.50 × 0.90 + $2.50 × 0.95; output $1.00 × 0.90 + $2.00 × 0.95
    expect(j.totals.cost).toEqual({ input: 4.625, cached_input: 0, cache_write: 0, output: 2.8 });
    expect(j.totals.totalCost).toBe(7.425);
    expect(j.fx.rates).toEqual([
      { from: '2026-11-10T00:00:00Z', rate: '0.90' },
      { from: '2026-11-15T00:00:00Z', rate: '0.95' },
    ]);
    expect(j.fx.source).toBe(rates);
    const said =
      'converted from USD to EUR at the rate in force for each time slice (EUR per USD: 0.90 from 2026-11-10, 0.95 from 2026-11-15';
    expect((await run(base)).stdout).toContain(`A${said.slice(1)}`.replace('Aonverted', 'Amounts converted'));
    expect((await run([...base, '--format', 'markdown'])).stdout).toContain(`amounts ${said}`);
    expect((await run([...base, '--format', 'csv'])).stdout).toContain(
      '(converted from USD at 0.90 from 2026-11-10; 0.95 from 2026-11-15 EUR per USD,',
    );
  });

  it('the config file: currency and fxFile (relative to it); a flag wins; --fx-rate with --fx-file is exit 2', async () => {
    const cfg = tmp('cfg.yaml', `currency: EUR\nfxFile: rates.csv\n`);
    const j = JSON.parse((await run(['report', '--config', cfg, '--file', counters, ...WINDOW, '--format', 'json'])).stdout);
    expect(j.totals.totalCost).toBe(7.425);
    const flag = JSON.parse(
      (await run(['report', '--config', cfg, '--file', counters, ...WINDOW, '--fx-rate', '0.5', '--format', 'json'])).stdout,
    );
    // $2.50 + $1.00 + $2.50 + $2.00 = $8.00 × 0.5
    expect(flag.totals.totalCost).toBe(4);
    const both = await run(['report', '--file', counters, '--currency', 'EUR', '--fx-rate', '0.9', '--fx-file', rates]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give --fx-rate or --fx-file, not both');
  });

  it('a day before the first rate is unpriced (no-fx-rate), never converted at another rate', async () => {
    const late = tmp('late.csv', 'date,rate\n2026-11-15,0.95\n');
    const r = await run(['report', '--file', counters, ...WINDOW, '--currency', 'EUR', '--fx-file', late, '--format', 'json']);
    const j = JSON.parse(r.stdout);
    expect(j.totals.totalCost).toBe(4.275); // only 2026-11-15 on: ($2.50 + $2.00) × 0.95
    expect(j.rows.find((row: any) => !row.priced).unpricedReason).toBe('no-fx-rate');
  });
});

describe('service tier labels and values', () => {
  const prices = tmp(
    'acme.yaml',
    'version: "t"\ncurrency: USD\nmodels:\n  acme-chat:\n    provider: acme\n    prices:\n      - { input: "1", output: "2", priority: { input: "3", output: "6" } }\n',
  );
  const data = tmp(
    'tier.prom',
    'llm_tokens_in_total{model="acme-chat",tier="scale"} 1000000\nllm_tokens_out_total{model="acme-chat",tier="scale"} 1000000\n',
  );
  const base = ['report', '--no-default-pricing', '--pricing', prices, '--file', data, '--format', 'json'];

  it('a label the tool does not know is not a tier: standard rates ($1 + $2)', async () => {
    expect(JSON.parse((await run(base)).stdout).totals.totalCost).toBe(3);
  });

  it('--service-tier-label names it; an unmapped value is a tier without rates (unpriced)', async () => {
    const j = JSON.parse((await run([...base, '--service-tier-label', 'tier'])).stdout);
    expect(j.rows[0].unpricedReason).toBe('no-tier-rate');
  });

  it('--service-tier scale=priority (or the config file) bills the priority rates ($3 + $6)', async () => {
    const j = JSON.parse((await run([...base, '--service-tier-label', 'tier', '--service-tier', 'scale=priority'])).stdout);
    expect(j.totals.totalCost).toBe(9);
    const cfg = tmp('tiers.yaml', 'serviceTiers:\n  labels: [tier]\n  values: { scale: priority }\n');
    expect(JSON.parse((await run([...base, '--config', cfg])).stdout).totals.totalCost).toBe(9);
    const bad = await run([...base, '--service-tier', 'scale=turbo']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('service tier "scale": expected one of standard, batch, flex, priority, got "turbo"');
  });
});
