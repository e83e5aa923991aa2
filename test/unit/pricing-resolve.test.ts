import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LoadedPricing, PriceBook, rateAt } from '../../src/pricing/book.js';
import { parsePricing } from '../../src/pricing/load.js';
import { nameForms } from '../../src/pricing/names.js';
import { importLitellm, perMillion } from '../../src/pricing/import/litellm.js';
import { importGenaiPrices, matchPattern } from '../../src/pricing/import/genai-prices.js';
import { compareModels, diffBooks, driftCheck } from '../../src/pricing/diff.js';

const load = (text: string, path = 'p.yaml') => parsePricing(text, path, 'sha');
const NOW = Date.parse('2026-11-24T00:00:00Z');

let bundled: LoadedPricing[];
let book: PriceBook;
beforeAll(async () => {
  bundled = [
    await load(readFileSync('pricing/catalogue.yaml', 'utf8'), 'catalogue'),
    await load(readFileSync('pricing/default.yaml', 'utf8'), 'default'),
  ];
  book = new PriceBook(bundled);
});

/** Input and output per 1M tokens in force now, as written. */
function io(name: string, provider?: string): string {
  const m = book.model(name, provider);
  const r = m ? rateAt(m, NOW) : undefined;
  return r ? `${m?.provider} ${Number(r.text.input)}/${Number(r.text.output)}` : 'unpriced';
}

describe("id forms people run, priced at list price (prices typed from the providers' pages)", () => {
  it.each([
    // OpenAI dated snapshots and families
    ['gpt-5.1-2025-11-13', undefined, 'openai 1.25/10'],
    ['gpt-5.4-2026-03-05', undefined, 'openai 2.5/15'],
    ['gpt-4.1-mini-2025-04-14', undefined, 'openai 0.4/1.6'],
    // LiteLLM and OpenRouter provider/model
    ['openai/gpt-5.1', undefined, 'openai 1.25/10'],
    ['anthropic/claude-sonnet-4.5', undefined, 'anthropic 3/15'],
    ['openrouter/openai/gpt-5.1', undefined, 'openrouter 1.25/10'],
    // Anthropic: dated, and on Vertex
    ['claude-sonnet-4-5-20250929', undefined, 'anthropic 3/15'],
    ['claude-opus-4-6', undefined, 'anthropic 5/25'],
    ['claude-sonnet-4-5@20250929', undefined, 'google 3/15'],
    ['vertex_ai/claude-opus-4-5@20251101', undefined, 'anthropic 5/25'], // Vertex has no entry of its own: Anthropic's list price
    // Bedrock: global profile at list price, in-region profiles at Bedrock's regional price
    ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', undefined, 'aws 3/15'],
    ['anthropic.claude-haiku-4-5-20251001-v1:0', 'aws.bedrock', 'aws 1.1/5.5'],
    ['bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0', undefined, 'aws 3/15'],
    ['arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.anthropic.claude-opus-4-6-v1', undefined, 'aws 5/25'],
    // Azure: deployment spelling and provider label falling back to OpenAI's list price
    ['gpt-35-turbo', 'az.ai.openai', 'openai 0.5/1.5'],
    ['azure/gpt-4o', undefined, 'openai 2.5/10'],
    // Gemini
    ['gemini-2.5-pro', 'gcp.gemini', 'google 1.25/10'],
    ['models/gemini-2.5-flash', undefined, 'google 0.3/2.5'],
    ['gemini-3-pro-preview', undefined, 'google 2/12'],
    // Grok and an open model on hosts with their own prices
    ['grok-4', undefined, 'x-ai 3/15'],
    ['llama-3.3-70b-versatile', 'groq', 'groq 0.59/0.79'],
  ])('%s (provider label %s) → %s', (name, provider, expected) => {
    expect(io(name, provider)).toBe(expected);
  });

  it('never prices a self-hosted or unknown model, nor guesses between hosts', () => {
    expect(io('llama-3.1-70b-instruct', 'self-hosted')).toBe('unpriced');
    expect(book.resolve('gpt-7-ultra')).toEqual({ reason: 'unknown-model' });
    // A labelled host that does not list the model and does not resell the maker's at list price.
    expect(book.resolve('gpt-4o', 'groq')).toEqual({ reason: 'unknown-model', provider: 'groq' });
  });

  it('rewrites names by named rules, most specific form first', () => {
    expect(nameForms('bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0').map((f) => `${f.name} ${f.rules.at(-1)} ${f.hint}`)).toEqual([
      'bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0 as-written undefined',
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0 provider-prefix aws',
      'anthropic.claude-sonnet-4-5-20250929-v1:0 bedrock-region aws',
      'claude-sonnet-4-5-20250929-v1:0 bedrock-vendor aws',
      'claude-sonnet-4-5-20250929 bedrock-version aws',
      'claude-sonnet-4-5 date-suffix aws',
    ]);
  });
});

