/**
 * Generates a timestamped history of LLM-gateway token counters, and the ground truth of what
 * they counted, from one seeded simulation. The truth is tallied while the traffic is made, not
 * derived from the counters, so tests can hold tokenspend's accounting against it.
 */

export type Dialect = 'agentgateway';

export interface Stream {
  gateway: string;
  provider: 'openai' | 'anthropic' | 'gcp.gemini' | 'self-hosted';
  requestModel: string;
  responseModel: string;
  feature: string;
  /** Requests per hour at the daily peak on a weekday. */
  peakPerHour: number;
  meanInput: number;
  meanOutput: number;
  /** Share of input served from the prompt cache. */
  cachedShare: number;
  /** Share of input written to the prompt cache (Anthropic). */
  cacheWriteShare: number;
  /** The stream starts here (a model introduced mid-history); default: the history start. */
  startsAt?: number;
  /** A `team` label on its series (none when absent). */
  team?: string;
  /** Traffic grows by this share a day (0.01: 1% a day, compounding). */
  growth?: number;
  /** From `at` on, traffic is `factor` times what it was (a launch, a migration). */
  shifts?: { at: number; factor: number }[];
  /** UTC days (YYYY-MM-DD) with `factor` times the usual traffic (a batch job, a retry storm). */
  busyDays?: Record<string, number>;
}

export interface HistorySpec {
  seed: number;
  start: number;
  end: number;
  /** Scrape interval, ms. */
  intervalMs: number;
  /** Offset of scrapes from `start`, ms (so scrapes do not fall on day edges). */
  offsetMs: number;
  streams: Stream[];
  /** Gateway → time of a restart: its counters drop to zero there. */
  restarts: Record<string, number>;
  /** Gateway → [from, to): scrapes that failed (no samples). */
  gaps: Record<string, [number, number]>;
}

/** Ground truth: canonical tokens per UTC day (YYYY-MM-DD) and stream key. */
export type Truth = Record<string, Record<string, { input: number; cached_input: number; cache_write: number; output: number }>>;

export function streamKey(s: Stream): string {
  return `${s.gateway}|${s.responseModel}|${s.feature}`;
}

/** Mulberry32: small, fast, seedable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Traffic shape: a daily curve peaking mid-afternoon UTC, weekends at 35%. */
export function trafficShape(t: number): number {
  const d = new Date(t);
  const hour = d.getUTCHours() + d.getUTCMinutes() / 60;
  const daily = 0.15 + 0.85 * Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI)) ** 1.5;
  const weekday = d.getUTCDay();
  return daily * (weekday === 0 || weekday === 6 ? 0.35 : 1);
}

/** Poisson-ish request count with mean `mean` (normal approximation for large means). */
function requests(mean: number, r: () => number): number {
  if (mean <= 0) return 0;
  if (mean < 30) {
    let k = 0;
    let p = Math.exp(-mean);
    let s = p;
    const u = r();
    while (u > s && k < 200) {
      k++;
      p *= mean / k;
      s += p;
    }
    return k;
  }
  const z = Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
  return Math.max(0, Math.round(mean + z * Math.sqrt(mean)));
}

/** How a stream's traffic at `t` differs from its usual: growth, level shifts, busy days. */
function dynamics(stream: Stream, start: number, t: number): number {
  let f = stream.growth ? (1 + stream.growth) ** ((t - start) / 86_400_000) : 1;
  for (const s of stream.shifts ?? []) if (t >= s.at) f *= s.factor;
  return f * (stream.busyDays?.[new Date(t).toISOString().slice(0, 10)] ?? 1);
}

/**
 * Tokens of `n` requests, each uniform in 0.3–1.7 × `mean` (at least 1): summed one by one for a
 * few requests, by the normal approximation of the sum for many (so long histories stay quick).
 */
function tokensOf(n: number, mean: number, r: () => number): number {
  if (n < 30) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.max(1, Math.round(mean * (0.3 + 1.4 * r())));
    return sum;
  }
  const z = Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
  return Math.max(n, Math.round(n * mean + z * Math.sqrt(n) * mean * (1.4 / Math.sqrt(12))));
}

