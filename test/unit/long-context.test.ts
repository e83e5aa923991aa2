import { describe, expect, it } from 'vitest';
import { contextBound } from '../../src/cost/long-context.js';
import { rawModelAndProvider } from '../../src/dialects/classifier.js';
import type { CellHistogram } from '../../src/ledger/histograms.js';
import { parsePrice } from '../../src/money.js';
import type { ContextTier, TypePrices } from '../../src/pricing/book.js';

// gpt-5.4: $2.50 / $0.25 / $15 per 1M; above 271,999 input tokens $5 / $0.50 / $22.50.
const prices = (input: string, cached: string, output: string): TypePrices => ({
  prices: { input: parsePrice(input), cached_input: parsePrice(cached), output: parsePrice(output) },
  text: { input, cached_input: cached, output },
});
const BASE = prices('2.5', '0.25', '15');
const TIER: ContextTier = { above: 271999, ...prices('5', '0.5', '22.5') };
const same = (f: bigint) => f;
const usd = (femto: bigint) => Number(femto) / 1e15;
const hist = (input: [number, number][], inclusive = true, output: [number, number][] = []): CellHistogram => ({
  input: new Map(input),
  output: new Map(output),
  inclusive,
});
const tokens = (input: number, cached_input: number, output: number) => ({ input, cached_input, cache_write: 0, output });

describe('contextBound', () => {
  it('no bucket edge at or below the threshold: no bound (the report keeps its warning)', () => {
    const h = hist([
      [1048576, 1],
      [Number.POSITIVE_INFINITY, 2],
    ]);
    expect(contextBound(tokens(1000, 0, 10), BASE, TIER, h, same)).toBeUndefined();
  });

  it('no +Inf bucket, or counts that go down: no bound', () => {
    expect(contextBound(tokens(1000, 0, 10), BASE, TIER, hist([[65536, 2]]), same)).toBeUndefined();
    const down = hist([
      [65536, 3],
      [262144, 2],
      [Number.POSITIVE_INFINITY, 3],
    ]);
    expect(contextBound(tokens(1000, 0, 10), BASE, TIER, down, same)).toBeUndefined();
  });

  it('every request at or below an edge under the threshold: exact, nothing above the base', () => {
    const h = hist([
      [65536, 4],
      [262144, 4],
      [Number.POSITIVE_INFINITY, 4],
    ]);
    const b = contextBound(tokens(200_000, 50_000, 4000), BASE, TIER, h, same);
    expect(b).toEqual({ low: { input: 0n, cached_input: 0n, cache_write: 0n, output: 0n }, high: 0n });
  });

  it('input that excludes cache: a small request may have crossed with its cache reads, so they count in the ceiling', () => {
    // One request, 100k uncached (≤ 262,144) plus 900k cached: it may be above 271,999.
    const h = hist(
      [
        [65536, 0],
        [262144, 1],
        [Number.POSITIVE_INFINITY, 1],
      ],
      false,
    );
    const b = contextBound(tokens(100_000, 900_000, 0), BASE, TIER, h, same);
    expect(b && Object.values(b.low).every((v) => v === 0n)).toBe(true);
    // 100k × 2.50 + 900k × 0.25 (per 1M) = 0.25 + 0.225
    expect(b && usd(b.high)).toBeCloseTo(0.475, 12);
  });

  it('sure crossers put their least input on the cheapest surcharge; the output ceiling comes from the output buckets', () => {
    const h = hist(
      [
        [65536, 6],
        [262144, 8],
        [1048576, 9],
        [Number.POSITIVE_INFINITY, 10],
      ],
      true,
      [
        [1024, 5],
        [4096, 9],
        [16384, 10],
        [Number.POSITIVE_INFINITY, 10],
      ],
    );
    const b = contextBound(tokens(1_500_000, 500_000, 50_000), BASE, TIER, h, same);
    // low: 500k cached × 0.25 + 548,577 uncached × 2.50; high: 1.5M × 2.50 + 368,926 × 0.25 + 20,480 output × 7.50
    expect(b && usd(b.low.cached_input)).toBeCloseTo(0.125, 12);
    expect(b && usd(b.low.input)).toBeCloseTo(1.3714425, 12);
    expect(b && usd(b.high)).toBeCloseTo(3.9958315, 12);
  });
});

describe('rawModelAndProvider (skipping bucket lines of models without a tier before parsing them)', () => {
  const MODEL = ['gen_ai_response_model', 'gen_ai_request_model'];
  const PROVIDER = ['gen_ai_provider_name', 'gen_ai_system'];
  it('reads the first real value of each list, whatever the label order', () => {
    const line = 'x_bucket{le="1",gen_ai_request_model="gpt-5.4",gen_ai_system="openai",gen_ai_response_model="unknown"} 3 1000';
    expect(rawModelAndProvider(line, MODEL, PROVIDER)).toEqual({ model: 'gpt-5.4', provider: 'openai' });
    const both = 'x_bucket{gen_ai_request_model="gpt-5.4",gen_ai_response_model="gpt-5.4-2026-03-05",le="+Inf"} 3';
    expect(rawModelAndProvider(both, MODEL, PROVIDER)).toEqual({ model: 'gpt-5.4-2026-03-05', provider: undefined });
  });
  it('gives up (null) on what only the parser reads right: escapes, quoted label names', () => {
    expect(rawModelAndProvider('x_bucket{gen_ai_request_model="a\\"b",le="1"} 1', MODEL, PROVIDER)).toBeNull();
    expect(rawModelAndProvider('x_bucket{"gen_ai.request.model"="gpt-5.4",le="1"} 1', MODEL, PROVIDER)).toBeNull();
    // A label name that only ends like one of ours is not it.
    expect(rawModelAndProvider('x_bucket{my_gen_ai_request_model="gpt-5.4"} 1', MODEL, PROVIDER)).toEqual({
      model: undefined,
      provider: undefined,
    });
  });
});