const CONTRACT = `version: "acme-contract"
currency: USD
models:
  gpt-4o:
    prices:
      - { from: 2024-01-01, input: "2.00", cached_input: "1.00", output: "8.00" }
`;

describe('precedence', () => {
  it("a user file that restates gpt-4o reprices every id that reaches it, over a lower layer's own entry", async () => {
    const b = new PriceBook([...bundled, await load(CONTRACT, 'contract.yaml')]);
    for (const name of ['gpt-4o', 'gpt-4o-2024-08-06', 'gpt-4o-2024-11-20', 'azure/gpt-4o']) {
      const r = b.resolve(name);
      expect('model' in r && r.model.file, name).toBe('contract.yaml');
    }
    const r = b.resolve('gpt-4o-2024-08-06');
    // The curated layer's own entry for the snapshot is shown as not chosen.
    expect('model' in r && r.model.provider).toBe('openai');
    expect(b.candidates('gpt-4o-2024-08-06').map((c) => c.model.file)).toContain('default');
  });

  it('unless the user file gives the id its own entry', async () => {
    const own = `${CONTRACT}  gpt-4o-2024-08-06:\n    prices:\n      - { from: 2024-01-01, input: "2.20", output: "9.00" }\n`;
    const b = new PriceBook([...bundled, await load(own, 'contract.yaml')]);
    expect(rateAt(b.model('gpt-4o-2024-08-06') as never, NOW)?.text.input).toBe('2.20');
    expect(rateAt(b.model('gpt-4o') as never, NOW)?.text.input).toBe('2.00');
  });

  it('an entry without provider needs a lower layer that prices its key', async () => {
    const bad = 'version: "x"\ncurrency: USD\nmodels:\n  acme-9:\n    prices:\n      - { input: "1" }\n';
    expect(() => new PriceBook([...bundled, ...[]]).model('acme-9')).not.toThrow();
    await expect(async () => new PriceBook([...bundled, await load(bad, 'mine.yaml')])).rejects.toThrow(
      'mine.yaml: models.acme-9.provider: required, because no lower pricing layer prices "acme-9"',
    );
  });

  it('the labelled provider comes before the maker: the same open model costs what each host charges', () => {
    expect(io('llama-3.3-70b-versatile', 'groq')).toBe('groq 0.59/0.79');
    const together = book.model('meta-llama/Llama-3.3-70B-Instruct-Turbo', 'together_ai');
    expect(together?.provider).toBe('together');
  });
});

