import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seriesAt, seriesFromBytes, toColumns, zeros } from '../../src/sources/prometheus/series.js';
import { ResultStream } from '../../src/sources/prometheus/stream.js';

/** What a series reads as, whichever way it was read: labels, times and values as plain arrays. */
function plain(s: { metric: Record<string, string>; times: Float64Array; values: Float64Array } | undefined) {
  return s && { metric: s.metric, times: [...s.times], values: [...s.values] };
}

describe('series read from their bytes', () => {
  it('reads the way Prometheus and VictoriaMetrics write a series', () => {
    const text =
      '{"metric":{"__name__":"in","model":"gpt-4o","team":"a\\"b}{"},"values":[[1788220800,"0"],[1788307200.5,"9007199254740993"],[1788393600,"1.5e3"],[1788480000,"-12"],[1788566400,"NaN"],[1788652800,"+Inf"],[1788739200,"-Inf"]]}';
    expect(plain(seriesFromBytes(Buffer.from(text)))).toEqual({
      metric: { __name__: 'in', model: 'gpt-4o', team: 'a"b}{' },
      times: [1788220800, 1788307200.5, 1788393600, 1788480000, 1788566400, 1788652800, 1788739200],
      // 9007199254740993 is not a double: it reads as JSON.parse and Number read it.
      values: [0, 9007199254740992, 1500, -12, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    });
    expect(plain(seriesFromBytes(Buffer.from('{"metric":{},"values":[]}')))).toEqual({ metric: {}, times: [], values: [] });
  });

  it('leaves anything written otherwise to JSON.parse', () => {
    for (const text of [
      '{ "metric":{},"values":[[1,"2"]]}', // a space
      '{"values":[[1,"2"]],"metric":{}}', // another key order
      '{"metric":{},"values":[[1,"2"]],"extra":1}', // another key
      '{"metric":{"a":1},"values":[[1,"2"]]}', // a label that is not a string
      '{"metric":{"a":{"b":"c"}},"values":[]}', // nested labels
      '{"metric":{},"values":[[1e9,"2"]]}', // a time with an exponent
      '{"metric":{},"values":[[01,"2"]]}', // a leading zero: not JSON
      '{"metric":{},"values":[[1,"2\\u0033"]]}', // an escape in a value
      '{"metric":{},"values":[[1," 2"]]}', // a space in a value
      '{"metric":{},"values":[[1,"２"]]}', // a value beyond ASCII
      '{"metric":{},"values":[[1,2]]}', // a value that is not a string
      '{"metric":{},"values":[[1,"2"],]}', // a trailing comma: not JSON
      '{"metric":{},"values":[[1,"2"]]', // cut short
      '{"metric":{"a-long-label-name":"and-its-value"}}', // cut short after long labels
    ]) {
      expect(seriesFromBytes(Buffer.from(text)), text).toBeUndefined();
    }
  });

  it('reads any series exactly as JSON.parse and the columns of its pairs read it', () => {
    const label = fc.string({ unit: 'binary', maxLength: 8 });
    const number = fc.oneof(
      fc.integer({ min: -(2 ** 53), max: 2 ** 53 }).map(String),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.constantFrom('NaN', '+Inf', '-Inf', '', '-', '-0', '007', '1e400', ' 5', '0x10'),
      fc.string({ maxLength: 6 }),
    );
    const time = fc.oneof(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
    const series = fc.record({
      metric: fc.dictionary(label, label, { maxKeys: 4 }),
      values: fc.array(fc.tuple(time, number), { maxLength: 40 }),
    });
    let direct = 0;
    fc.assert(
      fc.property(series, (s) => {
        const text = JSON.stringify(s);
        const fast = seriesFromBytes(Buffer.from(text));
        const slow = toColumns(JSON.parse(text));
        // Some shapes are left to JSON.parse; what is read directly is read alike.
        if (fast) {
          direct++;
          expect(plain(fast)).toEqual(plain(slow));
        }
        expect(plain(slow)?.values.length).toBe(s.values.length);
      }),
      { numRuns: 500, seed: 24 },
    );
    expect(direct).toBeGreaterThan(100);
  });

  it('gives an answer or undefined, never an exception, for any bytes and any series cut anywhere', () => {
    const valid = '{"metric":{"model":"gpt-4o","team":"a\\"b"},"values":[[1788220800,"12"],[1788307200.25,"1e3"],[1788393600,"+Inf"]]}';
    for (let cut = 0; cut < valid.length; cut++) expect(seriesFromBytes(Buffer.from(valid.slice(0, cut)))).toBeUndefined();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(valid.length), (bytes, at) => {
        const mixed = Buffer.concat([Buffer.from(valid.slice(0, at)), bytes]);
        const got = seriesFromBytes(mixed);
        if (got) expect(plain(got)).toEqual(plain(toColumns(JSON.parse(mixed.toString('utf8')))));
      }),
      { numRuns: 1000, seed: 25 },
    );
  });

  it('is used by the result scan, whatever the pieces the body comes in', () => {
    const body =
      '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"m":"a"},"values":[[1,"2"],[2,"5"]]},{"values":[[1,"3"]],"metric":{"m":"b"}}]}}';
    for (const cut of [10, 70, 80, 120]) {
      const got: unknown[] = [];
      const s = new ResultStream((e) => got.push(e), seriesFromBytes);
      s.push(Buffer.from(body.slice(0, cut)));
      s.push(Buffer.from(body.slice(cut)));
      s.end();
      // The first is read from its bytes; the second (keys the other way round) by JSON.parse.
      expect(got.map((e) => plain(toColumnsOrSelf(e)))).toEqual([
        { metric: { m: 'a' }, times: [1, 2], values: [2, 5] },
        { metric: { m: 'b' }, times: [1], values: [3] },
      ]);
      expect((got[0] as { times: unknown }).times).toBeInstanceOf(Float64Array);
      expect((got[1] as { values: unknown }).values).toEqual([[1, '3']]);
    }
  });
});

