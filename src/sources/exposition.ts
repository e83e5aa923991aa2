import { ExitCode, TokenspendError } from '../errors.js';
import { emptyLabels, type Labels, type Sample } from '../model.js';

/**
 * Which text format the bytes are in. It only matters for timestamps: Prometheus text carries
 * integer milliseconds, OpenMetrics float seconds. `auto` decides per timestamp by magnitude
 * (below 1e11 is seconds: 1e11 ms is 1973, 1e11 s is the year 5138).
 */
export type ExpositionFormat = 'prometheus' | 'openmetrics' | 'auto';

export interface ParseOptions {
  format?: ExpositionFormat;
  /** Where the text came from, for error messages. */
  source?: string;
  /**
   * Called with each sample's metric name before its labels are read (and the raw line, where the
   * name stands before the labels); false skips the line.
   */
  accept?: (name: string, line?: string) => boolean;
  onSample: (sample: Sample, line: number) => void;
}

/** A malformed exposition: the data source is at fault, so exit 3. */
export class ExpositionError extends TokenspendError {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${source}:${line}: ${reason}`, ExitCode.source);
    this.name = 'ExpositionError';
  }
}

/** Lines in a row that are not the last series again, after which a chunk is read as text. */
const MAX_MISSES = 16;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const LBRACE = 123;
const RBRACE = 125;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const EQUALS = 61;

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

/**
 * A lenient, streaming parser for Prometheus text (0.0.4 and 1.0) and OpenMetrics 1.0 in one pass.
 * Feed it chunks with `push`, then call `end`. It keeps nothing but the current partial line and the
 * TYPE of each family, so memory stays flat whatever the input size.
 */
export class ExpositionParser {
  /** Family name → declared TYPE (counter, gauge, histogram, summary, info, stateset, …). */
  readonly types = new Map<string, string>();
  /** Number of lines read so far. */
  lineCount = 0;
  /** True once an OpenMetrics-only construct (`# EOF`, `# UNIT`) was seen. */
  openMetrics = false;
  private carry = '';
  private carryBytes: Buffer | undefined;
  /** Still at the very start of the input, where a UTF-8 byte-order mark may stand. */
  private atStart = true;
  private readonly format: ExpositionFormat;
  private readonly source: string;
  private readonly accept: ((name: string, line?: string) => boolean) | undefined;
  private readonly onSample: (sample: Sample, line: number) => void;
  /**
   * `name{labels}` text → its labels, for histories where a series repeats line after line: the
   * same object is handed out again (consumers must not change it), so neither the parse nor the
   * store's look-up is repeated. Bounded; dropped for good when it rarely hits (a snapshot).
   */
  private labelCache: Map<string, Labels> | undefined = new Map();
  private cacheHits = 0;
  /** The last `name{labels}` text, its name and labels: the next line is often the same series. */
  private lastKey = '';
  private lastLabels: Labels | undefined;
  private lastName: string | undefined;
  /** `lastKey` as UTF-8, while the input looks like a history (the label cache is in use). */
  private lastKeyBytes: Buffer | undefined;
  private keyOfBytes = '';
  /** In the label set being parsed: the index of the line's first backslash (its length if none). */
  private firstBackslash = 0;

  constructor(options: ParseOptions) {
    this.format = options.format ?? 'auto';
    this.source = options.source ?? '<input>';
    this.accept = options.accept;
    this.onSample = options.onSample;
  }

