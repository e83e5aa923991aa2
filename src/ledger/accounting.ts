/** What accounting found in one series (or a sum over many): the report's coverage. */
export interface Coverage {
  series: number;
  samples: number;
  /** Counter went down: the process restarted and counted from zero. */
  resets: number;
  /** Series with no sample before the window (within the look-back): their first value is usage. */
  births: number;
  /** Intervals between samples over 3× the series' usual interval: nothing lost, noted. */
  gaps: number;
  /** NaN samples (staleness markers, broken exporters) that were skipped. */
  skippedSamples: number;
  /** Values no counter can have (±Inf, negative, above 2^53): skipped, never a reset, never money. */
  invalidSamples: number;
  /** Increments that were not whole numbers. */
  fractionalIncrements: number;
}

export function emptyCoverage(): Coverage {
  return { series: 0, samples: 0, resets: 0, births: 0, gaps: 0, skippedSamples: 0, invalidSamples: 0, fractionalIncrements: 0 };
}

/**
 * A value a token counter can hold: finite, not negative, and an exact integer in a double
 * (at most 2^53). NaN is not one either, but it is a staleness marker, counted apart.
 */
export function isCounterValue(v: number): boolean {
  return v >= 0 && v <= Number.MAX_SAFE_INTEGER;
}

export function addCoverage(into: Coverage, from: Coverage): void {
  for (const k of Object.keys(into) as (keyof Coverage)[]) into[k] += from[k];
}

/** The index i of the slice (edges[i], edges[i+1]] holding t, or -1 when t is outside. */
export function sliceOf(edges: readonly number[], t: number): number {
  const last = edges.length - 1;
  if (!(t > (edges[0] as number)) || t > (edges[last] as number)) return -1;
  let lo = 0;
  let hi = last;
  // Invariant: edges[lo] < t <= edges[hi].
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if ((edges[mid] as number) < t) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Exact counter accounting for one series (design §4). `times` ascending, in ms. Returns the
 * tokens counted in each slice of `edges`:
 * - the increment between two samples is b − a, or b after a reset (b < a);
 * - it belongs to the slice holding the later sample, so slices partition the window exactly;
 * - with no sample in (start − lookback, start], the series was born in the window and its first
 *   value is usage;
 * - a gap loses nothing: the next sample's increment covers it.
 */
export function accountSeries(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  edges: readonly number[],
  lookbackMs: number,
): { perSlice: Float64Array; coverage: Coverage } {
  const perSlice = new Float64Array(edges.length - 1);
  const coverage = emptyCoverage();
  coverage.series = 1;
  const start = edges[0] as number;
  const end = edges[edges.length - 1] as number;
  const n = times.length;

  // The baseline: the last real sample at or before the window start, within the look-back.
  let i = 0;
  let prev = Number.NaN;
  let prevTime = Number.NaN;
  while (i < n && (times[i] as number) <= start) {
    const v = values[i] as number;
    if (!isCounterValue(v)) {
      i++;
      continue;
    }
    prev = v;
    prevTime = times[i] as number;
    i++;
  }
  if (!Number.isNaN(prevTime) && prevTime <= start - lookbackMs) {
    prev = Number.NaN;
    prevTime = Number.NaN;
  }

  const typical = typicalInterval(times);
  for (; i < n; i++) {
    const t = times[i] as number;
    if (t > end) break;
    const v = values[i] as number;
    coverage.samples++;
    if (!isCounterValue(v)) {
      if (Number.isNaN(v)) coverage.skippedSamples++;
      else coverage.invalidSamples++;
      continue;
    }
    let increment: number;
    if (Number.isNaN(prev)) {
      coverage.births++;
      increment = v;
    } else if (v >= prev) {
      increment = v - prev;
    } else {
      coverage.resets++;
      increment = v;
    }
    if (!Number.isNaN(prevTime) && typical > 0 && t - prevTime > 3 * typical) coverage.gaps++;
    if (increment !== Math.floor(increment)) coverage.fractionalIncrements++;
    const slice = sliceOf(edges, t);
    if (slice >= 0) perSlice[slice] = (perSlice[slice] as number) + increment;
    prev = v;
    prevTime = t;
  }
  return { perSlice, coverage };
}

/** The median interval between consecutive samples, or 0 when there are fewer than three. */
export function typicalInterval(times: ArrayLike<number>): number {
  const n = times.length;
  if (n < 3) return 0;
  const dts = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) dts[i - 1] = (times[i] as number) - (times[i - 1] as number);
  dts.sort();
  return dts[(dts.length - 1) >> 1] as number;
}

/** The time of the last sample that holds a counter value, or NaN. */
export function newestValid(times: ArrayLike<number>, values: ArrayLike<number>): number {
  for (let i = times.length - 1; i >= 0; i--) if (isCounterValue(values[i] as number)) return times[i] as number;
  return Number.NaN;
}