describe('series read where they begin, inside a longer piece', () => {
  const one = '{"metric":{"m":"a}"},"values":[[1788220800,"12"],[1788307200.5,"7e2"]]}';

  it('reads the series and says where its closing brace is, whatever follows', () => {
    const piece = Buffer.from(`[${one},{"metric":{`);
    const got = seriesAt(piece, 1);
    expect(got?.end).toBe(one.length);
    expect(plain(got?.series)).toEqual({ metric: { m: 'a}' }, times: [1788220800, 1788307200.5], values: [12, 700] });
    expect(seriesAt(piece, 0)).toBeUndefined(); // not where a series begins
  });

  it('gives undefined where the piece ends inside the series', () => {
    for (let cut = 1; cut < one.length; cut++) expect(seriesAt(Buffer.from(`,${one}`.slice(0, cut + 1)), 1), String(cut)).toBeUndefined();
  });

  it('gives every series columns of its own, however many are read', () => {
    // More points than one shared block holds: a column cut twice would show the later values.
    const count = 3000;
    const read = [];
    for (let j = 0; j < count; j++) {
      const pairs = Array.from({ length: 31 }, (_, p) => `[${p},"${j * 100 + p}"]`).join(',');
      read.push(seriesAt(Buffer.from(`{"metric":{"j":"${j}"},"values":[${pairs}]}`), 0)?.series);
    }
    for (let j = 0; j < count; j++) {
      const s = read[j];
      expect(s?.metric.j).toBe(String(j));
      expect([...(s?.values ?? [])]).toEqual(Array.from({ length: 31 }, (_, p) => j * 100 + p));
      expect([...(s?.times ?? [])]).toEqual(Array.from({ length: 31 }, (_, p) => p));
    }
  });

  it('cuts kept columns of zeros that no other column shares, and refuses a length that is none', () => {
    const kept = Array.from({ length: 3000 }, (_, j) => zeros(31).fill(j));
    expect(kept.every((c, j) => c.length === 31 && c.every((v) => v === j))).toBe(true);
    expect([...zeros(3)]).toEqual([0, 0, 0]);
    expect(() => zeros(-1)).toThrow(RangeError);
    expect(() => zeros(1.5)).toThrow(RangeError);
  });

  it('lets the result scan read series where they begin, and the same as JSON.parse, for any pieces', () => {
    const label = fc.string({ unit: 'binary', maxLength: 6 });
    const number = fc.oneof(fc.integer({ min: -(2 ** 53), max: 2 ** 53 }).map(String), fc.constantFrom('NaN', '+Inf', '1.5', ''));
    const time = fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.double({ min: 0, max: 2 ** 40, noNaN: true }));
    const series = fc.record({
      metric: fc.dictionary(label, label, { maxKeys: 3 }),
      values: fc.array(fc.tuple(time, number), { maxLength: 12 }),
    });
    let whole = 0;
    fc.assert(
      fc.property(fc.array(series, { maxLength: 8 }), fc.array(fc.nat(2000), { maxLength: 6 }), (list, cuts) => {
        const body = Buffer.from(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: list } }));
        const got: unknown[] = [];
        const s = new ResultStream(
          (e) => got.push(e),
          seriesFromBytes,
          (chunk, at) => {
            const r = seriesAt(chunk, at);
            if (r) whole++;
            return r;
          },
        );
        let from = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          const to = Math.max(from, Math.min(cut, body.length));
          s.push(body.subarray(from, to));
          from = to;
        }
        s.push(body.subarray(from));
        expect(s.end()).toEqual({ status: 'success', data: { resultType: 'matrix', result: [] } });
        expect(got.map((e) => plain(toColumnsOrSelf(e)))).toEqual(list.map((x) => plain(toColumns(JSON.parse(JSON.stringify(x))))));
      }),
      { numRuns: 300, seed: 31 },
    );
    expect(whole).toBeGreaterThan(200);
  });
});

function toColumnsOrSelf(e: unknown) {
  return (e as { times?: unknown }).times instanceof Float64Array ? (e as ReturnType<typeof seriesFromBytes>) : toColumns(e);
}
