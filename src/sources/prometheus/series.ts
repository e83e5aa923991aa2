/**
 * The series of a range query's answer as columns: times in seconds and values as numbers, one
 * typed array each, instead of one `[time, "value"]` array (and a string) per point. A range
 * answer holds series × steps points; as arrays they are most of what a large answer costs to
 * parse and to collect.
 */
export interface RangeSeries {
  metric: Record<string, string>;
  /** Seconds, as the server wrote them. */
  times: Float64Array;
  /** The values read as `parseValue` reads them (`+Inf`, `-Inf`, `NaN` included). */
  values: Float64Array;
}

/**
 * A parsed result element as columns, or undefined when it is not a series of a matrix (labels as
 * strings and `[number, "string"]` pairs).
 */
export function toColumns(e: unknown): RangeSeries | undefined {
  if (e === null || typeof e !== 'object') return undefined;
  const { metric, values } = e as { metric?: unknown; values?: unknown };
  if (!isLabels(metric) || !Array.isArray(values)) return undefined;
  const times = new Float64Array(values.length);
  const nums = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const p: unknown = values[i];
    if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'number' || typeof p[1] !== 'string') return undefined;
    times[i] = p[0];
    nums[i] = parseValue(p[1]);
  }
  return { metric, times, values: nums };
}

/** An object whose every value is a string. */
function isLabels(x: unknown): x is Record<string, string> {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  for (const v of Object.values(x)) if (typeof v !== 'string') return false;
  return true;
}

/** Sample values arrive as strings because JSON has no NaN or infinities. */
export function parseValue(v: string): number {
  if (v === '+Inf') return Number.POSITIVE_INFINITY;
  if (v === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(v);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const HEAD = Buffer.from('{"metric":{');
const VALUES = Buffer.from(',"values":[');

/**
 * The element's columns, read straight from its bytes, when it is written the way Prometheus and
 * VictoriaMetrics write a series: `{"metric":{…},"values":[[t,"v"],…]}` with no spaces, plain
 * decimal times and ASCII values without escapes. Anything else gives undefined, and the caller
 * parses it as JSON (then `toColumns`): the answer is the same either way, only slower.
 */
export function seriesFromBytes(b: Buffer): RangeSeries | undefined {
  if (b.length < HEAD.length + VALUES.length + 3 || b.compare(HEAD, 0, HEAD.length, 0, HEAD.length) !== 0) return undefined;
  // The labels: an object of strings (no nesting); its end is the first brace outside a string.
  let i = HEAD.length;
  let inString = false;
  for (; i < b.length; i++) {
    const c = b[i] as number;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === CLOSE_OBJECT) break;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) return undefined;
  }
  if (i >= b.length) return undefined;
  let metric: unknown;
  try {
    metric = JSON.parse(b.toString('utf8', HEAD.length - 1, i + 1));
  } catch {
    return undefined;
  }
  if (!isLabels(metric)) return undefined;
  i++;
  if (i + VALUES.length > b.length || b.compare(VALUES, 0, VALUES.length, i, i + VALUES.length) !== 0) return undefined;
  i += VALUES.length;
  const points = readPoints(b, i);
  if (!points) return undefined;
  return { metric, times: points.times, values: points.values };
}

/** `[t,"v"],…]}` to the end of the element, or undefined at the first byte out of that shape. */
function readPoints(b: Buffer, from: number): { times: Float64Array; values: Float64Array } | undefined {
  let cap = 32;
  let times = new Float64Array(cap);
  let values = new Float64Array(cap);
  let n = 0;
  let i = from;
  if (b[i] === CLOSE_ARRAY) i++;
  else {
    for (;;) {
      if (b[i] !== OPEN_ARRAY) return undefined;
      const t0 = i + 1;
      i = t0;
      while (i < b.length && b[i] !== COMMA) i++;
      const t = decimal(b, t0, i);
      if (t === undefined || b[i + 1] !== QUOTE) return undefined;
      const v0 = i + 2;
      i = v0;
      while (i < b.length && b[i] !== QUOTE) i++;
      const v = sampleValue(b, v0, i);
      if (v === undefined || b[i + 1] !== CLOSE_ARRAY) return undefined;
      i += 2;
      if (n === cap) {
        cap *= 2;
        times = grown(times, cap);
        values = grown(values, cap);
      }
      times[n] = t;
      values[n] = v;
      n++;
      if (b[i] === COMMA) i++;
      else if (b[i] === CLOSE_ARRAY) {
        i++;
        break;
      } else return undefined;
    }
  }
  if (i !== b.length - 1 || b[i] !== CLOSE_OBJECT) return undefined;
  return { times: times.slice(0, n), values: values.slice(0, n) };
}

function grown(a: Float64Array, cap: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(cap);
  out.set(a);
  return out;
}

/** A JSON number of the form `-?(0|[1-9][0-9]*)(\.[0-9]+)?` between a and z, else undefined. */
function decimal(b: Buffer, a: number, z: number): number | undefined {
  let i = b[a] === MINUS ? a + 1 : a;
  const digits = i;
  while (i < z && isDigit(b[i] as number)) i++;
  if (i === digits || (b[digits] === ZERO && i - digits > 1)) return undefined;
  if (i < z) {
    if (b[i] !== DOT) return undefined;
    const frac = ++i;
    while (i < z && isDigit(b[i] as number)) i++;
    if (i === frac || i < z) return undefined;
  }
  return integerOrNumber(b, a, z);
}

/** A value string: printable ASCII without escapes, read as `parseValue` reads it; else undefined. */
function sampleValue(b: Buffer, a: number, z: number): number | undefined {
  if (z >= b.length) return undefined;
  for (let i = a; i < z; i++) {
    const c = b[i] as number;
    if (c <= 0x20 || c >= 0x7f || c === BACKSLASH) return undefined;
  }
  return integerOrNumber(b, a, z);
}

/** Up to 15 digits (optionally signed) add up exactly; anything else is left to `parseValue`. */
function integerOrNumber(b: Buffer, a: number, z: number): number {
  const neg = b[a] === MINUS;
  const from = neg ? a + 1 : a;
  if (z > from && z - from <= 15) {
    let n = 0;
    let i = from;
    for (; i < z; i++) {
      const c = b[i] as number;
      if (!isDigit(c)) break;
      n = n * 10 + (c - ZERO);
    }
    if (i === z) return neg ? -n : n;
  }
  return parseValue(b.toString('latin1', a, z));
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}
