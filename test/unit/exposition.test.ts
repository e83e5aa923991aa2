import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/model.js';
import { ExpositionError, ExpositionParser, parseExposition } from '../../src/sources/exposition.js';

function parse(text: string, format: 'auto' | 'prometheus' | 'openmetrics' = 'auto'): Sample[] {
  const out: Sample[] = [];
  parseExposition(text, { format, onSample: (s) => out.push(s) });
  return out;
}

function errorOf(text: string): ExpositionError {
  try {
    parse(text);
  } catch (e) {
    return e as ExpositionError;
  }
  throw new Error('expected a parse error');
}

// Cases modelled on the OpenMetrics parser conformance suite and Prometheus' textparse tests.
describe('exposition parser', () => {
  it('reads names, labels, values and millisecond timestamps of Prometheus text', () => {
    const [s] = parse('http_requests_total{method="post",code="200"} 1027 1395066363000\n');
    expect(s).toEqual({ name: 'http_requests_total', labels: { method: 'post', code: '200' }, value: 1027, timestampMs: 1395066363000 });
  });

  it('reads float-second timestamps of OpenMetrics', () => {
    const [s] = parse('a_total 1 1520879607.789\n# EOF\n', 'openmetrics');
    expect(s?.timestampMs).toBe(1520879607789);
  });

  it('guesses the timestamp unit by magnitude in auto mode', () => {
    const [a, b] = parse('a 1 1700000000\nb 1 1700000000000\n');
    expect(a?.timestampMs).toBe(1_700_000_000_000);
    expect(b?.timestampMs).toBe(1_700_000_000_000);
  });

  it('unescapes \\\\, \\" and \\n in label values and keeps unknown escapes', () => {
    const samples = parse(['a_total{foo="b\\"a\\nr"} 1', 'a_total{foo="b\\\\a\\z"} 2', 'a_total{foo="b\\"a\\nr # "} 3'].join('\n'));
    expect(samples.map((s) => s.labels.foo)).toEqual(['b"a\nr', 'b\\a\\z', 'b"a\nr # ']);
  });

  it('keeps labels named like Object members as labels, and inherits nothing', () => {
    // Twice with timestamps: the second line of each series comes from the label cache.
    const line = 'a_total{__proto__="p",constructor="c",toString="t"} 1 1700000000000';
    const samples = parse(`${line}\n${line.replace(' 1 ', ' 2 ').replace('000000000000', '000000060000')}\nb_total{le="1"} 3\n`);
    expect(samples).toHaveLength(3);
    for (const s of samples.slice(0, 2)) {
      expect(Object.keys(s.labels)).toEqual(['__proto__', 'constructor', 'toString']);
      expect(Object.hasOwn(s.labels, '__proto__')).toBe(true);
      expect(s.labels.__proto__).toBe('p');
      expect(s.labels.toString).toBe('t');
      expect(JSON.stringify(s.labels)).toBe('{"__proto__":"p","constructor":"c","toString":"t"}');
    }
    const plain = samples[2]?.labels as Record<string, unknown>;
    for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__']) expect(plain[name]).toBeUndefined();
    expect('valueOf' in plain).toBe(false);
  });

  it('reads NaN and ±Inf in every spelling', () => {
    const values = parse('a NaN\nb +Inf\nc -Inf\nd inf\ne -infinity\nf nan\ng 1.458255915e9\n').map((s) => s.value);
    expect(values.slice(0, 1).every(Number.isNaN)).toBe(true);
    expect(values.slice(1)).toEqual([Infinity, -Infinity, Infinity, -Infinity, Number.NaN, 1458255915]);
  });

  it('accepts trailing commas, spaces inside braces, tabs and colons in names', () => {
    const samples = parse('vllm:prompt_tokens_total{ model_name = "m" , engine="0", }\t42\n');
    expect(samples[0]).toEqual({
      name: 'vllm:prompt_tokens_total',
      labels: { model_name: 'm', engine: '0' },
      value: 42,
      timestampMs: undefined,
    });
  });

  it('reads quoted UTF-8 metric and label names', () => {
    const [s] = parse('{"gen_ai.client.token.usage_sum", "gen_ai.token.type"="input"} 5\n');
    expect(s?.name).toBe('gen_ai.client.token.usage_sum');
    expect(s?.labels).toEqual({ 'gen_ai.token.type': 'input' });
  });

  it('skips exemplars, HELP, UNIT, info and stateset families, and # EOF', () => {
    const text = [
      '# HELP a he\\n\\\\lp',
      '# TYPE a counter',
      '# UNIT a tokens',
      'a_total{x="1"} 10 # {trace_id="KOO5S4vxi0o"} 0.67 1520879607.789',
      'a_total{x="2"} 11 1520879607 # {trace_id="a # b"} 1',
      '# TYPE b info',
      'b_info{version="1.4"} 1',
      '# TYPE c stateset',
      'c{c="a"} 1',
      '# EOF',
    ].join('\n');
    const p = new ExpositionParser({ onSample: () => undefined });
    const names: string[] = [];
    const samples = parse(text);
    p.push(text);
    p.end();
    for (const s of samples) names.push(s.name);
    expect(names).toEqual(['a_total', 'a_total', 'b_info', 'c']);
    expect(samples[1]?.timestampMs).toBe(1520879607000);
    expect(p.types.get('a')).toBe('counter');
    expect(p.types.get('b')).toBe('info');
    expect(p.openMetrics).toBe(true);
  });

  it('handles CRLF line endings, blank lines and a last line without newline', () => {
    expect(parse('a 1\r\n\r\n\nb 2').map((s) => s.value)).toEqual([1, 2]);
  });

  it('yields the same samples whatever the chunking, even inside a UTF-8 character', () => {
    const text = 'a{l="héllo ✓"} 1\nb{l="x"} 2 1000\n';
    const whole = parse(text);
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const got: Sample[] = [];
      const p = new ExpositionParser({ onSample: (s) => got.push(s) });
      p.push(bytes.subarray(0, cut));
      p.push(bytes.subarray(cut));
      p.end();
      expect(got).toEqual(whole);
    }
  });

  // Lines of the last series are read as bytes in place (a history's usual line): whatever the
  // lines and the chunking, the samples, their lines and the errors are those of the text parse.
  it('reads repeated series lines as bytes exactly as the text parse does, in any chunking', () => {
    const series = fc.constantFrom('a{l="x"}', 'a{l="y",m="é"}', 'b_total{k="v"}', 'a{l="x",}', '{"q.r"}', 'a');
    const num = fc.oneof(
      fc.integer({ min: 0, max: 999_999_999 }).map(String),
      fc.constantFrom('0', '007', '999999999999999', '9999999999999999', '-5', '1.5', '1e3', 'NaN', '+Inf', '', 'x'),
    );
    const ts = fc.oneof(
      fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }).map(String),
      fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }).map(String),
      fc.constantFrom('', '1789881318.25', '99999999999999999', ' 5', '1 # {t="1"} 2'),
    );
    const sep = fc.constantFrom(' ', ' ', ' ', '  ', '\t');
    const line = fc.oneof(
      { weight: 8, arbitrary: fc.tuple(series, sep, num, sep, ts).map(([s, a, v, b, t]) => `${s}${a}${v}${t === '' ? '' : `${b}${t}`}`) },
      { weight: 1, arbitrary: fc.constantFrom('# EOF', '# TYPE a counter', '', '  a{l="x"} 3 4', 'a{l="x"} 1 2\r') },
    );
    const input = fc.tuple(fc.array(line, { maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 20 }));
    const run = (feed: (p: ExpositionParser) => void) => {
      const got: [Sample, number][] = [];
      const p = new ExpositionParser({ onSample: (s, n) => got.push([{ ...s, labels: { ...s.labels } }, n]) });
      try {
        feed(p);
        p.end();
      } catch (e) {
        return { got, error: (e as Error).message };
      }
      return { got, error: undefined };
    };
    fc.assert(
      fc.property(input, ([lines, cuts]) => {
        const text = `${lines.join('\n')}\n`;
        const whole = run((p) => p.push(text));
        const bytes = Buffer.from(text);
        const chunked = run((p) => {
          for (let at = 0, k = 0; at < bytes.length; k++) {
            const n = cuts[k % cuts.length] as number;
            p.push(bytes.subarray(at, at + n));
            at += n;
          }
        });
        expect(chunked).toEqual(whole);
      }),
      { numRuns: 400, seed: 20261124 },
    );
  });

  it('skips the labels of lines whose name is not accepted', () => {
    const seen: string[] = [];
    parseExposition('keep{a="1"} 1\nskip{this is not even valid} 2\n', { accept: (n) => n === 'keep', onSample: (s) => seen.push(s.name) });
    expect(seen).toEqual(['keep']);
  });

  it.each([
    ['a{b="c} 1', 'unterminated quoted string'],
    ['a{b=c} 1', 'value must be in double quotes'],
    ['a{b="c",', 'unterminated label set'],
    ['a{b="c"', 'expected "," or "}" after label "b"'],
    ['a', 'has no value'],
    ['a one', 'expected a number'],
    ['a 1 later', 'has timestamp "later"'],
    ['a 1 2 3', 'unexpected text after the value'],
    ['1a 2', 'expected a metric name'],
    ['a{b="c" d="e"} 1', 'expected "," or "}"'],
  ])('rejects %j with a line number', (line, reason) => {
    const e = errorOf(`ok 1\n${line}\n`);
    expect(e).toBeInstanceOf(ExpositionError);
    expect(e.line).toBe(2);
    expect(e.message).toContain(reason);
    expect(e.exitCode).toBe(3);
  });
});