  /** Parse a chunk; a line split across chunks is kept until its end arrives. */
  push(chunk: Buffer | string): void {
    if (this.atStart && chunk.length > 0) {
      this.atStart = false;
      chunk = stripBom(chunk);
    }
    if (typeof chunk === 'string') {
      this.pushText(this.carry + chunk);
      return;
    }
    // Decode only up to the last newline: a newline byte is never inside a UTF-8 sequence,
    // so no character is ever cut in half.
    let bytes = chunk;
    if (this.carryBytes) {
      // The line the last chunk ended in is finished by this one's first newline: that line alone
      // is joined, not the whole chunk copied behind it.
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.carryBytes = Buffer.concat([this.carryBytes, chunk]);
        return;
      }
      const line = Buffer.concat([this.carryBytes, chunk.subarray(0, nl + 1)]);
      this.carryBytes = undefined;
      this.pushLines(line, line.length - 1);
      bytes = chunk.subarray(nl + 1);
    }
    const lastNewline = bytes.lastIndexOf(10);
    // Kept bytes are copied: the caller may read the next chunk into the same buffer.
    if (lastNewline < bytes.length - 1) this.carryBytes = Buffer.from(bytes.subarray(lastNewline + 1));
    if (lastNewline >= 0) this.pushLines(bytes, lastNewline);
  }

  /** Whole lines, `bytes` up to `lastNewline` (a newline). */
  private pushLines(bytes: Buffer, lastNewline: number): void {
    if (this.lastKeyBytes === undefined) {
      this.pushText(bytes.toString('utf8', 0, lastNewline + 1));
      return;
    }
    // A history: lines of the last series are read as bytes; any other line as text, alone (the
    // next line is then compared with its series), until lines keep missing: then the rest of
    // the chunk goes as text at once.
    let from = 0;
    for (let misses = 0; from <= lastNewline && misses < MAX_MISSES;) {
      const nl = bytes.indexOf(10, from);
      if (this.sameSeries(bytes, from, nl)) misses = 0;
      else {
        this.pushText(bytes.toString('utf8', from, nl + 1));
        misses++;
      }
      from = nl + 1;
    }
    if (from <= lastNewline) this.pushText(bytes.toString('utf8', from, lastNewline + 1));
  }

  /** Parse whatever is left (a last line without a newline). */
  end(): void {
    let rest = this.carry;
    if (this.carryBytes) rest += this.carryBytes.toString('utf8');
    this.carry = '';
    this.carryBytes = undefined;
    if (rest.length > 0) this.pushText(`${rest}\n`);
  }

  private pushText(text: string): void {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.lineCount++;
      let end = nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      if (end > start) this.parseLine(text.slice(start, end));
      start = nl + 1;
    }
    this.carry = start < text.length ? text.slice(start) : '';
  }

  /**
   * A history's next line (bytes `from`…`nl`) is most often the last series again,
   * `name{labels} value timestamp` with plain integers: it is read in place (no text, no second
   * look at the labels) and handed on with the same name and labels. False for anything else.
   */
  private sameSeries(bytes: Buffer, from: number, nl: number): boolean {
    const key = this.lastKeyBytes;
    if (key === undefined) return false;
    let end = nl;
    if (end > from && bytes[end - 1] === 13) end--;
    let i = from + key.length;
    if (i + 4 > end || bytes[i] !== SPACE || key.compare(bytes, from, i) !== 0) return false;
    const value = plainInteger(bytes, i + 1, end);
    if (value === undefined) return false;
    i = value.end;
    if (bytes[i] !== SPACE) return false;
    const t = plainInteger(bytes, i + 1, end);
    if (t === undefined || t.end !== end) return false;
    // As parseTimestamp decides for a token without a dot.
    const seconds = this.format === 'openmetrics' || (this.format === 'auto' && (this.openMetrics || t.value < 1e11));
    const ms = seconds ? t.value * 1000 : t.value;
    if (!(ms <= 8.64e15)) return false;
    this.lineCount++;
    this.onSample(
      { name: this.lastName as string, labels: this.lastLabels as Labels, value: value.value, timestampMs: ms },
      this.lineCount,
    );
    return true;
  }

  private fail(reason: string): never {
    throw new ExpositionError(this.source, this.lineCount, reason);
  }

  private parseLine(line: string): void {
    const n = line.length;
    let i = 0;
    let c = line.charCodeAt(0);
    while (c === SPACE || c === TAB) c = line.charCodeAt(++i);
    if (i >= n) return;
    if (c === HASH) {
      this.parseComment(line, i + 1);
      return;
    }
    let name: string;
    let labels: Labels = emptyLabels();
    if (c === LBRACE) {
      const parsed = this.parseLabels(line, i, labels, true);
      i = parsed.end;
      if (parsed.name === undefined) this.fail('expected a metric name before the value');
      name = parsed.name;
      if (this.accept && !this.accept(name)) return;
    } else {
      const start = i;
      if (!isNameStart(c)) this.fail(`expected a metric name, got ${JSON.stringify(line.slice(i, i + 20))}`);
      c = line.charCodeAt(++i);
      while (i < n && isNameChar(c)) c = line.charCodeAt(++i);
      name = line.slice(start, i);
      if (this.accept && !this.accept(name, line)) return;
      if (c === LBRACE) {
        const cached = this.cachedLabels(line, start, i);
        if (cached) {
          labels = cached.labels;
          i = cached.end;
          // The name, copied (a slice would keep the input chunk alive), for sameSeries.
          if (this.lastName !== name) this.lastName = copyOf(name);
          if (this.labelCache && this.keyOfBytes !== this.lastKey) {
            this.lastKeyBytes = Buffer.from(this.lastKey);
            this.keyOfBytes = this.lastKey;
          }
        } else {
          i = this.parseLabels(line, i, labels, false).end;
        }
      } else if (i < n && c !== SPACE && c !== TAB) {
        this.fail(`unexpected character ${JSON.stringify(line[i])} in metric name "${name}"`);
      }
    }
    // Value, then an optional timestamp, then an optional exemplar (`# {…} v [ts]`).
    i = skipBlanks(line, i);
    if (i >= n) this.fail(`metric "${name}" has no value`);
    let end = nextBlank(line, i);
    const value = this.parseValue(line.slice(i, end), name);
    i = skipBlanks(line, end);
    let timestampMs: number | undefined;
    if (i < n && line.charCodeAt(i) !== HASH) {
      end = nextBlank(line, i);
      timestampMs = this.parseTimestamp(line.slice(i, end), name);
      i = skipBlanks(line, end);
    }
    if (i < n && line.charCodeAt(i) !== HASH) {
      this.fail(`unexpected text after the value of "${name}": ${JSON.stringify(line.slice(i, i + 20))}`);
    }
    this.onSample({ name, labels, value, timestampMs }, this.lineCount);
  }

  private parseComment(line: string, from: number): void {
    const words = line
      .slice(from)
      .trim()
      .split(/[ \t]+/);
    const keyword = words[0];
    if (keyword === 'EOF') {
      this.openMetrics = true;
      return;
    }
    if (keyword === 'UNIT') this.openMetrics = true;
    if (keyword === 'TYPE' && words.length >= 3) {
      const family = unquote(words[1] as string);
      this.types.set(family, (words[2] as string).toLowerCase());
    }
    // HELP, UNIT and plain comments carry nothing the ledger needs.
  }

  private parseValue(token: string, name: string): number {
    const v = Number(token);
    if (!Number.isNaN(v)) return v;
    const lower = token.toLowerCase();
    if (lower === 'nan') return Number.NaN;
    if (lower === '+inf' || lower === 'inf' || lower === '+infinity' || lower === 'infinity') return Number.POSITIVE_INFINITY;
    if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
    return this.fail(`metric "${name}" has value ${JSON.stringify(token)}, expected a number, NaN or ±Inf`);
  }

  private parseTimestamp(token: string, name: string): number {
    const t = Number(token);
    if (!Number.isFinite(t)) this.fail(`metric "${name}" has timestamp ${JSON.stringify(token)}, expected a number`);
    const seconds =
      this.format === 'openmetrics' || (this.format === 'auto' && (this.openMetrics || token.includes('.') || Math.abs(t) < 1e11));
    const ms = seconds ? Math.round(t * 1000) : t;
    // A JavaScript date spans ±8.64e15 ms (±273,790 years); nothing outside it is a scrape time.
    if (!(Math.abs(ms) <= 8.64e15)) this.fail(`metric "${name}" has timestamp ${JSON.stringify(token.slice(0, 40))}, outside any date`);
    return ms;
  }

  /**
   * The labels of `name{…}` (the name from `from`, the brace at `open`) from the cache, parsing
   * and keeping them on a miss; undefined when the label set is not plainly closed on this line
   * (the full parse then reports what is wrong).
   */
  private cachedLabels(line: string, from: number, open: number): { labels: Labels; end: number } | undefined {
    const cache = this.labelCache;
    if (!cache) return undefined;
    if (this.lastLabels && line.startsWith(this.lastKey, from)) {
      this.cacheHits++;
      return { labels: this.lastLabels, end: from + this.lastKey.length };
    }
    // The closing brace, when no label value holds a brace, a backslash or an odd quote before it.
    const close = line.indexOf('}', open);
    if (close < 0 || line.lastIndexOf('\\', close) > open) return undefined;
    let quotes = 0;
    for (let q = line.indexOf('"', open); q >= 0 && q < close; q = line.indexOf('"', q + 1)) quotes++;
    if (quotes % 2 !== 0) return undefined;
    const i = close;
    const key = line.slice(from, i + 1);
    const hit = cache.get(key);
    if (hit) {
      this.cacheHits++;
      this.remember(key, hit);
      return { labels: hit, end: i + 1 };
    }
    if (cache.size >= 4096) {
      if (this.cacheHits < cache.size) {
        this.labelCache = undefined; // mostly new series: a snapshot, or too many to repeat soon
        this.lastKeyBytes = undefined;
        return undefined;
      }
      cache.clear();
      this.cacheHits = 0;
    }
    const parsed = emptyLabels();
    const end = this.parseLabels(line, open, parsed, false).end;
    // Copies: a slice of the line would keep the whole input chunk alive for as long as the series.
    const labels = emptyLabels();
    for (const k of Object.keys(parsed)) labels[copyOf(k)] = copyOf(parsed[k] as string);
    const own = copyOf(key);
    cache.set(own, labels);
    this.remember(own, labels);
    return { labels, end };
  }

  private remember(key: string, labels: Labels): void {
    this.lastKey = key;
    this.lastLabels = labels;
  }

  /** Parses `{…}` starting at `open`; a quoted string without `=` is the metric name (UTF-8 names). */
  private parseLabels(line: string, open: number, into: Labels, allowName: boolean): { end: number; name?: string } {
    const n = line.length;
    // Where the line's first backslash is (most lines have none): quoted values before it are plain.
    this.firstBackslash = line.indexOf('\\', open);
    if (this.firstBackslash < 0) this.firstBackslash = n;
    let i = open + 1;
    let name: string | undefined;
    for (;;) {
      i = skipBlanks(line, i);
      if (i >= n) this.fail('unterminated label set: missing "}"');
      let c = line.charCodeAt(i);
      if (c === RBRACE) return name === undefined ? { end: i + 1 } : { end: i + 1, name };
      let key: string;
      if (c === QUOTE) {
        key = this.readQuoted(line, i);
        i = skipBlanks(line, this.quotedEnd);
        c = line.charCodeAt(i);
        if (c !== EQUALS) {
          if (!allowName || name !== undefined) this.fail(`expected "=" after label name "${key}"`);
          name = key;
          if (c === COMMA) i++;
          else if (c !== RBRACE) this.fail('expected "," or "}" after the quoted metric name');
          continue;
        }
      } else {
        const start = i;
        if (!isNameStart(c) || c === 58) this.fail(`expected a label name, got ${JSON.stringify(line.slice(i, i + 20))}`);
        c = line.charCodeAt(++i);
        while (i < n && isNameChar(c) && c !== 58) c = line.charCodeAt(++i);
        key = line.slice(start, i);
        i = skipBlanks(line, i);
        c = line.charCodeAt(i);
      }
      if (c !== EQUALS) this.fail(`expected "=" after label name "${key}"`);
      i = skipBlanks(line, i + 1);
      if (line.charCodeAt(i) !== QUOTE) this.fail(`label "${key}" value must be in double quotes`);
      into[key] = this.readQuoted(line, i);
      i = skipBlanks(line, this.quotedEnd);
      c = line.charCodeAt(i);
      if (c === COMMA) {
        i++;
      } else if (c !== RBRACE) {
        this.fail(`expected "," or "}" after label "${key}"`);
      }
    }
  }

  /** Where the last `readQuoted` string ended (after its closing quote). */
  private quotedEnd = 0;

  /** Reads a double-quoted string at `open` with escapes `\\`, `\"`, `\n`; unknown escapes are kept. */
  private readQuoted(line: string, open: number): string {
    const start = open + 1;
    const close = line.indexOf('"', start);
    if (close < 0) this.fail('unterminated quoted string');
    this.quotedEnd = close + 1;
    if (close < this.firstBackslash) return line.slice(start, close);
    const slash = line.indexOf('\\', start);
    if (slash < 0 || slash > close) return line.slice(start, close);
    let out = '';
    let i = start;
    const n = line.length;
    while (i < n) {
      const c = line.charCodeAt(i);
      if (c === QUOTE) {
        this.quotedEnd = i + 1;
        return out;
      }
      if (c === BACKSLASH && i + 1 < n) {
        const e = line[i + 1];
        if (e === 'n') out += '\n';
        else if (e === '\\') out += '\\';
        else if (e === '"') out += '"';
        else out += `\\${e}`;
        i += 2;
      } else {
        out += line[i];
        i++;
      }
    }
    return this.fail('unterminated quoted string');
  }
}

