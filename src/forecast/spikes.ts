import { slotOf, weeklyProfile } from './seasonal.js';
import { trimmedMean } from './stats.js';

/** Days on each side of a day whose deseasonalised spend gives its typical level. */
const REACH = 10;
/** A day above this many times its typical level counts as a spike (its excess is pooled). */
const SPIKE = 2;

/**
 * What spikes and the skew of day-to-day noise add to a robust level. Each day's spend is divided
 * by its typical level (the trimmed mean of the deseasonalised log spend of the 21 days around
 * it); the mean of these ratios is the allowance. A robust level leaves spike days out, but a
 * period total contains them. Sums are kept by day so that every back-test origin reads only the
 * days it could have known.
 */
export class SpikeAllowance {
  /** Prefix sums over days: ratios capped at SPIKE, what exceeds SPIKE, and the number of days. */
  private readonly capped: Float64Array;
  private readonly excess: Float64Array;
  private readonly counts: Int32Array;

  constructor(history: readonly number[]) {
    const n = history.length;
    this.capped = new Float64Array(n + 1);
    this.excess = new Float64Array(n + 1);
    this.counts = new Int32Array(n + 1);
    const profile = weeklyProfile(history, 8);
    const logs = history.map((v, i) => {
      const p = profile[slotOf(i, n)] as number;
      return v > 0 && p > 0.02 ? Math.log(v / p) : Number.NaN;
    });
    for (let i = 0; i < n; i++) {
      let ratio = Number.NaN;
      const p = profile[slotOf(i, n)] as number;
      if (i >= REACH && i + REACH < n && p > 0.02) {
        const near = logs.slice(i - REACH, i + REACH + 1).filter((v) => Number.isFinite(v));
        if (near.length >= REACH) ratio = (history[i] as number) / (p * Math.exp(trimmedMean(near, 0.25)));
      }
      const ok = Number.isFinite(ratio);
      this.capped[i + 1] = (this.capped[i] as number) + (ok ? Math.min(ratio, SPIKE) : 0);
      this.excess[i + 1] = (this.excess[i] as number) + (ok ? Math.max(0, ratio - SPIKE) : 0);
      this.counts[i + 1] = (this.counts[i] as number) + (ok ? 1 : 0);
    }
  }

  /** Index into the prefix sums of the days an origin `o` can know: those whose whole window lies before it. */
  private last(o: number): number {
    return Math.max(0, Math.min(this.counts.length - 1, o - REACH));
  }

  /** Days, and spike excess summed over them, known at origin `o`. */
  known(o: number): { days: number; excess: number } {
    const k = this.last(o);
    return { days: this.counts[k] as number, excess: this.excess[k] as number };
  }

  /**
   * The allowance known at origin `o`; 1 with fewer than a week of days to say. The spike part is
   * a rare-event rate, so it is shrunk towards `prior` (the excess per day of similar series)
   * with the weight of `prior.days` days.
   */
  at(o: number, prior?: { excess: number; days: number }): number {
    const k = this.last(o);
    const days = this.counts[k] as number;
    if (days < 7) return 1;
    const w = prior && Number.isFinite(prior.excess) ? prior.days : 0;
    const excess = ((this.excess[k] as number) + w * (prior?.excess ?? 0)) / (days + w);
    return (this.capped[k] as number) / days + excess;
  }
}
