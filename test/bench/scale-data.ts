/**
 * The scale benchmark's data: token counters over 30 days at a 5-minute scrape, with labels from
 * 20 models × 10 features × 50 teams × 10 gateways (the series pick spread-out combinations), for
 * `llm_tokens_in_total` and `llm_tokens_out_total` (half the series each). What happens in it:
 * - model-19 launches on day 12 at 01:00 (its series are born inside the window);
 * - gateway gw-3 restarts on day 20 at 10:17 (every counter on it resets);
 * - team-49's series stop on day 25 at 06:00 (they die inside the window);
 * - every series is scraped at its own offset within the 5 minutes.
 * `exactTotal` is the truth the reports must match, computed from the generator's own increments.
 */
import { rng } from '../generators/history.js';

const DAY = 86_400_000;
export const SCALE_START = Date.UTC(2026, 8, 1); // 2026-09-01
export const SCALE_DAYS = 30;
export const SCALE_STEP_MS = 300_000;

export interface ScaleSeries {
  name: string;
  labels: Record<string, string>;
  times: Float64Array;
  values: Float64Array;
}

/** The labels of series j (of one metric): combination j × 7919 mod 100,000 of the four dimensions. */
export function scaleLabels(j: number): Record<string, string> {
  const c = (j * 7919) % 100_000;
  return {
    model: `model-${c % 20}`,
    feature: `feature-${Math.floor(c / 20) % 10}`,
    team: `team-${Math.floor(c / 200) % 50}`,
    gateway: `gw-${Math.floor(c / 10_000) % 10}`,
  };
}

/** Every series, one at a time (8,640 samples each), and the tokens each one really used in the window. */
export function* scaleSeries(count: number, days = SCALE_DAYS): Generator<ScaleSeries & { used: number }> {
  const perMetric = Math.ceil(count / 2);
  const end = SCALE_START + days * DAY;
  for (const kind of ['in', 'out'] as const) {
    for (let j = 0; j < perMetric && (kind === 'in' || perMetric + j < count); j++) {
      const labels = scaleLabels(j);
      const r = rng(j * 2 + (kind === 'in' ? 1 : 2));
      const m = Number(labels.model?.slice(6));
      const born = m === 19 ? SCALE_START + 12 * DAY + 3_600_000 : SCALE_START - DAY;
      const restart = labels.gateway === 'gw-3' ? SCALE_START + 20 * DAY + 37_020_000 : Number.POSITIVE_INFINITY;
      const gone = labels.team === 'team-49' ? SCALE_START + 25 * DAY + 6 * 3_600_000 : Number.POSITIVE_INFINITY;
      const rate = (kind === 'in' ? 4000 : 600) * (1 + m / 5);
      const offset = ((j * 37) % 300) * 1000;
      const times: number[] = [];
      const values: number[] = [];
      let v = 0;
      let used = 0;
      let restarted = false;
      for (let t = born + offset; t < end && t < gone; t += SCALE_STEP_MS) {
        if (!restarted && t >= restart) {
          v = 0;
          restarted = true;
        }
        const inc = Math.floor(r() * rate);
        v += inc;
        // Usage inside the window: every increment after its start (a series born inside counts
        // from 0, and after the restart the counter's value is its increment).
        if (t > SCALE_START) used += inc;
        times.push(t);
        values.push(v);
      }
      yield { name: `llm_tokens_${kind}_total`, labels, times: Float64Array.from(times), values: Float64Array.from(values), used };
    }
  }
}