type Kind = 'input' | 'input_cache_read' | 'input_cache_write' | 'output';

interface Series {
  stream: Stream;
  kind: Kind;
  times: number[];
  values: number[];
}

export interface History {
  series: Series[];
  truth: Truth;
}

/** Runs the simulation. */
export function simulate(spec: HistorySpec): History {
  const r = rng(spec.seed);
  const truth: Truth = {};
  const all: Series[] = [];
  for (const stream of spec.streams) {
    const kinds: Kind[] = ['input', 'output'];
    if (stream.cachedShare > 0) kinds.push('input_cache_read');
    if (stream.cacheWriteShare > 0) kinds.push('input_cache_write');
    const series = new Map(kinds.map((k) => [k, { stream, kind: k, times: [] as number[], values: [] as number[] }]));
    const counters = new Map<Kind, number>(kinds.map((k) => [k, 0]));
    const born = stream.startsAt ?? spec.start;
    const restart = spec.restarts[stream.gateway];
    const gap = spec.gaps[stream.gateway];
    let restarted = false;
    let visible = false;
    let pending = { input: 0, cached_input: 0, cache_write: 0, output: 0 };
    for (let t = spec.start + spec.offsetMs; t <= spec.end; t += spec.intervalMs) {
      if (t < born) continue;
      if (restart !== undefined && !restarted && t >= restart) {
        // The process restarted at the start of this interval: counters begin again from zero.
        for (const k of kinds) counters.set(k, 0);
        restarted = true;
      }
      const hours = spec.intervalMs / 3_600_000;
      const n = visible || t > born ? requests(stream.peakPerHour * hours * trafficShape(t) * dynamics(stream, spec.start, t), r) : 0;
      const input = tokensOf(n, stream.meanInput, r);
      const output = tokensOf(n, stream.meanOutput, r);
      const cached = Math.floor(input * stream.cachedShare);
      const written = Math.floor(input * stream.cacheWriteShare);
      const uncached = input - cached - written;
      // Current agentgateway: input includes cache reads and writes for every provider.
      const reportedInput = input;
      counters.set('input', (counters.get('input') as number) + reportedInput);
      counters.set('output', (counters.get('output') as number) + output);
      if (kinds.includes('input_cache_read')) counters.set('input_cache_read', (counters.get('input_cache_read') as number) + cached);
      if (kinds.includes('input_cache_write')) counters.set('input_cache_write', (counters.get('input_cache_write') as number) + written);
      pending.input += uncached;
      pending.cached_input += cached;
      pending.cache_write += written;
      pending.output += output;
      visible = true;
      if (gap && t >= gap[0] && t < gap[1]) continue; // scrape failed: usage shows up at the next one
      for (const k of kinds) {
        const s = series.get(k) as Series;
        s.times.push(t);
        s.values.push(counters.get(k) as number);
      }
      // The truth is the traffic itself, credited to the day of the scrape that first shows it;
      // days are (00:00, 24:00], so a sample at exactly midnight closes the day before.
      const day = new Date(t - 1).toISOString().slice(0, 10);
      const byDay = truth[day] ?? {};
      truth[day] = byDay;
      const entry = byDay[streamKey(stream)] ?? { input: 0, cached_input: 0, cache_write: 0, output: 0 };
      byDay[streamKey(stream)] = entry;
      entry.input += pending.input;
      entry.cached_input += pending.cached_input;
      entry.cache_write += pending.cache_write;
      entry.output += pending.output;
      pending = { input: 0, cached_input: 0, cache_write: 0, output: 0 };
    }
    all.push(...series.values());
  }
  return { series: all, truth };
}

/** The truth, without stream-days that used nothing (the report has no row for them). */
export function nonzero(truth: Truth): Truth {
  const out: Truth = {};
  for (const [day, streams] of Object.entries(truth)) {
    for (const [k, t] of Object.entries(streams)) {
      if (t.input + t.cached_input + t.cache_write + t.output === 0) continue;
      out[day] ??= {};
      (out[day] as Truth[string])[k] = t;
    }
  }
  return out;
}