describe('importers', () => {
  const litellm = JSON.parse(readFileSync('fixtures/pricing/litellm.json', 'utf8'));
  const genai = JSON.parse(readFileSync('fixtures/pricing/genai-prices.json', 'utf8'));

  it('turns USD per token into exact decimals per 1M tokens', () => {
    expect(perMillion(2.5e-6, 'x')).toBe('2.5');
    expect(perMillion(1.375e-6, 'x')).toBe('1.375');
    expect(perMillion(2.8e-8, 'x')).toBe('0.028');
    expect(perMillion(0.00003, 'x')).toBe('30');
    expect(perMillion(0, 'x')).toBe('0');
    expect(() => perMillion(-1e-6, 'm.input_cost_per_token')).toThrow('m.input_cost_per_token: expected a cost per token ≥ 0');
  });

  it('LiteLLM: cache, long-context, batch, flex and priority rates; non-token entries left out', () => {
    const { data, skipped } = importLitellm(litellm, 'litellm', '2026-11-24');
    expect(skipped).toBe(2);
    expect(data.models['gpt-4o']?.prices[0]).toEqual({
      from: '2026-11-24',
      input: '2.5',
      cached_input: '1.25',
      output: '10',
      batch: { input: '1.25', output: '5' },
      priority: { input: '4.25', output: '17' },
    });
    expect(data.models['gpt-5.4']?.prices[0]?.context).toEqual([{ above: 272000, input: '5', cached_input: '0.5', output: '22.5' }]);
    expect(data.models['bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0']?.provider).toBe('aws');
  });

  it('genai-prices: time-of-day prices for most of the day replace the unconditional (off-peak) price', () => {
    // DeepSeek's shape in genai-prices 0.1.8: the off-peak discount unconditionally, the standard
    // price from 00:30 to 16:30 (16 hours); a peak surcharge for 3 + 4 hours is left out.
    const providers = [
      {
        id: 'deepseek',
        models: [
          {
            id: 'chat',
            prices: [
              { prices: { input_mtok: 0.135, output_mtok: 0.55 } },
              {
                constraint: { start_time: '00:30:00Z', end_time: '16:30:00Z', type: 'time_of_date' },
                prices: { input_mtok: 0.27, output_mtok: 1.1 },
              },
            ],
          },
          {
            id: 'v4',
            prices: [
              { prices: { input_mtok: 0.14, output_mtok: 0.28 } },
              { constraint: { start_date: '2026-08-17', type: 'start_date' }, prices: { input_mtok: 0.22, output_mtok: 0.66 } },
              {
                constraint: { start_time: '01:00:00Z', end_time: '04:00:00Z', type: 'time_of_date' },
                prices: { input_mtok: 0.44, output_mtok: 1.32 },
              },
              {
                constraint: { start_time: '22:00:00Z', end_time: '02:00:00Z', type: 'time_of_date' },
                prices: { input_mtok: 0.44, output_mtok: 1.32 },
              },
            ],
          },
        ],
      },
    ];
    const { data, dropped } = importGenaiPrices(providers, 'g', '2026-11-24');
    expect(data.models['deepseek/chat']?.prices).toEqual([{ input: '0.27', output: '1.1' }]);
    expect(data.models['deepseek/v4']?.prices).toEqual([
      { input: '0.14', output: '0.28' },
      { from: '2026-08-17', input: '0.22', output: '0.66' },
    ]);
    expect(dropped).toEqual(['time-of-day prices (the price in force for most of the day is kept)']);
  });

  it('genai-prices: dated prices, tiers, match trees; time-of-day prices dropped and said so', () => {
    const { data, dropped } = importGenaiPrices(genai, 'g', '2026-11-24');
    expect(data.models['deepseek/deepseek-chat']?.prices).toEqual([
      { input: '0.27', cached_input: '0.07', output: '1.1' },
      { from: '2025-09-29', input: '0.28', cached_input: '0.028', output: '0.42' },
    ]);
    expect(dropped).toEqual(['time-of-day prices (the price in force for most of the day is kept)']);
    expect(data.models['openai/gpt-5.4']?.prices[0]?.context).toEqual([{ above: 271999, input: '5', cached_input: '0.5', output: '22.5' }]);
    expect(data.models['groq/whisper-large-v3']).toBeUndefined();
    expect(new RegExp(`^(?:${matchPattern({ and: [{ starts_with: 'a' }, { contains: 'b' }] }, 'm')})$`).test('axb')).toBe(true);
    expect(new RegExp(`^(?:${matchPattern({ and: [{ starts_with: 'a' }, { contains: 'b' }] }, 'm')})$`).test('axc')).toBe(false);
  });

  it('rejects malformed data with a path', () => {
    expect(() => importGenaiPrices([{ id: 'x', models: [{ id: 'm', prices: { input_mtok: 'cheap' } }] }], 'g', 'd')).toThrow(
      'providers[0].models[0].prices.input_mtok: expected a number or {base, tiers}',
    );
    expect(() => importLitellm([], 'l', 'd')).toThrow('expected an object of models');
  });
});

