import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStep } from '../../src/ledger/periods.js';
import { reportAsJson } from '../helpers/report.js';
import { startPrometheusWith, startVictoriaMetricsWith } from '../helpers/servers.js';
import { useServer } from '../helpers/server-suite.js';

// gpt-5.4 through agentgateway: a whole request above 271,999 input tokens costs $5 / $0.50 /
// $22.50 instead of $2.50 / $0.25 / $15 per 1M. Samples at 00:30 (all zero), 01:30 and, after a
// restart, 02:30; buckets at the OTel edges 65,536 / 262,144 / 1,048,576 (1,024 to 16,384 for output).
const T0 = Date.UTC(2026, 10, 20);
const HOUR = 3_600_000;
const LABELS = 'gen_ai_operation_name="chat",gen_ai_request_model="gpt-5.4",gen_ai_system="openai"';

type Reading = { sum: number; buckets: [string, number][] };
/** Token type → its readings at 01:30 and (after the restart) 02:30. */
const SERIES: Record<string, [Reading, Reading]> = {
  // 10 requests: 6 up to 65,536 input tokens, 2 up to 262,144, 1 up to 1,048,576, 1 above.
  // Then 3 small requests after the restart.
  input: [
    {
      sum: 2_000_000,
      buckets: [
        ['65536', 6],
        ['262144', 8],
        ['1048576', 9],
        ['+Inf', 10],
      ],
    },
    {
      sum: 30_000,
      buckets: [
        ['65536', 3],
        ['262144', 3],
        ['1048576', 3],
        ['+Inf', 3],
      ],
    },
  ],
  input_cache_read: [
    {
      sum: 500_000,
      buckets: [
        ['65536', 10],
        ['262144', 10],
        ['1048576', 10],
        ['+Inf', 10],
      ],
    },
    {
      sum: 0,
      buckets: [
        ['65536', 0],
        ['262144', 0],
        ['1048576', 0],
        ['+Inf', 0],
      ],
    },
  ],
  output: [
    {
      sum: 50_000,
      buckets: [
        ['1024', 5],
        ['4096', 9],
        ['16384', 10],
        ['+Inf', 10],
      ],
    },
    {
      sum: 3_000,
      buckets: [
        ['1024', 0],
        ['4096', 3],
        ['16384', 3],
        ['+Inf', 3],
      ],
    },
  ],
};

/** OpenMetrics lines (seconds); without buckets when `buckets` is false. */
function lines(buckets: boolean): string[] {
  const out: string[] = [];
  const family = (name: string, values: (r: Reading) => [string, number][]) => {
    out.push(`# TYPE ${name} unknown`);
    for (const [type, readings] of Object.entries(SERIES)) {
      const zero = values(readings[0]).map(([le]) => [le, 0] as [string, number]);
      const samples = [zero, values(readings[0]), values(readings[1])];
      for (let k = 0; k < (samples[0] as [string, number][]).length; k++) {
        const [extra] = samples[0]?.[k] as [string, number];
        samples.forEach((s, i) => {
          const le = extra === '' ? '' : `,le="${extra}"`;
          out.push(
            `${name}{${LABELS},gen_ai_token_type="${type}"${le}} ${(s[k] as [string, number])[1]} ${(T0 + HOUR / 2 + i * HOUR) / 1000}`,
          );
        });
      }
    }
  };
  family('agentgateway_gen_ai_client_token_usage_sum', (r) => [['', r.sum]]);
  if (buckets) family('agentgateway_gen_ai_client_token_usage_bucket', (r) => r.buckets);
  out.push('# EOF');
  return out;
}

const WINDOW = { since: '2026-11-20T00:00:00Z', until: '2026-11-20T03:00:00Z' };

/** Hand-worked (docs/pricing.md explains the bound), per 1M tokens:
 * 01:00–02:00 base: 1.5M×2.50 + 0.5M×0.25 + 50k×15 = 4.625.
 *   Sure crossers: the request above 1,048,576 holds ≥ 1,048,577 input tokens; the cheapest
 *   surcharge first: 500k cached × 0.25 + 548,577 input × 2.50 = 1.4964425 → costLow 6.1214425.
 *   Sure stayers hold ≥ 2 × 65,537 = 131,074 input tokens, so crossers hold ≤ 1,868,926: all 1.5M
 *   uncached × 2.50 + 368,926 cached × 0.25 = 3.8422315; the 2 requests that may have crossed hold
 *   ≤ 16,384 + 4,096 output tokens × 7.50 = 0.1536 → costHigh 8.6208315.
 * 02:00–03:00 (after the restart): 3 requests all ≤ 65,536: 30k×2.50 + 3k×15 = 0.12, no bound width.
 */
