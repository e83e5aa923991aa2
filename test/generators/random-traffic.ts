/**
 * Random traffic for differential tests of the three accounting paths (a file, a server series by
 * series, a server summing groups): counters of four dialects with births, stops, long absences,
 * resets, scrape gaps, HA copies (one replica down for hours), uneven scrape intervals, label
 * values that need escaping, a price that changes at an odd second, and reports over random
 * windows, steps, zones, groupings and filters. Nothing here knows what the right answer is: the
 * paths are held against each other on the same data.
 */
import { rng } from './history.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The series' families, per dialect: how a token type is named (metric or label). */
const DIALECTS = {
  llm: { model: 'model', types: { input: 'llm_tokens_in_total', output: 'llm_tokens_out_total' } },
  litellm: {
    model: 'model',
    types: {
      input: 'litellm_input_tokens_metric_total',
      output: 'litellm_output_tokens_metric_total',
      cached: 'litellm_input_cached_tokens_metric_total',
      // The provider's own count of the same cache reads (counted once).
      cachedAgain: 'litellm_provider_cache_read_input_tokens_metric_total',
    },
  },
  kong: {
    model: 'ai_model',
    types: { input: 'kong_ai_llm_tokens_total:prompt_tokens', output: 'kong_ai_llm_tokens_total:completion_tokens' },
  },
  agentgateway: {
    model: 'gen_ai_request_model',
    types: {
      input: 'agentgateway_gen_ai_client_token_usage_sum:input',
      cached: 'agentgateway_gen_ai_client_token_usage_sum:input_cache_read',
      output: 'agentgateway_gen_ai_client_token_usage_sum:output',
    },
  },
} as const;
type DialectName = keyof typeof DIALECTS;

/** The label a `name:value` family's token type rides on. */
const TYPE_LABEL: Record<string, string> = {
  kong_ai_llm_tokens_total: 'token_type',
  agentgateway_gen_ai_client_token_usage_sum: 'gen_ai_token_type',
};
const EXTRA_LABELS: Partial<Record<DialectName, Record<string, string>>> = {
  kong: { ai_provider: 'openai' },
  agentgateway: { gen_ai_system: 'openai' },
};

/** Models: two the case's own price list prices (one with a change of price inside the data), one bundled, one unknown. */
export const PRICED_MODELS = ['fz-alpha', 'fz-beta'];
const MODELS = [...PRICED_MODELS, 'gpt-4o-mini', 'fz-unknown'];
/** Values that quoting, regular expressions and separators must survive. */
const TEAMS = ['search', 'ads', 'x|y', 'dot.ted', 'q"uote', 'back\\slash', 'ünï', '.*', 'a\u001fb', 'sp ace', 'new\nline'];
const GATEWAYS = ['gw-1', 'gw-2', 'gw-3'];

export interface TrafficCase {
  seed: number;
  /** Sample lines (OpenMetrics, seconds since the epoch), by family; `openMetrics` makes a file of cases. */
  samples: string[];
  families: string[];
  /** Series written (HA copies apart). */
  series: number;
  /** The first and last sample times, ms. */
  first: number;
  last: number;
  /** The case's price list (YAML): the priced models, one of them repriced at `priceChange`. */
  pricing: string;
  priceChange: number;
  /** Reports to run on it: `--since`, `--until`, `--step`, `--by`. */
  reports: string[][];
}

interface Behaviour {
  start: number;
  end: number;
  intervalMs: number;
  jitterMs: number;
  /** [from, to) with no samples (the counter keeps counting). */
  gaps: [number, number][];
  /** Chance per scrape that the counter restarts (from 0 or a little above). */
  resetChance: number;
  idleChance: number;
  meanIncrement: number;
  /** Two copies (`replica` a and b) scrape it, b a few seconds later and missing a stretch. */
  ha: boolean;
}

