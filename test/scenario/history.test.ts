import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStep } from '../../src/ledger/periods.js';
import { byDay, demoSpec, nonzero, simulate } from '../generators/history.js';
import { reportAsJson } from '../helpers/report.js';

const DEMO = 'fixtures/demo/history.om.gz';

describe('the demo history against the simulation that made it', () => {
  it('the committed fixture is what the generator makes (re-run npm run gen:demo otherwise)', () => {
    const truth = JSON.parse(readFileSync('fixtures/demo/truth.json', 'utf8'));
    expect(truth).toEqual(simulate(demoSpec()).truth);
  });

  it('gives every (day, gateway, model, feature) its exact tokens: restart, gap, births, sparse feature', async () => {
    const truth = simulate(demoSpec()).truth;
    const json = await reportAsJson({ files: [DEMO], by: ['gateway', 'model', 'feature'], step: parseStep('1d') });
    // Days where a stream used nothing have no row; the truth has zeros there.
    expect(byDay(json)).toEqual(nonzero(truth));
    expect(json.coverage.resets).toBeGreaterThan(0);
    expect(json.coverage.gaps).toBeGreaterThan(0);
    for (const r of json.rows) for (const v of Object.values(r.tokens)) expect(Number.isInteger(v)).toBe(true);
  });

  it('day buckets add up exactly to the unstepped window total', async () => {
    const window = { since: '2026-11-10T00:00:00Z', until: '2026-11-20T00:00:00Z' };
    const days = await reportAsJson({ files: [DEMO], window, step: parseStep('1d') });
    const whole = await reportAsJson({ files: [DEMO], window });
    expect(days.totals.tokens).toEqual(whole.totals.tokens);
    expect(days.totals.totalCost).toBe(whole.totals.totalCost);
    expect(days.rows.filter((r: any) => r.priced).length).toBe(10);
  });

  it('--top folds the cheaper groups into (other) without changing the total', async () => {
    const all = await reportAsJson({ files: [DEMO], by: ['feature'] });
    const top = await reportAsJson({ files: [DEMO], by: ['feature'], top: 2 });
    expect(top.totals.tokens).toEqual(all.totals.tokens);
    expect(top.totals.totalCost).toBe(all.totals.totalCost);
    expect(top.totals.unpricedTokens).toBe(all.totals.unpricedTokens);
    const priced = top.rows.filter((r: any) => r.priced).map((r: any) => r.group.feature);
    expect(priced).toHaveLength(3);
    expect(priced[2]).toBe('(other)');
  });

  it('--match keeps only matching series', async () => {
    const json = await reportAsJson({
      files: [DEMO],
      by: ['gateway'],
      matchers: [(await import('../../src/ledger/matchers.js')).parseMatcher('gateway=~gw-(us|eu)')],
    });
    expect(json.rows.map((r: any) => r.group.gateway).sort()).toEqual(['gw-eu', 'gw-us']);
  });
});

describe('a bucket that spans a price change is split at the change', () => {
  // o3 was cut from $10/$40 to $2/$8 per 1M tokens on 2025-06-10 (bundled prices).
  const file = 'fixtures/scenarios/price-change.prom';

  it('prices tokens before the change at the old rate and after it at the new one', async () => {
    const json = await reportAsJson({
      files: [file],
      window: { since: '2025-06-09T00:00:00Z', until: '2025-06-12T00:00:00Z' },
      step: parseStep('1w'),
      by: ['model'],
    });
    expect(json.rows).toHaveLength(1);
    const [row] = json.rows;
    expect(row.tokens).toEqual({ input: 1_500_000, cached_input: 0, cache_write: 0, output: 300_000 });
    // input: 1,000,000 × $10 before + 500,000 × $2 after = $11.00
    // output: 100,000 × $40 before + 200,000 × $8 after = $5.60
    expect(row.cost.input).toBe(11);
    expect(row.cost.output).toBe(5.6);
    expect(row.totalCost).toBe(16.6);
  });
});
