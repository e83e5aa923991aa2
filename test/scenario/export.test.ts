import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSpec, simulate, streamKey } from '../generators/history.js';
import { focusProblems, sumDecimals } from '../helpers/focus.js';
import { runMain } from '../helpers/inprocess.js';

// Days are taken from the demo's own spec, so the tests follow the demo when it is regenerated.
const DEMO = 'fixtures/demo/history.om.gz';
const COMPANY = 'fixtures/pricing/company.yaml';
const spec = demoSpec();
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const END = spec.end; // midnight after the last scrape
const A = { start: END - 2 * DAY, end: END - DAY };
const B = { start: END - DAY, end: END };
const CLOCK = () => END + 3 * DAY; // the clock is never "now" for these files: --at is

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokenspend-export-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string) => join(dir, name);
const exportAt = (at: number, output: string, ...more: string[]) =>
  runMain(['export', '--file', DEMO, '--at', iso(at), '--output', output, ...more], { clock: CLOCK });
const records = (text: string): Record<string, string>[] => parse(text, { columns: true }) as Record<string, string>[];
const linesOf = (text: string, day: { start: number }) => text.split('\n').filter((l) => l.includes(`,${iso(day.start)},`));

describe('export: a ledger of complete days from the demo history', () => {
  it('writes only the last complete day; again, no byte changes; the next day leaves it untouched', async () => {
    const out = file('ledger.csv');
    const first = await exportAt(A.end + 5 * 3_600_000, out, '--by', 'gateway,model,feature');
    expect(first.code).toBe(0);
    const one = readFileSync(out, 'utf8');
    const rows = records(one);
    expect(new Set(rows.map((r) => r.period_start))).toEqual(new Set([iso(A.start)]));
    expect(rows.every((r) => r.period_end === iso(A.end) && r.period === 'day' && r.complete === 'true')).toBe(true);

    const again = await exportAt(A.end + 5 * 3_600_000, out, '--by', 'gateway,model,feature');
    expect(again.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(one);
    expect(again.stderr).toContain('unchanged');

    const next = await exportAt(B.end, out, '--by', 'gateway,model,feature');
    expect(next.code).toBe(0);
    const two = readFileSync(out, 'utf8');
    expect(linesOf(two, A)).toEqual(linesOf(one, A));
    expect(new Set(records(two).map((r) => r.period_start))).toEqual(new Set([iso(A.start), iso(B.start)]));
    // Row ids are unique, and stable: the same (period, group) kept its id.
    const ids = records(two).map((r) => r.row_id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("a day's tokens are the generator's truth, and its rows are the report over that day, to the digit", async () => {
    const out = file('truth.csv');
    expect((await exportAt(B.end, out, '--by', 'gateway,model,feature')).code).toBe(0);
    const rows = records(readFileSync(out, 'utf8'));
    const truth = simulate(spec).truth[iso(B.start).slice(0, 10)] ?? {};
    const want = Object.fromEntries(Object.entries(truth).filter(([, t]) => t.input + t.cached_input + t.cache_write + t.output > 0));
    const got = Object.fromEntries(
      rows.map((r) => [
        `${r.gateway}|${r.model}|${r.feature}`,
        {
          input: Number(r.input_tokens),
          cached_input: Number(r.cached_input_tokens),
          cache_write: Number(r.cache_write_tokens),
          output: Number(r.output_tokens),
        },
      ]),
    );
    expect(got).toEqual(want);
    expect(spec.streams.every((s) => streamKey(s) in got)).toBe(true);

    const report = await runMain([
      'report',
      '--file',
      DEMO,
      '--since',
      iso(B.start),
      '--until',
      iso(B.end),
      '--by',
      'gateway,model,feature',
      '--format',
      'csv',
    ]);
    const reportRows = records(report.stdout);
    const costs = (rs: Record<string, string>[]) =>
      rs.map((r) => [`${r.gateway}|${r.model}|${r.feature}`, r.total_cost, r.input_cost, r.output_cost]).sort();
    expect(costs(rows)).toEqual(costs(reportRows));
    const json = JSON.parse(
      (await runMain(['report', '--file', DEMO, '--since', iso(B.start), '--until', iso(B.end), '--format', 'json'])).stdout,
    );
    expect(Number(sumDecimals(rows.filter((r) => r.priced === 'true').map((r) => r.total_cost as string)))).toBe(json.totals.totalCost);
  });

  it('unpriced usage: its own rows, empty costs, priced=false, never 0; --strict writes nothing and exits 4', async () => {
    const out = file('unpriced.csv');
    expect((await exportAt(B.end, out, '--by', 'model')).code).toBe(0);
    const llama = records(readFileSync(out, 'utf8')).filter((r) => r.model === 'llama-3.1-70b-instruct');
    expect(llama).toHaveLength(1);
    expect(llama[0]).toMatchObject({
      priced: 'false',
      total_cost: '',
      input_cost: '',
      unpriced_model: 'llama-3.1-70b-instruct',
      unpriced_reason: 'unknown-model',
    });
    expect(Number(llama[0]?.input_tokens)).toBeGreaterThan(0);
    const strict = await exportAt(B.end, file('strict.csv'), '--by', 'model', '--strict');
    expect(strict.code).toBe(4);
    expect(strict.stderr).toContain('llama-3.1-70b-instruct');
    expect(existsSync(file('strict.csv'))).toBe(false);
  });

  it('a week: the complete ISO week before --at, equal to the report over it', async () => {
    const out = file('weeks.csv');
    expect((await exportAt(B.end, out, '--period', 'week')).code).toBe(0);
    const rows = records(readFileSync(out, 'utf8'));
    const start = rows[0]?.period_start as string;
    const end = rows[0]?.period_end as string;
    expect(new Date(start).getUTCDay()).toBe(1); // a Monday
    expect(Date.parse(end) - Date.parse(start)).toBe(7 * DAY);
    expect(Date.parse(end)).toBeLessThanOrEqual(B.end);
    expect(Date.parse(end)).toBeGreaterThan(B.end - 7 * DAY);
    const json = JSON.parse((await runMain(['report', '--file', DEMO, '--since', start, '--until', end, '--format', 'json'])).stdout);
    expect(Number(sumDecimals(rows.filter((r) => r.priced === 'true').map((r) => r.total_cost as string)))).toBe(json.totals.totalCost);
  });

  it('jsonl rows carry the same ids and money as the CSV ledger', async () => {
    await exportAt(B.end, file('same.csv'), '--by', 'gateway,model');
    const jsonl = await exportAt(B.end, file('same.jsonl'), '--by', 'gateway,model', '--format', 'jsonl');
    expect(jsonl.code).toBe(0);
    const objects = readFileSync(file('same.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const csv = records(readFileSync(file('same.csv'), 'utf8'));
    expect(objects.map((o) => [o.rowId, o.totalCost ?? '', o.periodStart, o.group.gateway])).toEqual(
      csv.map((r) => [r.row_id, r.total_cost, r.period_start, r.gateway]),
    );
  });

  it('--output - streams the rows without a ledger or a lock', async () => {
    const res = await runMain(['export', '--file', DEMO, '--at', iso(B.end), '--by', 'model', '--output', '-'], { clock: CLOCK });
    expect(res.code).toBe(0);
    const rows = records(res.stdout);
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.every((r) => r.period_start === iso(B.start))).toBe(true);
  });

  it('--include-current marks the partial day; exporting it complete later replaces those rows under the same ids', async () => {
    const out = file('current.csv');
    const partial = await exportAt(B.start + 12 * 3_600_000, out, '--by', 'model', '--include-current');
    expect(partial.code).toBe(0);
    const before = records(readFileSync(out, 'utf8'));
    const current = before.filter((r) => r.period_start === iso(B.start));
    expect(current.length).toBeGreaterThan(0);
    expect(current.every((r) => r.complete === 'false')).toBe(true);
    expect(before.filter((r) => r.period_start === iso(A.start)).every((r) => r.complete === 'true')).toBe(true);
    expect((await exportAt(B.end, out, '--by', 'model')).code).toBe(0);
    const after = records(readFileSync(out, 'utf8')).filter((r) => r.period_start === iso(B.start));
    expect(after.every((r) => r.complete === 'true')).toBe(true);
    expect(new Set(after.map((r) => r.row_id))).toEqual(new Set(current.map((r) => r.row_id)));
    expect(Number(sumDecimals(after.map((r) => r.total_cost || '0')))).toBeGreaterThan(
      Number(sumDecimals(current.map((r) => r.total_cost || '0'))),
    );
  });
});

describe('export: long-context surcharges in the CSV and JSONL ledgers', () => {
  // fixtures/chargeback/long-context.om, worked out in the FOCUS test below: at the base rate
  // input 1,530,000 × 2.50 = 3.825, cached 500,000 × 0.25 = 0.125, output 53,000 × 15 = 0.795; the
  // request that surely crossed adds 548,577 × 2.50 = 1.3714425 on input and 500,000 × 0.25 = 0.125 on
  // cached input. The ledger row holds the report's cost, surcharge included, per type.
  const args = (output: string, ...more: string[]) => [
    'export',
    '--file',
    'fixtures/chargeback/long-context.om',
    '--at',
    '2026-11-21T00:00:00Z',
    '--max-staleness',
    '24h',
    '--by',
    'feature,model',
    '--decimals',
    '7',
    '--output',
    output,
    ...more,
  ];

  it('the row carries the surcharge in its input and cached costs, and the same money in JSONL', async () => {
    const csv = await runMain(args(file('lc.csv')), { clock: CLOCK });
    expect(csv.code).toBe(0);
    const rows = records(readFileSync(file('lc.csv'), 'utf8'));
    expect(rows.map((r) => [r.feature, r.model, r.input_tokens, r.cached_input_tokens, r.output_tokens])).toEqual([
      ['research', 'gpt-5.4', '1530000', '500000', '53000'],
    ]);
    expect(rows.map((r) => [r.input_cost, r.cached_input_cost, r.cache_write_cost, r.output_cost, r.total_cost, r.priced])).toEqual([
      ['5.1964425', '0.2500000', '0.0000000', '0.7950000', '6.2414425', 'true'],
    ]);
    const jsonl = await runMain(args(file('lc.jsonl'), '--format', 'jsonl'), { clock: CLOCK });
    expect(jsonl.code).toBe(0);
    const objects = readFileSync(file('lc.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(objects.map((o) => [o.rowId, o.totalCost])).toEqual([[rows[0]?.row_id, '6.2414425']]);
  });
});

describe('export fails closed', () => {
  it('a day after the data ends is stale: exit 4 naming it, nothing written', async () => {
    const out = file('stale.csv');
    const res = await exportAt(END + 2 * DAY, out);
    expect(res.code).toBe(4);
    expect(res.stderr).toContain(`day ${iso(END + DAY).slice(0, 10)}`);
    expect(res.stderr).toMatch(/newest token sample is from/);
    expect(existsSync(out)).toBe(false);
  });

  it('a day before the data starts is missing: exit 4; the good day after it is held back, so the ledger has no hole', async () => {
    const res = await exportAt(spec.start + DAY, file('early.csv'), '--periods', '2');
    expect(res.code).toBe(4);
    expect(res.stderr).toContain(`day ${iso(spec.start - DAY).slice(0, 10)}`);
    expect(res.stderr).toContain('the data starts at');
    expect(res.stderr).toMatch(new RegExp(`day ${iso(spec.start).slice(0, 10)} .* held back`));
    expect(existsSync(file('early.csv'))).toBe(false);
  });

  it('catch-up writes the fresh days after the ledger newest, and stops at the first stale one', async () => {
    const out = file('catchup.csv');
    expect((await exportAt(A.end, out, '--by', 'model')).code).toBe(0);
    const res = await exportAt(END + 2 * DAY, out, '--by', 'model', '--catch-up');
    expect(res.code).toBe(4);
    const starts = new Set(records(readFileSync(out, 'utf8')).map((r) => r.period_start));
    expect(starts).toEqual(new Set([iso(A.start), iso(B.start)]));
    expect(res.stderr).toContain(`day ${iso(END).slice(0, 10)}`);
    expect(res.stderr).toContain(`day ${iso(END + DAY).slice(0, 10)}`);
    expect(res.stderr).not.toContain('current and partial');
  });

  it('a ledger of other columns, a symbolic link, a snapshot without timestamps, FOCUS without an account: exit 2', async () => {
    const out = file('shape.csv');
    expect((await exportAt(B.end, out, '--by', 'gateway,model')).code).toBe(0);
    const other = await exportAt(B.end, out, '--by', 'model');
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('its columns are not the ones this export writes');
    symlinkSync(out, file('link.csv'));
    expect((await exportAt(B.end, file('link.csv'), '--by', 'gateway,model', '--periods', '2')).code).toBe(2);
    const snapshot = await runMain(['export', '--file', 'fixtures/dialects/litellm.prom', '--output', file('snap.csv')], { clock: CLOCK });
    expect(snapshot.code).toBe(2);
    expect(snapshot.stderr).toContain('timestamped data');
    const focus = await exportAt(B.end, file('nofocus.csv'), '--format', 'focus');
    expect(focus.code).toBe(2);
    expect(focus.stderr).toContain('billing account id');
  });

  it('keeps the ledger file permissions', async () => {
    const out = file('perm.csv');
    expect((await exportAt(A.end, out)).code).toBe(0);
    chmodSync(out, 0o640);
    expect((await exportAt(B.end, out)).code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o640);
  });
});

describe('export --format focus (FinOps FOCUS 1.2)', () => {
  const focusRun = async (out: string, ...more: string[]) => {
    const res = await exportAt(
      B.end,
      out,
      '--format',
      'focus',
      '--billing-account-id',
      'acme-llm',
      '--billing-account-name',
      'Acme LLM platform',
      ...more,
    );
    expect(res.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    return { header: text.slice(0, text.indexOf('\n')).split(','), rows: records(text) };
  };
  // Rows tokenspend could not price keep null costs, prices and price id (FOCUS wants numbers; we never write a 0 for them).
  const unpricedExempt = (r: Record<string, string>) =>
    r.x_Priced === 'false'
      ? ['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost', 'ListUnitPrice', 'ContractedUnitPrice', 'SkuPriceId']
      : [];

  it('every mandatory column, every rule of the spec, EffectiveCost adding up to the report', async () => {
    const { header, rows } = await focusRun(file('focus.csv'), '--by', 'feature', '--pricing', COMPANY);
    expect(focusProblems(header, rows, unpricedExempt)).toEqual([]);
    expect(rows.every((r) => r.ChargePeriodStart === iso(B.start) && r.ChargePeriodEnd === iso(B.end))).toBe(true);
    expect(rows.every((r) => r.BillingAccountId === 'acme-llm' && r.BillingAccountName === 'Acme LLM platform')).toBe(true);
    const unpriced = rows.filter((r) => r.x_Priced === 'false');
    expect(unpriced.length).toBeGreaterThan(0);
    expect(unpriced.every((r) => r.x_Model === 'llama-3.1-70b-instruct' && r.EffectiveCost === '' && Number(r.ConsumedQuantity) > 0)).toBe(
      true,
    );
    // The report over the day, at 15 decimals (femto-units: nothing rounded), adds up to the same money.
    const report = await runMain([
      'report',
      '--file',
      DEMO,
      '--since',
      iso(B.start),
      '--until',
      iso(B.end),
      '--pricing',
      COMPANY,
      '--format',
      'csv',
      '--decimals',
      '15',
    ]);
    const reportTotal = sumDecimals(
      records(report.stdout)
        .filter((r) => r.priced === 'true')
        .map((r) => r.total_cost as string),
    );
    expect(sumDecimals(rows.filter((r) => r.EffectiveCost !== '').map((r) => r.EffectiveCost as string))).toBe(reportTotal);
    // Tags are the --by labels; the gateway is the resource.
    expect(new Set(rows.map((r) => r.ResourceId))).toEqual(new Set(['gw-us', 'gw-eu', 'gw-batch']));
    expect(rows.every((r) => Object.keys(JSON.parse(r.Tags as string)).join() === 'feature')).toBe(true);
  });

  it("list prices come from the bundled lists, contracted ones from the user's file over them", async () => {
    const { rows } = await focusRun(file('contract.csv'), '--pricing', COMPANY);
    // fixtures/pricing/company.yaml: gpt-4o at 2.25/1.125/9.00 per 1M from 2026-01-01; OpenAI's list price is 2.50/1.25/10.00.
    const gpt4o = rows.filter((r) => r.x_Model === 'gpt-4o-2024-08-06');
    const unit = Object.fromEntries(gpt4o.map((r) => [r.x_TokenType, [r.ListUnitPrice, r.ContractedUnitPrice]]));
    expect(unit).toEqual({ input: ['2.5', '2.25'], cached_input: ['1.25', '1.125'], output: ['10', '9'] });
    const units = (v: string) => BigInt(sumDecimals([v]).replace('.', ''));
    for (const r of gpt4o) {
      expect(r.x_ListPriceSource).toBe('list');
      expect(units(r.ContractedCost as string) * 10n).toBe(units(r.ListCost as string) * 9n); // 10% off, exactly
    }
    const others = rows.filter((r) => r.x_Priced === 'true' && r.x_Model !== 'gpt-4o-2024-08-06');
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((r) => r.ListCost === r.ContractedCost && r.ListUnitPrice === r.ContractedUnitPrice)).toBe(true);
    const sku = gpt4o.find((r) => r.x_TokenType === 'input');
    expect(sku).toMatchObject({
      SkuId: 'openai/gpt-4o/input',
      SkuPriceId: 'openai/gpt-4o/input/standard@2026-01-01',
      ProviderName: 'openai',
      PublisherName: 'openai',
      PricingUnit: '1000000 Tokens',
      ConsumedUnit: 'Tokens',
    });
    expect(sku?.PricingQuantity).toBe((Number(sku?.ConsumedQuantity) / 1e6).toString());
  });

  it('with every model priced, every row conforms, without exceptions', async () => {
    const prices = file('llama.yaml');
    writeFileSync(
      prices,
      'version: self-hosted-1\ncurrency: USD\nmodels:\n  llama-3.1-70b-instruct:\n    provider: self-hosted\n    prices:\n      - { input: "0.40", output: "0.40" }\n',
    );
    const { header, rows } = await focusRun(file('all.csv'), '--pricing', prices);
    expect(focusProblems(header, rows)).toEqual([]);
    const llama = rows.filter((r) => r.x_Model === 'llama-3.1-70b-instruct');
    expect(llama.every((r) => r.x_ListPriceSource === 'contracted' && r.ListUnitPrice === '0.4' && r.ProviderName === 'self-hosted')).toBe(
      true,
    );
  });

  it('long-context surcharges the report bounds from request-size histograms become Adjustment rows, so EffectiveCost still adds up', async () => {
    // fixtures/chargeback/long-context.om: gpt-5.4, $2.50 / $0.25 / $15 per 1M, a whole request above
    // 271,999 input tokens at $5 / $0.50 / $22.50. Usage at the base rate: 1,530,000 uncached input × 2.50
    // + 500,000 cached × 0.25 + 53,000 output × 15 = 3.825 + 0.125 + 0.795. The request above 1,048,576
    // surely crossed: its least input on the cheapest surcharge, 500,000 cached × 0.25 + 548,577 × 2.50
    // (test/integration/long-context.test.ts works it out) = 0.125 + 1.3714425.
    const out = file('surcharge.csv');
    const res = await runMain(
      [
        'export',
        '--file',
        'fixtures/chargeback/long-context.om',
        '--at',
        '2026-11-21T00:00:00Z',
        '--max-staleness',
        '24h',
        '--format',
        'focus',
        '--billing-account-id',
        'acme',
        '--by',
        'feature',
        '--output',
        out,
      ],
      { clock: CLOCK },
    );
    expect(res.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    const rows = records(text);
    const summary = rows.map((r) => [r.ChargeCategory, r.x_TokenType, r.EffectiveCost, r.PricingQuantity, r.ContractedUnitPrice]);
    expect(summary).toEqual([
      ['Usage', 'input', '3.825', '1.53', '2.5'],
      ['Usage', 'cached_input', '0.125', '0.5', '0.25'],
      ['Usage', 'output', '0.795', '0.053', '15'],
      ['Adjustment', 'input', '1.3714425', '', ''],
      ['Adjustment', 'cached_input', '0.125', '', ''],
    ]);
    expect(focusProblems(text.slice(0, text.indexOf('\n')).split(','), rows)).toEqual([]);
    expect(rows.every((r) => r.ResourceId === 'gw-lc' && r.Tags === '{"feature":"research"}')).toBe(true);
    expect(sumDecimals(rows.map((r) => r.EffectiveCost as string))).toBe(sumDecimals(['6.2414425']));
  });
});