/** A stepped JSON report (by gateway, model, feature) in the truth's shape. */
export function byDay(json: { rows: { start: string; group: Record<string, string>; tokens: Truth[string][string] }[] }): Truth {
  const got: Truth = {};
  for (const r of json.rows) {
    const day = (r.start as string).slice(0, 10);
    got[day] ??= {};
    (got[day] as Truth[string])[`${r.group.gateway}|${r.group.model}|${r.group.feature}`] = r.tokens;
  }
  return got;
}

function labelsOf(s: Series, dialect: Dialect): string {
  const st = s.stream;
  if (dialect === 'agentgateway') {
    return [
      `gen_ai_token_type="${s.kind}"`,
      'gen_ai_operation_name="chat"',
      `gen_ai_system="${st.provider}"`,
      `gen_ai_request_model="${st.requestModel}"`,
      `gen_ai_response_model="${st.responseModel}"`,
      `gateway="${st.gateway}"`,
      `route="default/${st.feature}"`,
      `feature="${st.feature}"`,
      ...(st.team ? [`team="${st.team}"`] : []),
    ].join(',');
  }
  throw new Error(`unknown dialect ${dialect}`);
}

/** OpenMetrics text (timestamps in seconds, `# EOF`), one series after another in time order. */
export function* openMetricsLines(history: History, dialect: Dialect = 'agentgateway'): Generator<string> {
  const name = 'agentgateway_gen_ai_client_token_usage_sum';
  yield `# HELP ${name} Sum of token usage observations.`;
  yield `# TYPE ${name} unknown`;
  for (const s of history.series) {
    const labels = labelsOf(s, dialect);
    for (let i = 0; i < s.times.length; i++) {
      yield `${name}{${labels}} ${s.values[i]} ${(s.times[i] as number) / 1000}`;
    }
  }
  yield '# EOF';
}

const DAY = 86_400_000;

/**
 * The bundled demo: three gateways, five models, five features and five teams over 13 weeks
 * (2026-08-24 to 2026-11-22), so that forecasts and back-tests have history to learn from. Support
 * grows 0.4% a day, search has a reindexing day every three weeks, platform rolled code review out
 * to every repository on 2026-10-19 (1.8× from then on); one restart, one scrape gap, a model
 * launched five days before the end, a sparse feature and a self-hosted (unpriced) model.
 */
export function demoSpec(): HistorySpec {
  const start = Date.UTC(2026, 7, 24); // a Monday
  const lab = labSpec();
  const stream = (key: string, extra: Partial<Stream>): Stream => {
    const s = lab.streams.find((x) => streamKey(x) === key);
    if (!s) throw new Error(`no lab stream ${key}`);
    return { ...s, ...extra };
  };
  const reindex = Object.fromEntries(['2026-09-15', '2026-10-06', '2026-10-27', '2026-11-17'].map((d) => [d, 2.5]));
  return {
    ...lab,
    seed: 20260824,
    start,
    // Hourly scrapes keep 13 weeks small (half a megabyte) and quick to read.
    intervalMs: 60 * 60_000,
    // Four hours of failed scrapes (a gap is a step over three scrape intervals); the usage shows
    // up at the next scrape on the same day, so the days' totals are those of the lab history's gap.
    gaps: { 'gw-us': [Date.UTC(2026, 10, 12, 13), Date.UTC(2026, 10, 12, 17)] },
    streams: [
      stream('gw-us|gpt-4o-2024-08-06|chat', { team: 'support', growth: 0.004 }),
      stream('gw-us|gpt-4o-mini-2024-07-18|search', { team: 'search', busyDays: reindex }),
      stream('gw-us|claude-sonnet-4-5-20250929|code-review', {
        team: 'platform',
        peakPerHour: 200,
        shifts: [{ at: Date.UTC(2026, 9, 19), factor: 1.8 }],
      }),
      stream('gw-eu|gpt-4o-2024-08-06|chat', { team: 'support', growth: 0.004 }),
      stream('gw-eu|gemini-2.5-flash|summarise', { team: 'research' }),
      stream('gw-eu|gpt-4o-mini-2024-07-18|export', { team: 'finance' }),
      stream('gw-batch|claude-haiku-4-5-20251001|summarise', { team: 'research' }),
      stream('gw-batch|llama-3.1-70b-instruct|summarise', { team: 'research' }),
    ],
  };
}

