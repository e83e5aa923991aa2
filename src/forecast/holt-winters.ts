import { median } from './stats.js';

/**
 * Holt-Winters on log spend: a weekly profile that scales with the level, a damped trend, and
 * robust updates (an error beyond a few noise units moves the states as if it were that size),
 * so a spike day does not lift the level for the days after it. The level is then a typical
 * day's; the caller's spike allowance makes the forecast an expected value.
 */

const SEASON = 7;
/** Errors beyond this many noise units are clipped before they update the states. */
const CLIP = 2.5;
/** The parameter grid, fitted by the sum of squared (clipped) one-step errors. */
export const GRID = { alpha: [0.15, 0.4], beta: [0.03, 0.1], gamma: [0.1, 0.3], phi: [0.9] };

interface State {
  sse: number;
  level: number;
  trend: number;
  season: Float64Array;
}

/** Log spend, days without spend left out (NaN); the noise scale of same-weekday differences. */
function logsOf(history: readonly number[]): { z: Float64Array; noise: number } {
  const z = Float64Array.from(history, (v) => (v > 0 ? Math.log(v) : Number.NaN));
  const d: number[] = [];
  for (let t = SEASON; t < z.length; t++) {
    const e = (z[t] as number) - (z[t - SEASON] as number);
    if (Number.isFinite(e)) d.push(Math.abs(e));
  }
  const noise = d.length > 0 ? (1.4826 * median(d)) / Math.SQRT2 : 0.1;
  return { z, noise: Math.max(noise, 0.01) };
}

/** The first week's mean, the trend between the first two weeks, and the first week's profile. */
function start(z: Float64Array): State {
  const week = (w: number) => {
    const xs: number[] = [];
    for (let i = w * SEASON; i < (w + 1) * SEASON && i < z.length; i++) if (Number.isFinite(z[i])) xs.push(z[i] as number);
    return xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
  };
  const level = week(0);
  const second = week(1);
  const season = new Float64Array(SEASON);
  for (let i = 0; i < SEASON; i++) season[i] = Number.isFinite(z[i]) ? (z[i] as number) - level : 0;
  return { sse: 0, level, trend: Number.isFinite(second) ? (second - level) / SEASON : 0, season };
}

function fit(z: Float64Array, noise: number, alpha: number, beta: number, gamma: number, phi: number): State {
  const st = start(z);
  const limit = CLIP * noise;
  for (let t = SEASON; t < z.length; t++) {
    const slot = t % SEASON;
    const s = st.season[slot] as number;
    const predicted = st.level + phi * st.trend + s;
    const v = z[t] as number;
    if (!Number.isFinite(v)) {
      st.level += phi * st.trend;
      st.trend *= phi;
      continue;
    }
    const err = Math.max(-limit, Math.min(limit, v - predicted));
    st.sse += err * err;
    const y = predicted + err;
    const prev = st.level;
    st.level = alpha * (y - s) + (1 - alpha) * (prev + phi * st.trend);
    st.trend = beta * (st.level - prev) + (1 - beta) * phi * st.trend;
    st.season[slot] = gamma * (y - st.level) + (1 - gamma) * s;
  }
  return st;
}

/** Typical spend of the next `horizon` days (times `allowance`), from the best fit on the grid. */
export function holtWinters(history: readonly number[], horizon: number, allowance: number): number[] {
  const { z, noise } = logsOf(history);
  if (!Number.isFinite(start(z).level)) return new Array<number>(horizon).fill(0);
  let best: (State & { phi: number }) | undefined;
  for (const alpha of GRID.alpha)
    for (const beta of GRID.beta)
      for (const gamma of GRID.gamma)
        for (const phi of GRID.phi) {
          const f = fit(z, noise, alpha, beta, gamma, phi);
          if (!best || f.sse < best.sse) best = { ...f, phi };
        }
  const b = best as State & { phi: number };
  // Centre the profile so the level carries the whole week.
  const centre = b.season.reduce((a, c) => a + c, 0) / SEASON;
  const n = history.length;
  const out: number[] = [];
  let damp = 0;
  for (let h = 1; h <= horizon; h++) {
    damp += b.phi ** h;
    out.push(Math.exp(b.level + centre + damp * b.trend + (b.season[(n + h - 1) % SEASON] as number) - centre) * allowance);
  }
  return out;
}
