import { type Coverage, emptyCoverage, isCounterValue, sliceOf } from './accounting.js';

/**
 * How far back in time a sample of one series may arrive after a later one of the same series
 * and still be counted: 5 minutes of data time. Samples are held that long, then accounted in
 * time order; one that arrives after a later sample of its series was already accounted is
 * refused (`LateSample`), never silently miscounted.
 */
export const OUT_OF_ORDER_WINDOW_MS = 5 * 60_000;

/** A sample that arrived after a later one of its series had been accounted. */
export interface LateSample {
  time: number;
  after: number;
}

/** What one streamed series counted: the same figures `accountSeries` gives for its samples. */
export interface StreamResult {
  perSlice: Float64Array;
  coverage: Coverage;
  /** Time of the newest sample holding a counter value, or NaN. */
  newest: number;
  /** The median interval between consecutive samples, 0 with fewer than three samples. */
  typical: number;
}

function bump(counts: Map<number, number>, key: number): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/**
 * One series accounted as its samples stream in (design §4, the rules of `accountSeries`), in
 * O(1) memory per series but for the out-of-order window: the counter's last value and time, the
 * tokens per slice of `edges`, the coverage, and the intervals between samples (as counts per
 * distinct interval, usually one or two) for the median interval and the gaps it defines.
 */
export class StreamedSeries {
  /** Samples within the out-of-order window, ascending in time (ties in arrival order). */
  private times: number[] = [];
  private values: number[] = [];
  private head = 0;
  private maxTime = Number.NEGATIVE_INFINITY;
  private settledTime = Number.NEGATIVE_INFINITY;
  /** The last arrival, held back: a second reading at the same time replaces it (one scrape read twice). */
  private heldTime = Number.NaN;
  private heldValue = Number.NaN;

  /**
   * Tokens per slice: the few slices used so far in a map, then, once more than an eighth of them
   * are, an array over all of them (a year of hourly slices is 8,760 numbers a series).
   */
  private readonly used = new Map<number, number>();
  private perSlice: Float64Array | undefined;
  private readonly coverage = emptyCoverage();
  private prev = Number.NaN;
  private prevTime = Number.NaN;
  private started = false;
  private count = 0;
  private lastTime = Number.NaN;
  private newest = Number.NaN;
  /** Interval → how many consecutive samples were that far apart. */
  private readonly intervals = new Map<number, number>();
  /** Interval from the previous counter value → how many counted samples had it (gap candidates). */
  private readonly steps = new Map<number, number>();

  constructor(
    private readonly edges: readonly number[],
    private readonly lookbackMs: number,
  ) {
    this.coverage.series = 1;
  }

  /** Adds a sample; returns what refused it when a later sample of the series was already accounted. */
  add(time: number, value: number): LateSample | undefined {
    if (time === this.heldTime) {
      this.heldValue = value;
      return undefined;
    }
    if (!Number.isNaN(this.heldTime)) this.enqueue(this.heldTime, this.heldValue); // checked when it arrived
    this.heldTime = Number.NaN;
    if (time < this.settledTime) return { time, after: this.settledTime };
    this.heldTime = time;
    this.heldValue = value;
    return undefined;
  }

  /** Accounts every sample still held; the series is complete. */
  finish(): StreamResult {
    if (!Number.isNaN(this.heldTime)) this.enqueue(this.heldTime, this.heldValue);
    this.heldTime = Number.NaN;
    this.settle(Number.POSITIVE_INFINITY);
    const typical = this.typicalInterval();
    if (typical > 0) for (const [dt, n] of this.steps) if (dt > 3 * typical) this.coverage.gaps += n;
    this.steps.clear();
    return { perSlice: this.perSlice ?? this.spread(), coverage: this.coverage, newest: this.newest, typical };
  }

  private addTokens(slice: number, tokens: number): void {
    const dense = this.perSlice;
    if (dense) {
      dense[slice] = (dense[slice] as number) + tokens;
      return;
    }
    this.used.set(slice, (this.used.get(slice) ?? 0) + tokens);
    if (this.used.size * 8 > this.edges.length) {
      this.perSlice = this.spread();
      this.used.clear();
    }
  }

  /** The slices used so far as an array over all slices. */
  private spread(): Float64Array {
    const out = new Float64Array(this.edges.length - 1);
    for (const [slice, tokens] of this.used) out[slice] = tokens;
    return out;
  }

