/** Small robust statistics for the forecast methods. Pure; no allocation beyond what they return. */

/** Scratch space for medians: forecasts take many medians of short runs, and allocation would dominate. */
let scratch = new Float64Array(256);

/** Sorts the first `n` values of `a` in place (insertion sort: the runs here are short). */
function sortPrefix(a: Float64Array, n: number): void {
  if (n > 48) {
    a.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = a[i] as number;
    let j = i - 1;
    while (j >= 0 && (a[j] as number) > v) {
      a[j + 1] = a[j] as number;
      j--;
    }
    a[j + 1] = v;
  }
}

/** The median of `xs[from…to)`; NaN for none. `xs` is not changed. */
export function median(xs: ArrayLike<number>, from = 0, to = xs.length): number {
  const n = to - from;
  if (n <= 0) return Number.NaN;
  if (scratch.length < n) scratch = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) scratch[i] = xs[from + i] as number;
  sortPrefix(scratch, n);
  return n % 2 === 1 ? (scratch[n >> 1] as number) : ((scratch[n / 2 - 1] as number) + (scratch[n / 2] as number)) / 2;
}

/** The q-quantile of ascending `sorted`, linear between points; NaN for none. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = Math.min(1, Math.max(0, q)) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length > 0 ? s / xs.length : Number.NaN;
}

/**
 * Theil–Sen slope of points (x, y) taken in groups: only pairs inside the same group count, so a
 * level shift between groups does not tilt the slope. Zero when no pair has distinct x.
 */
export function groupedSlope(groups: readonly { x: number[]; y: number[] }[]): number {
  const slopes: number[] = [];
  for (const g of groups) {
    for (let i = 0; i < g.x.length; i++)
      for (let j = i + 1; j < g.x.length; j++) {
        const dx = (g.x[j] as number) - (g.x[i] as number);
        if (dx !== 0) slopes.push(((g.y[j] as number) - (g.y[i] as number)) / dx);
      }
  }
  return slopes.length > 0 ? median(slopes) : 0;
}

/** Sum of φ¹ … φᵏ: how far a damped trend has moved after k steps. */
export function dampedSteps(phi: number, k: number): number {
  return phi === 1 ? k : (phi * (1 - phi ** k)) / (1 - phi);
}

/** Mean of the middle of `xs`: a share `trim` cut from each end (0.25: the interquartile mean). */
export function trimmedMean(xs: readonly number[], trim: number): number {
  const n = xs.length;
  if (n === 0) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  const cut = Math.min(Math.floor(n * trim), Math.floor((n - 1) / 2));
  let sum = 0;
  for (let i = cut; i < n - cut; i++) sum += s[i] as number;
  return sum / (n - 2 * cut);
}
