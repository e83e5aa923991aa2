/**
 * A production-shaped history with its ground truth, tallied while the traffic is made: pod churn
 * with rolling restarts, an HA Prometheus pair (one replica out for 40 minutes), a label rename on
 * an upgrade, process restarts, sparse one-call series, a target gone for five hours, and a monthly
 * job whose series is absent for 31 days between runs. It spans the end of summer time in Europe
 * (2026-10-25) so calendar days can be checked in Berlin and in Kolkata (+05:30).
 *
 * Truth rule: usage belongs to the first scrape (by any replica) that shows it, and a scrape at
 * exactly midnight closes the day before, as tokenspend's windows are (start, end].
 */
import type { Labels } from '../../src/model.js';
import { rng } from './history.js';

export interface GeneratedSeries {
  name: string;
  labels: Labels;
  times: number[];
  values: number[];
}

export interface Observation {
  t: number;
  /** `gateway|model`. */
  key: string;
  type: 'input' | 'output';
  tokens: number;
}

export interface ProductionHistory {
  start: number;
  end: number;
  series: GeneratedSeries[];
  observations: Observation[];
}

interface Life {
  from: number;
  to: number;
  labels: Labels;
}

interface Counter {
  name: string;
  key: string;
  type: 'input' | 'output';
  /** Tokens per tick at the daily peak. */
  mean: number;
  /** Process lifetimes: the counter starts from zero in each; no samples outside them. */
  lives: Life[];
  /** Can the scrapers reach it at this time? (a target gone for hours, a job between runs) */
  reachable: (t: number) => boolean;
  /** Does it get traffic at this time? */
  busy: (t: number) => boolean;
  /** Explicit usage at given ticks instead of random traffic (sparse one-call series). */
  calls?: Map<number, number>;
}