describe('diff and drift', () => {
  it('diff matches models across naming conventions and shows only real differences', async () => {
    const a = new PriceBook([
      await load(
        readFileSync('fixtures/pricing/genai-prices.json', 'utf8').length
          ? JSON.stringify(
              importGenaiPrices(JSON.parse(readFileSync('fixtures/pricing/genai-prices.json', 'utf8')), 'g', '2026-11-24').data,
            )
          : '',
        'a.json',
      ),
    ]);
    const b = new PriceBook([
      await load(
        JSON.stringify(importLitellm(JSON.parse(readFileSync('fixtures/pricing/litellm.json', 'utf8')), 'l', '2026-11-24').data),
        'b.json',
      ),
    ]);
    const d = diffBooks(a, b, NOW, { a: 'a', b: 'b' });
    expect(d.counts).toEqual({ added: 3, removed: 0, changed: 2, same: 2 });
    const gpt54 = d.changes.filter((c) => c.model === 'gpt-5.4').map((c) => `${c.field} ${c.before}→${c.after}`);
    expect(gpt54).toEqual(['context[0].above 271999→272000', 'flex.input null→1.25', 'flex.output null→7.5']);
  });

  it('diff: a host the other side does not list is not the maker; a list-price host is, and Via says how', async () => {
    const a = new PriceBook([
      await load(
        'version: "a"\ncurrency: USD\nmodels:\n  mixtral-8x7b:\n    provider: mistral\n    prices:\n      - { input: "0.7", output: "0.7" }\n  gpt-4o-mini:\n    provider: openai\n    prices:\n      - { input: "0.15", output: "0.6" }\n  meta-llama/Llama-3.3-70B-Instruct:\n    provider: huggingface_fireworks-ai\n    prices:\n      - { input: "0.9", output: "0.9" }\n',
        'a',
      ),
    ]);
    // LiteLLM-style entries: DeepInfra's Mixtral (a host A does not know), Azure's regional gpt-4o-mini (+10%).
    const b = new PriceBook([
      await load(
        'version: "b"\ncurrency: USD\nmodels:\n  deepinfra/mistralai/Mixtral-8x7B-Instruct-v0.1:\n    provider: deepinfra\n    prices:\n      - { input: "0.15", output: "0.15" }\n  azure/gpt-4o-mini:\n    provider: azure\n    prices:\n      - { input: "0.165", output: "0.66" }\n  meta-llama/Llama-3.3-70B-Instruct:\n    provider: huggingface_fireworks-ai\n    prices:\n      - { input: "0.9", output: "0.9" }\n',
        'b',
      ),
    ]);
    const d = diffBooks(a, b, NOW, { a: 'a', b: 'b' });
    expect(d.counts).toEqual({ added: 1, removed: 1, changed: 1, same: 1 });
    expect(d.changes.filter((c) => c.kind !== 'changed').map((c) => `${c.kind} ${c.provider}/${c.model}`)).toEqual([
      'added deepinfra/mistralai/Mixtral-8x7B-Instruct-v0.1',
      'removed mistral/mixtral-8x7b',
    ]);
    expect(
      d.changes.filter((c) => c.kind === 'changed').map((c) => `${c.model} ${c.as} [${c.via}] ${c.field} ${c.before}→${c.after}`),
    ).toEqual([
      'gpt-4o-mini azure/gpt-4o-mini [list-price] input 0.15→0.165',
      'gpt-4o-mini azure/gpt-4o-mini [list-price] output 0.6→0.66',
    ]);
  });

  it('Azure bills DeepSeek and Grok at its own prices: no list-price fallback; Claude and OpenAI at list', () => {
    expect(io('deepseek-reasoner', 'azure')).toBe('unpriced');
    expect(io('grok-3-mini', 'azure.ai.inference')).toBe('unpriced');
    expect(io('gpt-4o-mini', 'azure')).toBe('openai 0.15/0.6');
  });

  it('drift: beyond the tolerance either way, one-sided types apart', async () => {
    const ours = new PriceBook([
      await load(
        'version: "c"\ncurrency: USD\nmodels:\n  gpt-4o:\n    provider: openai\n    prices:\n      - { input: "2.52", output: "11", cached_input: "1.25" }\n',
        'c',
      ),
    ]);
    const other = new PriceBook([
      await load(
        JSON.stringify(importLitellm(JSON.parse(readFileSync('fixtures/pricing/litellm.json', 'utf8')), 'l', '2026-11-24').data),
        'l',
      ),
    ]);
    const r = driftCheck(ours.list(), other, NOW, 1, 'l');
    expect(r.drift.map((c) => `${c.field} ${c.changePct}`)).toEqual(['output -9.0909']);
    expect(r.oneSided.map((c) => c.field)).toEqual(['batch.input', 'batch.output', 'priority.input', 'priority.output']);
    expect(compareModels(ours.list()[0]!, ours.list()[0]!, NOW)).toEqual([]);
  });
});