/** Drops a UTF-8 byte-order mark (EF BB BF, or U+FEFF once decoded) at the start of the input. */
function stripBom(chunk: Buffer | string): Buffer | string {
  if (typeof chunk === 'string') return chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk;
  return chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? chunk.subarray(3) : chunk;
}

/**
 * ASCII digits from `i` up to a space or `end` (at least one, at most 15, so exact): the
 * value Number() would give, and where they stop; undefined for anything else (a sign, a dot, an
 * exponent, NaN…), which the full parse reads.
 */
function plainInteger(bytes: Buffer, i: number, end: number): { value: number; end: number } | undefined {
  let value = 0;
  const from = i;
  for (; i < end; i++) {
    const c = bytes[i] as number;
    if (c === SPACE) break;
    if (c < 48 || c > 57) return undefined;
    value = value * 10 + (c - 48);
  }
  const digits = i - from;
  return digits > 0 && digits <= 15 ? { value, end: i } : undefined;
}

function skipBlanks(line: string, i: number): number {
  let c = line.charCodeAt(i);
  while (c === SPACE || c === TAB) c = line.charCodeAt(++i);
  return i;
}

function nextBlank(line: string, i: number): number {
  const n = line.length;
  let c = line.charCodeAt(i);
  while (i < n && c !== SPACE && c !== TAB) c = line.charCodeAt(++i);
  return i;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

/** Parses a whole exposition held in memory (tests, small scrapes). */
export function parseExposition(text: string, options: ParseOptions): ExpositionParser {
  const parser = new ExpositionParser(options);
  parser.push(text);
  parser.end();
  return parser;
}

/** Parses an exposition from a stream of chunks without holding it in memory. */
export async function parseExpositionStream(chunks: AsyncIterable<Buffer | string>, options: ParseOptions): Promise<ExpositionParser> {
  const parser = new ExpositionParser(options);
  for await (const chunk of chunks) parser.push(chunk);
  parser.end();
  return parser;
}

/** A string of its own, not a view into a larger one (V8 keeps the larger one alive for a slice). */
function copyOf(text: string): string {
  return ` ${text}`.slice(1);
}