interface Scraper {
  /** Value of the replica label; undefined: the series carry none. */
  replica: string | undefined;
  offsetMs: number;
  down: [number, number][];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TICK = 30 * 60_000;

function shape(t: number): number {
  const h = new Date(t).getUTCHours();
  return 0.2 + 0.8 * Math.max(0, Math.sin(((h - 6) / 24) * 2 * Math.PI));
}

function agw(gateway: string, model: string, type: 'input' | 'output', extra: Labels = {}): Labels {
  return {
    gen_ai_token_type: type,
    gen_ai_operation_name: 'chat',
    gen_ai_system: 'openai',
    gen_ai_request_model: model,
    gen_ai_response_model: model,
    gateway,
    ...extra,
  };
}

const AGW = 'agentgateway_gen_ai_client_token_usage_sum';

/** Builds the counters of every scenario between `start` and `end`. */
function counters(start: number, end: number): { counters: Counter[]; ha: Set<Counter> } {
  const always = () => true;
  const out: Counter[] = [];
  const ha = new Set<Counter>();
  const pair = (key: string, mean: number, lives: (type: 'input' | 'output') => Life[], more: Partial<Counter> = {}) => {
    for (const type of ['input', 'output'] as const) {
      out.push({
        name: AGW,
        key,
        type,
        mean: type === 'input' ? mean : mean / 5,
        lives: lives(type),
        reachable: always,
        busy: always,
        ...more,
      });
    }
    return out.slice(-2);
  };
  const whole = (labels: Labels): Life[] => [{ from: start, to: end, labels }];

  // Pod churn: three pods of gw-churn; every 8 hours one is replaced by a new pod (a new series
  // from zero); pod-0 also restarts in place once (same labels: a counter reset).
  for (let slot = 0; slot < 3; slot++) {
    pair('gw-churn|gpt-4o-mini', 4000, (type) => {
      const lives: Life[] = [];
      let from = start;
      let generation = 0;
      for (let t = start + (slot + 1) * 8 * HOUR; from < end; t += 24 * HOUR) {
        const to = Math.min(end, t);
        const labels = agw('gw-churn', 'gpt-4o-mini', type, { pod: `gw-churn-${slot}-${generation++}` });
        if (slot === 0 && generation === 3) {
          const restart = from + Math.floor((to - from) / 2 / TICK) * TICK;
          lives.push({ from, to: restart, labels }, { from: restart, to, labels });
        } else {
          lives.push({ from, to, labels });
        }
        from = to;
      }
      return lives;
    });
  }

  // The HA pair: every gw-ha series is scraped by two Prometheus replicas.
  for (const c of pair('gw-ha|gpt-4o', 3000, (type) => {
    const labels = agw('gw-ha', 'gpt-4o', type);
    const restart = start + 12 * DAY + 7 * HOUR;
    return [
      { from: start, to: restart, labels },
      { from: restart, to: end, labels },
    ];
  }))
    ha.add(c);

  // A label rename on an upgrade: gen_ai_system becomes gen_ai_provider_name; the process restarts.
  pair('gw-upgrade|claude-haiku-4-5', 1500, (type) => {
    const upgrade = start + 20 * DAY + 13 * HOUR;
    const old = agw('gw-upgrade', 'claude-haiku-4-5', type, { gen_ai_system: 'anthropic' });
    const renamed: Labels = { ...old, gen_ai_provider_name: 'anthropic' };
    delete renamed.gen_ai_system;
    return [
      { from: start, to: upgrade, labels: old },
      { from: upgrade, to: end, labels: renamed },
    ];
  });

  // A target gone for five hours: scrapes fail, the counter goes on; nothing is lost.
  const gone: [number, number] = [start + 16 * DAY + 9 * HOUR, start + 16 * DAY + 14 * HOUR];
  pair('gw-flaky|gemini-2.5-flash', 2500, (type) => whole(agw('gw-flaky', 'gemini-2.5-flash', type, { gen_ai_system: 'gcp.gemini' })), {
    reachable: (t) => !(t >= gone[0] && t < gone[1]),
  });

  // Sparse one-call series: a rare model used once, and again three days later.
  const one = start + 9 * DAY + 15 * HOUR;
  for (const type of ['input', 'output'] as const) {
    const calls = new Map<number, number>([
      [one, type === 'input' ? 1234 : 321],
      [one + 3 * DAY + 2 * HOUR, type === 'input' ? 777 : 55],
    ]);
    out.push({
      name: type === 'input' ? 'llm_tokens_in_total' : 'llm_tokens_out_total',
      key: 'gw-sparse|o3',
      type,
      mean: 0,
      lives: whole({ model: 'o3', gateway: 'gw-sparse' }),
      reachable: always,
      busy: always,
      calls,
    });
  }

  // An idle gateway: scraped all along, its counters flat after its first week (idle is not stale).
  pair('gw-idle|gpt-4o-mini', 800, (type) => whole(agw('gw-idle', 'gpt-4o-mini', type)), { busy: (t) => t < start + 7 * DAY });

  // A monthly job: runs on the first of the month for three hours; between runs its series is
  // not exported at all, and its cumulative counter carries on where it stopped.
  const runs = (t: number) => {
    const d = new Date(t);
    return d.getUTCDate() === 1 && d.getUTCHours() < 3;
  };
  pair('gw-batch|gpt-4.1', 9000, (type) => whole(agw('gw-batch', 'gpt-4.1', type)), { reachable: runs, busy: runs });
  return { counters: out, ha };
}

/** The history from 2026-09-28 to 2026-11-04 (UTC), every 30 minutes, with its observations. */
export function productionHistory(seed = 28): ProductionHistory {
  const start = Date.UTC(2026, 8, 28);
  const end = Date.UTC(2026, 10, 4);
  const r = rng(seed);
  const { counters: all, ha } = counters(start, end);
  const single: Scraper[] = [{ replica: undefined, offsetMs: 17_000, down: [] }];
  const outage: [number, number] = [start + 14 * DAY + 10 * HOUR, start + 14 * DAY + 10 * HOUR + 40 * 60_000];
  const pair: Scraper[] = [
    { replica: 'prom-a', offsetMs: 13_000, down: [] },
    { replica: 'prom-b', offsetMs: 41_000, down: [outage] },
  ];
  const series = new Map<string, GeneratedSeries>();
  const observations: Observation[] = [];
  for (const c of all) {
    const scrapers = ha.has(c) ? pair : single;
    let value = 0;
    let pending = 0;
    let life: Life | undefined;
    for (let tick = start; tick < end; tick += TICK) {
      const now = c.lives.find((l) => tick >= l.from && tick < l.to);
      if (now !== life) {
        value = 0; // a new process: the counter starts from zero
        pending = 0; // usage nobody scraped before the old one ended is gone with it
        life = now;
      }
      if (!life) continue;
      const used = c.calls ? (c.calls.get(tick) ?? 0) : c.busy(tick) ? Math.round(c.mean * shape(tick) * (0.5 + r())) : 0;
      value += used;
      pending += used;
      for (const s of scrapers) {
        const t = tick + s.offsetMs;
        if (!c.reachable(t) || s.down.some(([a, b]) => t >= a && t < b)) continue;
        const labels = s.replica === undefined ? life.labels : { ...life.labels, prometheus_replica: s.replica };
        const id = `${c.name}${JSON.stringify(labels)}`;
        let g = series.get(id);
        if (!g) series.set(id, (g = { name: c.name, labels, times: [], values: [] }));
        g.times.push(t);
        g.values.push(value);
        if (pending > 0) observations.push({ t, key: c.key, type: c.type, tokens: pending });
        pending = 0;
      }
    }
  }
  return { start, end, series: [...series.values()], observations };
}

/** The truth: tokens per calendar day in `zone` (`YYYY-MM-DD`) and `gateway|model`, for days in (from, to]. */
export function truthByDay(
  h: ProductionHistory,
  zone: string,
  from = -Infinity,
  to = Infinity,
): Record<string, Record<string, { input: number; output: number }>> {
  const day = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const out: Record<string, Record<string, { input: number; output: number }>> = {};
  for (const o of h.observations) {
    if (!(o.t > from && o.t <= to)) continue;
    const d = day.format(new Date(o.t - 1));
    out[d] ??= {};
    const cell = ((out[d] as Record<string, { input: number; output: number }>)[o.key] ??= { input: 0, output: 0 });
    cell[o.type] += o.tokens;
  }
  return out;
}

/** OpenMetrics text of a generated history (timestamps in seconds), with `# EOF`. */
export function* openMetricsOf(series: readonly GeneratedSeries[]): Generator<string> {
  // A metric family's samples stand together, after its TYPE line.
  const byName = [...series].sort((a, b) => a.name.localeCompare(b.name));
  let family = '';
  for (const s of byName) {
    if (s.name !== family) {
      family = s.name;
      yield `# TYPE ${family} unknown`;
    }
    const labels = Object.entries(s.labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    for (let i = 0; i < s.times.length; i++) yield `${s.name}{${labels}} ${s.values[i]} ${(s.times[i] as number) / 1000}`;
  }
  yield '# EOF';
}
