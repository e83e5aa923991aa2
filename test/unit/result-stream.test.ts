import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResultStream } from '../../src/sources/prometheus/stream.js';

/** Feeds `body` in the given pieces (byte offsets) and returns the objects handed over and the skeleton. */
function scan(body: string, cuts: number[] = []): { elements: unknown[]; skeleton: unknown } {
  const bytes = Buffer.from(body, 'utf8');
  const elements: unknown[] = [];
  const s = new ResultStream((e) => elements.push(e));
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    s.push(bytes.subarray(from, Math.max(from, Math.min(cut, bytes.length))));
    from = Math.max(from, Math.min(cut, bytes.length));
  }
  s.push(bytes.subarray(from));
  return { elements, skeleton: s.end() };
}

describe('ResultStream', () => {
  it('hands over each series of a matrix and keeps the rest as a skeleton', () => {
    const body =
      '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"model":"a"},"values":[[1,"2"]]},{"metric":{"model":"b}{"},"values":[[1,"3"]]}]},"warnings":["partial"]}';
    const { elements, skeleton } = scan(body);
    expect(elements).toEqual([
      { metric: { model: 'a' }, values: [[1, '2']] },
      { metric: { model: 'b}{' }, values: [[1, '3']] },
    ]);
    expect(skeleton).toEqual({ status: 'success', data: { resultType: 'matrix', result: [] }, warnings: ['partial'] });
  });

  it('leaves a scalar result in place', () => {
    const { elements, skeleton } = scan('{"status":"success","data":{"resultType":"scalar","result":[1700000000.5,"7"]}}');
    expect(elements).toEqual([]);
    expect(skeleton).toEqual({ status: 'success', data: { resultType: 'scalar', result: [1700000000.5, '7'] } });
  });

  it('finds data and result in any key order, and an empty result', () => {
    const { elements, skeleton } = scan('{ "data" : { "result" : [ ] , "resultType" : "vector" } , "status" : "success" }');
    expect(elements).toEqual([]);
    expect(skeleton).toEqual({ status: 'success', data: { resultType: 'vector', result: [] } });
  });

  it('does not take a "result" key elsewhere for the result', () => {
    const body = '{"status":"success","info":{"result":[{"a":1}]},"data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1"]}]}}';
    const { elements, skeleton } = scan(body);
    expect(elements).toEqual([{ metric: {}, value: [1, '1'] }]);
    expect(skeleton).toEqual({ status: 'success', info: { result: [{ a: 1 }] }, data: { resultType: 'vector', result: [] } });
  });

  it('refuses a body cut inside its result', () => {
    const s = new ResultStream(() => undefined);
    s.push(Buffer.from('{"status":"success","data":{"resultType":"matrix","result":[{"metric":{'));
    expect(() => s.end()).toThrow(SyntaxError);
  });

  it('gives the same objects as JSON.parse for any envelope cut into any pieces', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    const labels = fc.dictionary(text, text, { maxKeys: 4 });
    const series = fc.record({
      metric: labels,
      values: fc.array(fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), text), { maxLength: 4 }),
    });
    const envelope = fc.record({
      status: fc.constantFrom('success', 'error'),
      data: fc.record({ resultType: fc.constantFrom('matrix', 'vector'), result: fc.array(series, { maxLength: 5 }) }),
      warnings: fc.array(text, { maxLength: 2 }),
    });
    fc.assert(
      fc.property(envelope, fc.array(fc.nat(400), { maxLength: 8 }), fc.boolean(), (env, cuts, pretty) => {
        const body = JSON.stringify(env, null, pretty ? 2 : undefined);
        const { elements, skeleton } = scan(body, cuts);
        expect(elements).toEqual(env.data.result);
        expect(skeleton).toEqual({ ...env, data: { ...env.data, result: [] } });
      }),
      { numRuns: 300, seed: 14 },
    );
  });
});