  /** Puts a sample (not late: checked on arrival) in time order among the held ones, and accounts those past the window. */
  private enqueue(time: number, value: number): void {
    let at = this.times.length;
    while (at > this.head && (this.times[at - 1] as number) > time) at--;
    if (at === this.times.length) {
      this.times.push(time);
      this.values.push(value);
    } else {
      this.times.splice(at, 0, time);
      this.values.splice(at, 0, value);
    }
    if (time > this.maxTime) this.maxTime = time;
    this.settle(this.maxTime - OUT_OF_ORDER_WINDOW_MS);
  }

  /** Accounts, in time order, the held samples older than `before`. */
  private settle(before: number): void {
    while (this.head < this.times.length && (this.times[this.head] as number) < before) {
      const t = this.times[this.head] as number;
      this.account(t, this.values[this.head] as number);
      this.settledTime = t;
      this.head++;
    }
    if (this.head > 32 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.values = this.values.slice(this.head);
      this.head = 0;
    }
  }

  /** One sample, in time order: the loop of `accountSeries`, with gaps decided at the end. */
  private account(t: number, v: number): void {
    if (this.count > 0) bump(this.intervals, t - this.lastTime);
    this.count++;
    this.lastTime = t;
    const valid = isCounterValue(v);
    if (valid) this.newest = t;
    const start = this.edges[0] as number;
    if (t <= start) {
      if (valid) {
        this.prev = v;
        this.prevTime = t;
      }
      return;
    }
    if (!this.started) {
      this.started = true;
      if (!Number.isNaN(this.prevTime) && this.prevTime <= start - this.lookbackMs) {
        this.prev = Number.NaN;
        this.prevTime = Number.NaN;
      }
    }
    if (t > (this.edges[this.edges.length - 1] as number)) return;
    this.countSample(t, v, valid);
  }

  private countSample(t: number, v: number, valid: boolean): void {
    const coverage = this.coverage;
    coverage.samples++;
    if (!valid) {
      if (Number.isNaN(v)) coverage.skippedSamples++;
      else coverage.invalidSamples++;
      return;
    }
    let increment: number;
    if (Number.isNaN(this.prev)) {
      coverage.births++;
      increment = v;
    } else if (v >= this.prev) {
      increment = v - this.prev;
    } else {
      coverage.resets++;
      increment = v;
    }
    if (!Number.isNaN(this.prevTime)) bump(this.steps, t - this.prevTime);
    if (increment !== Math.floor(increment)) coverage.fractionalIncrements++;
    const slice = sliceOf(this.edges, t);
    if (slice >= 0) this.addTokens(slice, increment);
    this.prev = v;
    this.prevTime = t;
  }

  /** `typicalInterval` over the counted intervals: the lower median. */
  private typicalInterval(): number {
    if (this.count < 3) return 0;
    const wanted = (this.count - 2) >> 1; // index into the sorted count − 1 intervals
    const keys = [...this.intervals.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const k of keys) {
      seen += this.intervals.get(k) as number;
      if (seen > wanted) return k;
    }
    return 0;
  }
}

/**
 * Tokens per slice of `streamed` edges, re-cut by the `final` edges: the same interior edges
 * (those inside the final window), and final outer edges that only bound the data where the
 * streamed ones were open (±Infinity). Throws when the two do not agree (a bug).
 */
export function recut(perSlice: Float64Array, streamed: readonly number[], final: readonly number[]): Float64Array {
  if (streamed.length === final.length && streamed.every((e, i) => e === final[i])) return perSlice;
  const out = new Float64Array(final.length - 1);
  const last = final[final.length - 1] as number;
  for (let j = 0; j < perSlice.length; j++) {
    const tokens = perSlice[j] as number;
    if (tokens === 0) continue;
    const slice = sliceOf(final, Math.min(streamed[j + 1] as number, last));
    // With an open start, the data begins after the final start: no sample lies before it.
    const from = streamed[0] === Number.NEGATIVE_INFINITY ? Math.max(streamed[j] as number, final[0] as number) : (streamed[j] as number);
    if (slice < 0 || from < (final[slice] as number)) {
      throw new Error('the streamed slices do not fit the final edges');
    }
    out[slice] = (out[slice] as number) + tokens;
  }
  return out;
}
