import fc from 'fast-check';

/** The bytes of one exposition, turned hostile in one of the ways real files go wrong (and worse). */
export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; line: number; times: number }
  | { kind: 'hugeLabel'; line: number; size: number }
  | { kind: 'invalidUtf8'; at: number }
  | { kind: 'crlf' }
  | { kind: 'nul'; at: number }
  | { kind: 'shuffle'; seed: number }
  | { kind: 'value'; line: number; value: string }
  | { kind: 'timestamp'; line: number; value: string };

const HOSTILE_VALUES = ['+Inf', '-Inf', 'NaN', 'nan', 'inf', '1e309', '-1', '9007199254740993', '0x10', '', '1e-320', '--1', '١٢٣'];
const HOSTILE_TIMESTAMPS = ['8640000000000001', '-8640000000000001', '1e400', 'NaN', '0', '1.5', '99999999999999999999', '-1'];

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), line: fc.nat(), times: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ kind: fc.constant('hugeLabel' as const), line: fc.nat(), size: fc.integer({ min: 1_000, max: 200_000 }) }),
  fc.record({ kind: fc.constant('invalidUtf8' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('crlf' as const) }),
  fc.record({ kind: fc.constant('nul' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('shuffle' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('value' as const), line: fc.nat(), value: fc.constantFrom(...HOSTILE_VALUES) }),
  fc.record({ kind: fc.constant('timestamp' as const), line: fc.nat(), value: fc.constantFrom(...HOSTILE_TIMESTAMPS) }),
);

function lines(b: Buffer): string[] {
  return b.toString('latin1').split('\n');
}

/** Replaces the value (or the timestamp, `which` = 2) of a sample line. */
function replaceField(line: string, which: 1 | 2, value: string): string {
  if (line.startsWith('#')) return line;
  const close = line.lastIndexOf('}');
  const head = close >= 0 ? line.slice(0, close + 1) : (line.split(' ')[0] ?? '');
  const rest = line.slice(head.length).trim().split(/\s+/);
  rest[which - 1] = value;
  if (which === 2 && rest[0] === undefined) rest[0] = '1';
  return `${head} ${rest.join(' ')}`;
}

export function apply(input: Buffer, m: Mutation): Buffer {
  const pick = <T>(xs: T[], n: number) => n % Math.max(1, xs.length);
  switch (m.kind) {
    case 'flip': {
      const out = Buffer.from(input);
      if (out.length > 0) out[m.at % out.length] = (out[m.at % out.length] as number) ^ (1 << m.bit);
      return out;
    }
    case 'truncate':
      return input.subarray(0, m.at % (input.length + 1));
    case 'duplicate': {
      const ls = lines(input);
      const i = pick(ls, m.line);
      ls.splice(i, 0, ...new Array<string>(m.times).fill(ls[i] ?? ''));
      return Buffer.from(ls.join('\n'), 'latin1');
    }
    case 'hugeLabel': {
      const ls = lines(input);
      const i = pick(ls, m.line);
      ls[i] = (ls[i] ?? '').replace('{', `{huge="${'x'.repeat(m.size)}",`);
      return Buffer.from(ls.join('\n'), 'latin1');
    }
    case 'invalidUtf8': {
      const at = m.at % (input.length + 1);
      return Buffer.concat([input.subarray(0, at), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), input.subarray(at)]);
    }
    case 'crlf':
      return Buffer.from(input.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    case 'nul': {
      const at = m.at % (input.length + 1);
      return Buffer.concat([input.subarray(0, at), Buffer.from([0]), input.subarray(at)]);
    }
    case 'shuffle': {
      const ls = lines(input);
      let s = m.seed || 1;
      for (let i = ls.length - 1; i > 0; i--) {
        s = (s * 1103515245 + 12345) >>> 0;
        const j = s % (i + 1);
        [ls[i], ls[j]] = [ls[j] as string, ls[i] as string];
      }
      return Buffer.from(ls.join('\n'), 'latin1');
    }
    case 'value':
    case 'timestamp': {
      const ls = lines(input);
      const i = pick(ls, m.line);
      ls[i] = replaceField(ls[i] ?? '', m.kind === 'value' ? 1 : 2, m.value);
      return Buffer.from(ls.join('\n'), 'latin1');
    }
  }
}
