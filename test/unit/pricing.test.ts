import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PriceBook, rateAt } from '../../src/pricing/book.js';
import { budgetsJsonSchema, configJsonSchema, pricingJsonSchema } from '../../src/config/json-schema.js';
import { parsePricing } from '../../src/pricing/load.js';

const load = (text: string, path = 'p.yaml') => parsePricing(text, path, 'sha');
const problem = async (text: string): Promise<string> => {
  try {
    await load(text);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the file to be rejected');
};

const BASE = `version: "v1"
currency: USD
models:
  acme-large:
    provider: acme
    aliases: [acme-large-2026-01-01]
    patterns: ["acme-large-\\\\d{4}"]
    prices:
      - { from: 2026-01-01, input: "2.00", output: "8" }
      - { from: 2026-06-01, input: 1.5, output: "6.00", cached_input: "0.375" }
`;

describe('pricing files', () => {
  it('reads YAML numbers and strings as exact decimals and dates as UTC midnight', async () => {
    const book = new PriceBook([await load(BASE)]);
    const m = book.model('acme-large');
    expect(m?.rates.map((r) => r.text)).toEqual([
      { input: '2.00', output: '8' },
      { input: '1.5', output: '6.00', cached_input: '0.375' },
    ]);
    expect(rateAt(m!, Date.parse('2026-05-31T23:59:59Z'))?.text.input).toBe('2.00');
    expect(rateAt(m!, Date.parse('2026-06-01T00:00:00Z'))?.text.input).toBe('1.5');
    expect(rateAt(m!, Date.parse('2025-12-31T00:00:00Z'))).toBeUndefined();
  });

  it('resolves exact ids and aliases first, then whole-name patterns, never fuzzy', async () => {
    const book = new PriceBook([await load(BASE)]);
    expect(book.model('ACME-LARGE-2026-01-01')?.id).toBe('acme-large');
    expect(book.model('acme-large-2027')?.id).toBe('acme-large');
    expect(book.model('acme-large-2027-preview')).toBeUndefined();
    expect(book.model('acme')).toBeUndefined();
  });

  it('lets a later file override a model, keeping the names it does not restate', async () => {
    const discount = await load(
      'version: "acme-contract"\ncurrency: USD\nmodels:\n  acme-large:\n    provider: acme\n    prices:\n      - { from: 2026-01-01, input: "1.00" }\n',
      'contract.yaml',
    );
    const book = new PriceBook([await load(BASE), discount]);
    const m = book.model('acme-large-2026-01-01');
    expect(m?.file).toBe('contract.yaml');
    expect(m?.rates).toHaveLength(1);
    expect(m?.rates[0]?.text.input).toBe('1.00');
  });

  it.each([
    ['version: 1\ncurrency: USD\nmodels: {}\n', 'p.yaml: version: expected string, got number 1'],
    ['version: "1"\ncurrency: usd\nmodels: {}\n', 'p.yaml: currency: expected an ISO 4217 code such as USD'],
    ['version: "1"\ncurrency: USD\nmodels: {}\ncolour: red\n', 'p.yaml: (top level): unknown key "colour"'],
    [BASE.replace('input: "2.00"', 'input: "-2"'), 'p.yaml: models.acme-large.prices[0].input: expected a price per 1M tokens like "2.50"'],
    [BASE.replace('from: 2026-06-01', 'from: 2025-06-01'), 'p.yaml: models.acme-large.prices[1].from: expected dates in ascending order'],
    [BASE.replace('acme-large-\\\\d{4}', 'acme-(large'), 'p.yaml: models.acme-large.patterns[0]: not a valid regular expression'],
    [
      'version: "1"\ncurrency: USD\nmodels:\n  x: [\n',
      'p.yaml:5:1: not valid YAML or JSON: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
  ])('rejects a bad file with file, path and expectation (%#)', async (text, expected) => {
    expect(await problem(text)).toContain(expected);
  });

  it('the curated list is valid, has dated changes, and says why each entry exists', async () => {
    const curated = await load(readFileSync('pricing/default.yaml', 'utf8'));
    const book = new PriceBook([curated]);
    expect(book.model('o3')?.rates.length).toBeGreaterThan(1);
    for (const [id, m] of Object.entries(curated.data.models)) expect(m.note, id).toMatch(/.{20}/);
  });

  it('the committed JSON Schemas are the ones generated from the zod schemas (npm run gen:schema)', async () => {
    expect(JSON.parse(readFileSync('pricing/schema.json', 'utf8'))).toEqual(pricingJsonSchema());
    expect(JSON.parse(readFileSync('docs/config.schema.json', 'utf8'))).toEqual(configJsonSchema());
    expect(JSON.parse(readFileSync('docs/budgets.schema.json', 'utf8'))).toEqual(budgetsJsonSchema());
  });
});