/** The series of one case, `base` its first day (ms, midnight UTC). */
export function trafficCase(seed: number, base: number): TrafficCase {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const dataStart = base;
  const dataEnd = base + 3 * DAY;
  const out: string[] = [];
  const families = new Set<string>();
  let series = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const counters = int(3, 9);
  for (let c = 0; c < counters; c++) {
    const dialect = pick(Object.keys(DIALECTS) as DialectName[]);
    const spec = DIALECTS[dialect];
    const b = behaviour(r, dataStart, dataEnd, c === 0);
    const labels: Record<string, string> = {
      [spec.model]: pick(MODELS),
      team: pick(TEAMS),
      gateway: pick(GATEWAYS),
      pod: `p${c}`,
      // Each case's series its own: a case's file holds all there is of them.
      fuzz_case: String(seed),
      ...EXTRA_LABELS[dialect],
    };
    const types = Object.entries(spec.types) as [string, string][];
    // One counter per token type, sharing the counter's life (a pod's restart resets them all).
    const resetsAt = new Set<number>();
    const times = scrapeTimes(r, b);
    for (const t of times) if (r() < b.resetChance) resetsAt.add(t);
    let cachedValues: number[] | undefined;
    for (const [type, family] of types) {
      const [name, typeValue] = family.split(':') as [string, string | undefined];
      families.add(name);
      const own = { ...labels, ...(typeValue !== undefined ? { [TYPE_LABEL[name] as string]: typeValue } : {}) };
      const values = type === 'cachedAgain' && cachedValues ? cachedValues : counterValues(r, b, times, resetsAt);
      if (type === 'cached') cachedValues = values;
      const copies = b.ha ? ['a', 'b'] : [undefined];
      for (const copy of copies) {
        const withCopy = copy === undefined ? own : { ...own, replica: copy };
        const text = labelText(withCopy);
        const lag = copy === 'b' ? int(1, 20) * 1000 : 0;
        // Copy b misses a stretch (its replica was down).
        const downFrom = copy === 'b' ? (times[Math.floor(r() * times.length)] ?? 0) : Number.POSITIVE_INFINITY;
        const downTo = downFrom + int(1, 10) * HOUR;
        series++;
        for (let i = 0; i < times.length; i++) {
          const t = (times[i] as number) + lag;
          if (t >= downFrom && t < downTo) continue;
          out.push(`${name}{${text}} ${values[i]} ${t / 1000}`);
          if (t < first) first = t;
          if (t > last) last = t;
        }
      }
    }
  }
  const priceChange = dataStart + int(6 * 60, 60 * 60) * MINUTE + int(0, 59) * 1000;
  return {
    seed,
    samples: out,
    families: [...families],
    series,
    first,
    last,
    pricing: pricingYaml(priceChange),
    priceChange,
    reports: reports(r, base, seed),
  };
}

/** How a counter lives; the case's first runs from the data's start to its end (gaps aside), so every window has data. */
function behaviour(r: () => number, dataStart: number, dataEnd: number, always: boolean): Behaviour {
  const span = dataEnd - dataStart;
  // (Now and then a scrape a minute; mostly every 5 to 60 minutes, to keep cases small.)
  const interval = r() < 0.1 ? MINUTE : ([5 * MINUTE, 10 * MINUTE, 15 * MINUTE, HOUR][Math.floor(r() * 4)] as number);
  // Most counters run all along; some are born late, some stop early.
  const start = r() < 0.6 || always ? dataStart : dataStart + Math.floor(r() * span * 0.8);
  const end = r() < 0.6 || always ? dataEnd : start + Math.floor(r() * (dataEnd - start));
  const gaps: [number, number][] = [];
  const nGaps = Math.floor(r() * 3);
  for (let i = 0; i < nGaps; i++) {
    const from = start + Math.floor(r() * (end - start));
    // Minutes (a missed scrape or two) up to a day and a half (a long absence).
    const length = r() < 0.5 ? Math.floor(r() * 30 * MINUTE) : Math.floor(r() * 36 * HOUR);
    gaps.push([from, from + length]);
  }
  return {
    start,
    end,
    intervalMs: interval,
    jitterMs: r() < 0.5 ? 0 : Math.floor(r() * interval * 0.2),
    gaps,
    resetChance: r() < 0.5 ? 0 : 0.002 + r() * 0.02,
    idleChance: r() * 0.6,
    meanIncrement: Math.floor(10 ** (1 + r() * 4)),
    ha: r() < 0.25,
  };
}