/**
 * The integration tests' history: three gateways, five models, four features, 15 days, one
 * restart, one gap, a model launched mid-way (short, so that servers load it quickly).
 */
export function labSpec(): HistorySpec {
  const start = Date.UTC(2026, 10, 7); // 2026-11-07
  const end = Date.UTC(2026, 10, 22);
  const s = (
    gateway: string,
    provider: Stream['provider'],
    model: string,
    responseModel: string,
    feature: string,
    peakPerHour: number,
    extra: Partial<Stream> = {},
  ): Stream => ({
    gateway,
    provider,
    requestModel: model,
    responseModel,
    feature,
    peakPerHour,
    meanInput: 1800,
    meanOutput: 350,
    cachedShare: provider === 'openai' ? 0.3 : 0,
    cacheWriteShare: 0,
    ...extra,
  });
  return {
    seed: 20261122,
    start,
    end,
    intervalMs: 20 * 60_000,
    offsetMs: 37_000,
    streams: [
      s('gw-us', 'openai', 'gpt-4o', 'gpt-4o-2024-08-06', 'chat', 900),
      s('gw-us', 'openai', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18', 'search', 2400, { meanInput: 3200, meanOutput: 120 }),
      s('gw-us', 'anthropic', 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 'code-review', 300, {
        meanInput: 9000,
        meanOutput: 900,
        cachedShare: 0.55,
        cacheWriteShare: 0.1,
      }),
      s('gw-eu', 'openai', 'gpt-4o', 'gpt-4o-2024-08-06', 'chat', 500),
      s('gw-eu', 'gcp.gemini', 'gemini-2.5-flash', 'gemini-2.5-flash', 'summarise', 700, {
        meanInput: 6000,
        meanOutput: 400,
        cachedShare: 0.2,
      }),
      s('gw-eu', 'openai', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18', 'export', 2, { meanInput: 1200, meanOutput: 600 }),
      s('gw-batch', 'anthropic', 'claude-haiku-4-5', 'claude-haiku-4-5-20251001', 'summarise', 400, {
        meanInput: 4000,
        meanOutput: 250,
        cachedShare: 0.4,
        cacheWriteShare: 0.05,
        startsAt: start + 9 * DAY + 5 * 3_600_000,
      }),
      s('gw-batch', 'self-hosted', 'llama-3.1-70b', 'llama-3.1-70b-instruct', 'summarise', 150, { meanInput: 2500, meanOutput: 300 }),
    ],
    restarts: { 'gw-eu': start + 9 * DAY + 10 * 3_600_000 + 17 * 60_000 },
    gaps: { 'gw-us': [start + 5 * DAY + 13 * 3_600_000, start + 5 * DAY + 15 * 3_600_000] },
  };
}

/** A longer, simpler history for forecasts and back-tests: two gateways, 63 days, 30-minute scrapes. */
export function longSpec(): HistorySpec {
  const start = Date.UTC(2026, 8, 14); // a Monday
  const stream = (gateway: string, model: string, feature: string, peakPerHour: number): Stream => ({
    gateway,
    provider: 'openai',
    requestModel: model,
    responseModel: model,
    feature,
    peakPerHour,
    meanInput: 1500,
    meanOutput: 300,
    cachedShare: 0.25,
    cacheWriteShare: 0,
  });
  return {
    seed: 63,
    start,
    end: start + 63 * DAY,
    intervalMs: 30 * 60_000,
    offsetMs: 11_000,
    streams: [stream('gw-a', 'gpt-4o-mini-2024-07-18', 'search', 900), stream('gw-b', 'gpt-4.1-2025-04-14', 'chat', 120)],
    restarts: {},
    gaps: {},
  };
}
