import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Classifier } from '../../src/dialects/classifier.js';
import { accountSeries, newestValid, typicalInterval } from '../../src/ledger/accounting.js';
import { UsageStore } from '../../src/ledger/store.js';
import { OUT_OF_ORDER_WINDOW_MS, StreamedSeries } from '../../src/ledger/stream.js';

const MIN = 60_000;
const W = OUT_OF_ORDER_WINDOW_MS;

/** Counter readings: mostly growing, sometimes a reset, NaN (staleness) or a value no counter holds. */
const reading = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 500 }).map((d) => ({ kind: 'up' as const, d })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 50 }).map((d) => ({ kind: 'reset' as const, d })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'nan' as const, d: 0 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1, Number.POSITIVE_INFINITY, 2 ** 60).map((d) => ({ kind: 'bad' as const, d })) },
);

/**
 * A history of one series in time order: regular steps with gaps; each sample's arrival is
 * displaced by less than the out-of-order window, and some are read twice in a row.
 */
const history = fc
  .array(
    fc.record({
      step: fc.oneof(
        { weight: 8, arbitrary: fc.constant(MIN) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 20 }).map((k) => k * MIN) },
      ),
      reading,
      jitter: fc.integer({ min: 0, max: W - 1 }),
      twice: fc.boolean(),
    }),
    { minLength: 0, maxLength: 60 },
  )
  .map((points) => {
    let t = 1_000 * MIN;
    let v = 0;
    const samples = points.map((p) => {
      t += p.step;
      if (p.reading.kind === 'up') v += p.reading.d;
      if (p.reading.kind === 'reset') v = p.reading.d;
      const value = p.reading.kind === 'nan' ? Number.NaN : p.reading.kind === 'bad' ? p.reading.d : v;
      return { t, value, jitter: p.jitter, twice: p.twice };
    });
    // Arrival order: by time plus a jitter below the window (a sample comes at most W late).
    const arrivals = samples
      .map((s, i) => ({ ...s, at: s.t + s.jitter, i }))
      .sort((a, b) => a.at - b.at || a.i - b.i)
      .flatMap((s) => {
        const one = { t: s.t, value: s.value, at: s.at };
        return s.twice ? [{ ...one, value: s.value + 7 }, one] : [one]; // read twice: the later reading counts
      });
    return { samples: samples.map(({ t, value }) => ({ t, value })), arrivals };
  });

// A few wide slices, or many narrow ones (tokens then kept per used slice before the full array).
const widths = fc.oneof(
  fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 4 }),
  fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 9, maxLength: 80 }),
);
const edgesArb = fc.tuple(fc.integer({ min: 900, max: 1_400 }), widths).map(([start, widths]) => {
  const edges = [start * MIN];
  for (const w of widths) edges.push((edges[edges.length - 1] as number) + w * MIN);
  return edges;
});

describe('the streamed ledger equals accounting over the sorted samples', () => {
  it('per series: tokens per slice, coverage, newest sample, median interval', () => {
    fc.assert(
      fc.property(
        history,
        edgesArb,
        fc.constantFrom(Number.POSITIVE_INFINITY, 10 * MIN, 60 * MIN),
        ({ samples, arrivals }, edges, lookback) => {
          const s = new StreamedSeries(edges, lookback);
          for (const a of arrivals) expect(s.add(a.t, a.value)).toBeUndefined();
          const got = s.finish();
          // The reference: every sample (one reading per time), sorted, accounted in one go.
          const times = samples.map((x) => x.t);
          const values = samples.map((x) => x.value);
          const want = accountSeries(times, values, edges, lookback);
          expect([...got.perSlice]).toEqual([...want.perSlice]);
          expect(got.coverage).toEqual(want.coverage);
          expect(got.newest).toEqual(newestValid(times, values));
          expect(got.typical).toBe(typicalInterval(times));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('refuses a sample older than the window behind an accounted one, and says which', () => {
    const s = new StreamedSeries([0, 100 * MIN], Number.POSITIVE_INFINITY);
    expect(s.add(10 * MIN, 5)).toBeUndefined();
    expect(s.add(20 * MIN, 9)).toBeUndefined();
    expect(s.add(16 * MIN, 7)).toBeUndefined(); // 4 minutes back: inside the window
    expect(s.add(30 * MIN, 12)).toBeUndefined(); // the sample at 20 is now accounted
    expect(s.add(19 * MIN, 8)).toEqual({ time: 19 * MIN, after: 20 * MIN });
  });
});

/** Gateway series, some with an HA copy (prometheus_replica), written into a store. */
const fleet = fc.array(
  fc.record({
    model: fc.constantFrom('gpt-4o', 'gpt-4o-mini', 'o3'),
    type: fc.constantFrom('input', 'output'),
    team: fc.constantFrom('a', 'b'),
    replicas: fc.constantFrom(0, 1, 2),
    history,
    skew: fc.integer({ min: 0, max: 3_000 }),
  }),
  { minLength: 1, maxLength: 6 },
);

type Fleet = typeof fleet extends fc.Arbitrary<infer T> ? T : never;

function storeResult(series: Fleet, streamed: boolean, edges: number[]) {
  const store = new UsageStore({ by: ['model', 'team'], matchers: [], classifier: new Classifier() });
  if (streamed) store.stream(edges, Number.POSITIVE_INFINITY);
  const events: { at: number; n: number; add: () => void }[] = [];
  series.forEach((s, k) => {
    const copies = s.replicas === 0 ? [undefined] : Array.from({ length: s.replicas }, (_, r) => `r${r}`);
    for (const [r, replica] of copies.entries()) {
      const labels: Record<string, string> = { gen_ai_token_type: s.type, gen_ai_request_model: s.model, team: s.team, gateway: `gw-${k}` };
      if (replica) labels.prometheus_replica = replica;
      const name = 'agentgateway_gen_ai_client_token_usage_sum';
      for (const a of s.history.arrivals) {
        const t = a.t + r * s.skew; // a second replica scrapes a moment later
        events.push({
          at: a.at + r * s.skew,
          n: events.length,
          add: () => store.addTimed({ name, labels, value: a.value, timestampMs: t }, t, undefined),
        });
      }
    }
  });
  // Series interleaved as a concatenation of scrapes would be; each series keeps its own arrival order.
  for (const e of events.sort((a, b) => a.at - b.at || a.n - b.n)) e.add();
  const usage = store.account(edges, Number.POSITIVE_INFINITY);
  const cells = usage.cells.map((c) => JSON.stringify(c)).sort();
  return { cells, coverage: usage.coverage, findings: usage.findings, freshness: usage.freshness };
}

describe('the usage store, streaming or keeping every sample', () => {
  it('gives the same cells, coverage, findings and freshness, HA copies included', () => {
    fc.assert(
      fc.property(fleet, edgesArb, (series, edges) => {
        expect(storeResult(series, true, edges)).toEqual(storeResult(series, false, edges));
      }),
      { numRuns: 150 },
    );
  });
});
