/**
 * Reads a Prometheus API response as it arrives. The envelope is always
 * `{"status":…,"data":{"resultType":…,"result":[…]},"warnings":[…]}` in some key order; the
 * `result` array is what grows with the data. Each object in it is handed over as soon as its
 * closing brace arrives (parsed on its own), and everything else is kept as a small skeleton in
 * which `result` is an empty array. Peak memory is a few series (their columns share
 * blocks of 512 KiB, `series.ts`) plus the skeleton, never the body.
 *
 * The scan works on bytes: every character that shapes JSON is ASCII, and no byte of a multi-byte
 * UTF-8 character is ASCII, so chunks may split characters anywhere.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** Where the scan is in the result array. */
const enum Mode {
  /** Outside `data.result`: bytes go to the skeleton. */
  Skeleton,
  /** Just inside `data.result`, before its first element: objects or not? */
  ResultStart,
  /** Between the objects of `data.result`. */
  Between,
  /** Inside one object of `data.result`. */
  Element,
}

/** Longest key kept while scanning (only `data` and `result` matter). */
const MAX_KEY = 16;

export class ResultStream {
  private readonly skeleton: Buffer[] = [];
  private element: Buffer[] = [];
  private mode = Mode.Skeleton;
  private inString = false;
  private escaped = false;
  /** Open containers: `{` or `[`; keys of the objects at depth 1 and 2. */
  private readonly stack: number[] = [];
  private readonly keys: string[] = [];
  private keyBytes: number[] | undefined;
  private expectKey = false;
  private elementDepth = 0;

  /**
   * `read`, when given, reads an element from its bytes first (undefined: not its shape) and
   * JSON.parse the rest. `readAt`, when given, is tried first where an element begins: it reads
   * one from the piece that arrived, when the whole element is in it, and says where it ends (its
   * closing brace); the scan goes on from there without looking at its bytes again.
   */
  constructor(
    private readonly onElement: (element: unknown) => void,
    private readonly read?: (bytes: Buffer) => unknown,
    private readonly readAt?: (chunk: Buffer, at: number) => { series: unknown; end: number } | undefined,
  ) {}

  push(chunk: Buffer): void {
    let from = 0;
    const keep = (to: number) => {
      // Copied: a view would keep the whole chunk alive.
      if (to > from) this.skeleton.push(Buffer.from(chunk.subarray(from, to)));
    };
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as number;
      if (this.inString) {
        this.stringByte(c);
        continue;
      }
      if (this.mode === Mode.Element) {
        if (c === QUOTE) this.inString = true;
        else if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.elementDepth++;
        else if ((c === CLOSE_OBJECT || c === CLOSE_ARRAY) && --this.elementDepth === 0) {
          this.element.push(chunk.subarray(from, i + 1));
          this.finishElement();
          from = i + 1;
          this.mode = Mode.Between;
        }
        continue;
      }
      if (this.mode === Mode.ResultStart || this.mode === Mode.Between) {
        if (c === OPEN_OBJECT) {
          const end = this.wholeAt(chunk, i);
          if (end >= 0) {
            i = end;
            from = i + 1;
            continue;
          }
          this.mode = Mode.Element;
          this.elementDepth = 1;
          from = i;
          continue;
        }
        if (c === CLOSE_ARRAY) {
          // The end of the result array: the skeleton gets the bracket and what follows.
          this.mode = Mode.Skeleton;
          this.stack.pop();
          from = i;
          continue;
        }
        if (this.mode === Mode.Between || c === COMMA || c <= 0x20) {
          from = i + 1; // whitespace, commas and anything but objects between the objects
          continue;
        }
        // Not objects (a scalar's [time, "value"]): the array stays in the skeleton as it is.
        this.mode = Mode.Skeleton;
      }
      if (c === QUOTE) {
        this.inString = true;
        if (this.expectKey && this.stack.length <= 2) this.keyBytes = [];
        continue;
      }
      // structural() may have entered the result array.
      if (this.structural(c) === Mode.ResultStart) {
        keep(i + 1);
        from = i + 1;
      }
    }
    if (this.mode === Mode.Element) this.element.push(Buffer.from(chunk.subarray(from)));
    else if (this.mode === Mode.Skeleton) keep(chunk.length);
  }

  /** An element read whole where it begins (`readAt`) and handed over: the index of its last byte, else -1. */
  private wholeAt(chunk: Buffer, i: number): number {
    const whole = this.readAt?.(chunk, i);
    if (!whole) return -1;
    this.onElement(whole.series);
    this.mode = Mode.Between;
    return whole.end;
  }

  /** Everything but the result objects, parsed; throws SyntaxError when the body is not whole JSON. */
  end(): unknown {
    if (this.mode !== Mode.Skeleton || this.inString) throw new SyntaxError('the response ended inside its result');
    return JSON.parse(this.text());
  }

  /** The skeleton as text, for messages about bodies that are not JSON. */
  text(): string {
    return Buffer.concat(this.skeleton).toString('utf8');
  }

  private stringByte(c: number): void {
    if (this.escaped) {
      this.escaped = false;
      this.keyBytes?.push(c);
      return;
    }
    if (c === BACKSLASH) {
      this.escaped = true;
      this.keyBytes?.push(c);
      return;
    }
    if (c === QUOTE) {
      this.inString = false;
      if (this.keyBytes) {
        this.keys[this.stack.length - 1] = Buffer.from(this.keyBytes).toString('utf8');
        this.keyBytes = undefined;
      }
      return;
    }
    if (this.keyBytes) {
      if (this.keyBytes.length < MAX_KEY) this.keyBytes.push(c);
      else this.keyBytes = undefined; // a long key is none of ours
    }
  }

  /** `{ } [ ] : ,` outside strings and outside the result objects. */
  private structural(c: number): Mode {
    const top = this.stack[this.stack.length - 1];
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (c === OPEN_ARRAY && this.stack.length === 2 && this.keys[0] === 'data' && this.keys[1] === 'result' && top === OPEN_OBJECT) {
        this.stack.push(c);
        this.mode = Mode.ResultStart;
        this.expectKey = false;
        return this.mode;
      }
      this.stack.push(c);
      if (this.stack.length <= 2) this.keys[this.stack.length - 1] = '';
      this.expectKey = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      this.stack.pop();
      this.expectKey = false;
    } else if (c === COMMA) {
      this.expectKey = top === OPEN_OBJECT;
    } else if (c === COLON) {
      this.expectKey = false;
    }
    return this.mode;
  }

  private finishElement(): void {
    const bytes = this.element.length === 1 ? (this.element[0] as Buffer) : Buffer.concat(this.element);
    this.element = [];
    this.onElement(this.read?.(bytes) ?? JSON.parse(bytes.toString('utf8')));
  }
}
