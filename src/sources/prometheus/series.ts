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
  const read = seriesAt(b, 0);
  return read && read.end === b.length - 1 ? read.series : undefined;
}

/**
 * A series written as `seriesFromBytes` reads it, starting at `at` and ending (its closing brace)
 * at `end`, inside a longer piece of an answer; undefined when the bytes from `at` are not that
 * shape or the piece ends first. One pass over the bytes: the answer's scan skips what is read
 * here, so most of a large answer is looked at once.
 */
export function seriesAt(b: Buffer, at: number): { series: RangeSeries; end: number } | undefined {
  if (b.length - at < HEAD.length + VALUES.length + 3 || b.compare(HEAD, 0, HEAD.length, at, at + HEAD.length) !== 0) return undefined;
  // The labels: an object of strings (no nesting); its end is the first brace outside a string.
  let i = at + HEAD.length;
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
  const labelsEnd = i + 1;
  i = labelsEnd;
  if (i + VALUES.length > b.length || b.compare(VALUES, 0, VALUES.length, i, i + VALUES.length) !== 0) return undefined;
  const n = readPoints(b, i + VALUES.length);
  if (n < 0) return undefined;
  // (The labels are parsed once the shape is known to be whole: a piece cut short costs no parse.)
  let metric: unknown;
  try {
    metric = JSON.parse(b.toString('utf8', at + HEAD.length - 1, labelsEnd));
  } catch {
    return undefined;
  }
  if (!isLabels(metric)) return undefined;
  return { series: { metric, times: column(scratchTimes, points), values: column(scratchValues, points) }, end: n };
}

/** The points of the series being read, before they are copied out. */
let scratchTimes = new Float64Array(1024);
let scratchValues = new Float64Array(1024);
let points = 0;

/**
 * Reads `[t,"v"],…]}` from `from` into the scratch columns (`points` of them): the index of the
 * closing brace, or -1 at the first byte out of that shape (or past the end of `b`).
 */
function readPoints(b: Buffer, from: number): number {
  let n = 0;
  let i = from;
  if (b[i] === CLOSE_ARRAY) i++;
  else {
    for (;;) {
      if (b[i] !== OPEN_ARRAY) return -1;
      i = readTime(b, i + 1);
      if (i < 0 || b[i + 1] !== QUOTE) return -1;
      const t = numberRead;
      i = readValue(b, i + 2);
      if (i < 0 || b[i + 1] !== CLOSE_ARRAY) return -1;
      i += 2;
      if (n === scratchTimes.length) {
        scratchTimes = grown(scratchTimes, n * 2);
        scratchValues = grown(scratchValues, n * 2);
      }
      scratchTimes[n] = t;
      scratchValues[n] = numberRead;
      n++;
      const c = b[i];
      if (c === COMMA) i++;
      else if (c === CLOSE_ARRAY) {
        i++;
        break;
      } else return -1;
    }
  }
  if (b[i] !== CLOSE_OBJECT) return -1;
  points = n;
  return i;
}

/** The number `readTime` or `readValue` read last. */
let numberRead = 0;

/**
 * A time from `t0`: -?(0|[1-9][0-9]*)(\.[0-9]+)? up to the comma after it (its index; -1 when
 * it is not that); up to 15 digits and no fraction add up exactly.
 */
function readTime(b: Buffer, t0: number): number {
  let i = t0;
  let c = b[i];
  if (c === MINUS) c = b[++i];
  const d0 = i;
  let t = 0;
  while (c !== undefined && c >= ZERO && c <= NINE) {
    t = t * 10 + (c - ZERO);
    c = b[++i];
  }
  const digits = i - d0;
  if (digits === 0 || (b[d0] === ZERO && digits > 1)) return -1;
  if (c === DOT) {
    const f0 = ++i;
    c = b[i];
    while (c !== undefined && c >= ZERO && c <= NINE) c = b[++i];
    if (i === f0) return -1;
    t = parseValue(b.toString('latin1', t0, i));
  } else if (digits > 15) t = parseValue(b.toString('latin1', t0, i));
  else if (d0 > t0) t = -t;
  numberRead = t;
  return c === COMMA ? i : -1;
}

/**
 * A value string's text from `v0` up to its closing quote (its index; -1 when it is not
 * printable ASCII without escapes), read as `parseValue` reads it; up to 15 digits, optionally
 * signed, add up exactly.
 */
function readValue(b: Buffer, v0: number): number {
  let i = v0;
  let c = b[i];
  if (c === MINUS) c = b[++i];
  const w0 = i;
  let v = 0;
  while (c !== undefined && c >= ZERO && c <= NINE) {
    v = v * 10 + (c - ZERO);
    c = b[++i];
  }
  if (c === QUOTE && i > w0 && i - w0 <= 15) {
    numberRead = w0 > v0 ? -v : v;
    return i;
  }
  while (c !== undefined && c !== QUOTE) {
    if (c <= 0x20 || c >= 0x7f || c === BACKSLASH) return -1;
    c = b[++i];
  }
  if (c === undefined) return -1;
  numberRead = parseValue(b.toString('latin1', v0, i));
  return i;
}

function grown(a: Float64Array, cap: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(cap);
  out.set(a);
  return out;
}

/**
 * Columns are cut from shared blocks: a small typed array of its own costs an allocation outside
 * the heap and its tracking by the collector, and an answer holds hundreds of thousands of them.
 * A block lives as long as one of its columns does, so columns that live as long as the reading
 * (a group's sums, a series' state) come from blocks of their own, apart from an answer's
 * columns, which are mostly dropped as soon as they are read.
 */
class Blocks {
  private static readonly SIZE = 65_536;
  private block = new Float64Array(Blocks.SIZE);
  private used = 0;

  /** `n` zeros, in no other column's place. */
  take(n: number): Float64Array {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`a column of ${n} numbers`);
    if (this.used + n > this.block.length) {
      this.block = new Float64Array(Math.max(Blocks.SIZE, n));
      this.used = 0;
    }
    const out = this.block.subarray(this.used, this.used + n);
    this.used += n;
    return out;
  }
}

const answerBlocks = new Blocks();
const keptBlocks = new Blocks();

/** A new column of `n` zeros, cut from a shared block, for state kept while the answers are read. */
export function zeros(n: number): Float64Array {
  return keptBlocks.take(n);
}

/** A new column holding the first `n` values of `from`. */
function column(from: Float64Array, n: number): Float64Array {
  const out = answerBlocks.take(n);
  for (let k = 0; k < n; k++) out[k] = from[k] as number;
  return out;
}
