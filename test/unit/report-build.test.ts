import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayCosts } from '../../src/cost/display.js';
import { buildCostReport, type CostReport, type ReportRow } from '../../src/cost/report.js';
import type { Usage } from '../../src/ledger/store.js';
import { bundledPrices } from '../helpers/report.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 9, 1);

/** A one-day report's usage: cells of a model no price list has, in groups of one team each. */
function unknownModelUsage(tokens: { input: number; output: number }[]): Usage {
  const groups = tokens.map((_, i) => [`team-${i}`]);
  return {
    by: ['team'],
    edges: [START, START + DAY],
    cells: tokens.map((t, i) => ({
      group: groups[i] as string[],
      model: 'in-house-llm',
      slice: 0,
      tokens: { input: t.input, cached_input: 0, cache_write: 0, output: t.output },
    })),
    coverage: { series: 2, samples: 0, resets: 0, births: 0, gaps: 0, skippedSamples: 0, invalidSamples: 0, fractionalIncrements: 0 },
    dialects: {},
    findings: [],
    groups,
    freshness: { overall: START + DAY, byGroup: new Map(), intervalMs: 15_000 },
  } as Usage;
}

const options = {
  window: { start: START, end: START + DAY, label: '1 day' },
  timezone: 'UTC',
  lifetime: false,
  step: undefined,
  bucketEdges: [START, START + DAY],
  sources: [],
  top: undefined,
  now: START + DAY,
  anchoredToData: false,
};

describe('building a report', () => {
  it('sums unpriced tokens type by type, row by row (fractional counters add up as they always did)', async () => {
    // Rows sort by tokens: team-0 (0.4), then team-1 (0.1 + 0.2). Type by type that is
    // ((0.4 + 0.1) + 0.2) = 0.7; adding team-1's row first (0.1 + 0.2) would give 0.7000000000000001.
    const report = buildCostReport(
      unknownModelUsage([
        { input: 0.4, output: 0 },
        { input: 0.1, output: 0.2 },
      ]),
      await bundledPrices(),
      options,
    );
    expect(report.rows.map((r) => r.group.team)).toEqual(['team-0', 'team-1']);
    expect(report.totals.unpricedTokens).toBe(0.7);
  });

  it("gives JSON's numbers as the printed decimals read back, for any costs", () => {
    const femto = fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 16n }), fc.bigInt({ min: 0n, max: 10n ** 26n }));
    const cost = fc.record({ input: femto, cached_input: femto, cache_write: femto, output: femto });
    fc.assert(
      fc.property(
        fc.array(fc.option(cost, { nil: null }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 15 }),
        (costs, decimals) => {
          const rows = costs.map((c): ReportRow => ({
            group: { team: 't' },
            bucket: undefined,
            priced: c !== null,
            tokens: { input: 1, cached_input: 0, cache_write: 0, output: 0 },
            cost: c,
            totalCost: c === null ? null : c.input + c.cached_input + c.cache_write + c.output,
          }));
          const totalCost = rows.reduce((s, r) => s + (r.totalCost ?? 0n), 0n);
          const d = displayCosts({ rows, totals: { totalCost } } as unknown as CostReport, decimals);
          rows.forEach((_, i) => {
            const text = d.row(i);
            const numbers = d.amounts(i);
            if (text === null) return expect(numbers).toBeNull();
            expect(numbers).toEqual({
              byType: {
                input: Number(text.byType.input),
                cached_input: Number(text.byType.cached_input),
                cache_write: Number(text.byType.cache_write),
                output: Number(text.byType.output),
              },
              total: Number(text.total),
            });
          });
          expect(d.row(rows.length)).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });
});