const BOUNDED = [
  {
    start: '2026-11-20T01:00:00Z',
    cost: { input: 5.121443, cached_input: 0.25, cache_write: 0, output: 0.75 },
    totalCost: 6.121443,
    costLow: 6.121443,
    costHigh: 8.620832,
  },
  {
    start: '2026-11-20T02:00:00Z',
    cost: { input: 0.075, cached_input: 0, cache_write: 0, output: 0.045 },
    totalCost: 0.12,
    costLow: 0.12,
    costHigh: 0.12,
  },
];

function summary(json: any) {
  return {
    rows: json.rows.map((r: any) => ({ start: r.start, cost: r.cost, totalCost: r.totalCost, costLow: r.costLow, costHigh: r.costHigh })),
    totals: { totalCost: json.totals.totalCost, costLow: json.totals.costLow, costHigh: json.totals.costHigh },
    codes: json.warnings.map((w: any) => w.code).filter((c: string) => c.startsWith('LONG_CONTEXT')),
  };
}

const EXPECTED_BOUNDED = {
  rows: BOUNDED,
  totals: { totalCost: 6.241443, costLow: 6.241443, costHigh: 8.740832 },
  codes: ['LONG_CONTEXT_BOUNDED'],
};

describe('long-context tiers bounded by request-size histograms', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tokenspend-lc-'));
    writeFileSync(join(dir, 'buckets.om'), `${lines(true).join('\n')}\n`);
    writeFileSync(join(dir, 'sums.om'), `${lines(false).join('\n')}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('from a file: costLow and costHigh per row and in the totals, a reset counted like a counter', async () => {
    const json = await reportAsJson({ files: [join(dir, 'buckets.om')], window: WINDOW, step: parseStep('1h') });
    expect(summary(json)).toEqual(EXPECTED_BOUNDED);
    expect(json.dialects).toEqual({ agentgateway: 3 });
    expect(json.coverage.series).toBe(3);
  });

  it('without buckets: priced at the base rate, every request above the threshold as the ceiling, and the warning', async () => {
    const json = await reportAsJson({ files: [join(dir, 'sums.om')], window: WINDOW, step: parseStep('1h') });
    // 1.5M×5 + 0.5M×0.50 + 50k×22.50 = 8.875; 30k×5 + 3k×22.50 = 0.2175
    expect(summary(json)).toEqual({
      rows: [
        {
          ...BOUNDED[0],
          cost: { input: 3.75, cached_input: 0.125, cache_write: 0, output: 0.75 },
          totalCost: 4.625,
          costLow: 4.625,
          costHigh: 8.875,
        },
        { ...BOUNDED[1], costHigh: 0.2175 },
      ],
      totals: { totalCost: 4.745, costLow: 4.745, costHigh: 9.0925 },
      codes: ['LONG_CONTEXT_UNBOUNDED'],
    });
  });

  describe.each([
    ['Prometheus 2.42', () => startPrometheusWith(lines(true))],
    ['VictoriaMetrics', () => startVictoriaMetricsWith(lines(true), 3 + 3 * 4, T0)],
  ])('on %s', (_name, start) => {
    const server = useServer(start);

    it('reads the buckets of that model with the same edge readings and gives the same bound', async () => {
      const json = await reportAsJson({
        prometheus: { url: server.url, headers: {}, timeoutMs: 30_000, retries: 1 },
        window: WINDOW,
        step: parseStep('1h'),
      });
      expect(summary(json)).toEqual(EXPECTED_BOUNDED);
      expect(json.source[0].server.metrics).toEqual(['agentgateway_gen_ai_client_token_usage_sum']);
      // The token series are counted once, buckets apart.
      expect(json.dialects).toEqual({ agentgateway: 3 });
      expect(json.coverage.series).toBe(3);
    });
  });
});