function scrapeTimes(r: () => number, b: Behaviour): number[] {
  const out: number[] = [];
  const offset = Math.floor(r() * b.intervalMs);
  for (let t = b.start + offset; t <= b.end; t += b.intervalMs) {
    const at = t + (b.jitterMs > 0 ? Math.floor(r() * b.jitterMs) : 0);
    if (b.gaps.some(([from, to]) => at >= from && at < to)) continue;
    if (out.length > 0 && at <= (out[out.length - 1] as number)) continue;
    out.push(at);
  }
  return out;
}

/** A counter's value at each scrape: a running total that a reset starts again from 0 or a little above. */
function counterValues(r: () => number, b: Behaviour, times: readonly number[], resetsAt: ReadonlySet<number>): number[] {
  // A counter that was running before the data (most) or starts from nothing.
  let v = r() < 0.7 ? Math.floor(r() * 1e9) : 0;
  const out: number[] = [];
  for (const t of times) {
    if (resetsAt.has(t)) v = r() < 0.5 ? 0 : Math.floor(r() * b.meanIncrement);
    else if (r() >= b.idleChance) v += Math.floor(r() * 2 * b.meanIncrement);
    out.push(v);
  }
  return out;
}

/** The cases as one OpenMetrics text's lines (each family once, its samples together, in the cases' order). */
export function openMetrics(cases: readonly TrafficCase[]): string[] {
  const families = [...new Set(cases.flatMap((c) => c.families))];
  const out: string[] = [];
  for (const f of families) {
    out.push(`# TYPE ${f} unknown`);
    for (const c of cases) for (const l of c.samples) if (l.startsWith(`${f}{`)) out.push(l);
  }
  out.push('# EOF');
  return out;
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}

function pricingYaml(change: number): string {
  const at = new Date(change).toISOString().replace('.000Z', 'Z');
  return [
    'version: "fuzz"',
    'currency: USD',
    'models:',
    `  ${PRICED_MODELS[0]}:`,
    '    provider: openai',
    '    prices:',
    '      - { input: "1.00", cached_input: "0.10", output: "4.00" }',
    `      - { from: "${at}", input: "2.00", cached_input: "0.20", output: "8.00" }`,
    `  ${PRICED_MODELS[1]}:`,
    '    provider: openai',
    '    prices:',
    '      - { input: "0.30", output: "1.20" }',
    '',
  ].join('\n');
}

/** Windows that start before, at and after the data's start, steps even and odd (in zones a half hour off), groupings narrow and wide, some filtered. */
function reports(r: () => number, base: number, seed: number): string[][] {
  const out: string[][] = [];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const groupings = ['model', 'model,team', 'team,gateway', 'model,gateway,pod', 'gateway'];
  const steps = [undefined, '1h', '20m', '6h', '1d'];
  const zones = ['UTC', 'UTC', 'America/New_York', 'Asia/Kolkata'];
  const matches = [undefined, undefined, undefined, 'gateway=gw-1', 'team=~x\\|y|search', 'model!=fz-unknown'];
  for (let i = 0; i < 3; i++) {
    const since = base + Math.floor(((r() * 2 - 0.25) * DAY) / MINUTE) * MINUTE;
    const until = since + pick([6 * HOUR, DAY, 2 * DAY, 36 * HOUR + 17 * MINUTE]);
    const step = pick(steps);
    const match = pick(matches);
    out.push([
      '--since',
      new Date(since).toISOString(),
      '--until',
      new Date(until).toISOString(),
      ...(step ? ['--step', step, '--timezone', pick(zones)] : []),
      // (A server holds other cases' series too, that a filter of its own might keep.)
      ...(match ? ['--match', match, '--match', `fuzz_case=${seed}`] : []),
      '--by',
      pick(groupings),
    ]);
  }
  return out;
}
