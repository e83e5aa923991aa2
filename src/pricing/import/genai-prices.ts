import { usageError } from '../../errors.js';
import { numberToDecimal, type ContextTierData, type ModelData, type PricingFileData, type RateData } from '../schema.js';
import { compareText } from '../../text.js';

/**
 * @pydantic/genai-prices data (the providers list its package embeds, or its data.json) in our
 * format. Facts of its format: prices are USD per 1M tokens (`input_mtok`, `cache_read_mtok`,
 * `cache_write_mtok`, `output_mtok`); `prices` is one set or a list of conditional sets (a
 * `start_date`, or a time of day); a price may be tiered, `{base, tiers: [{start, price}]}`, where
 * a request whose input exceeds `start` tokens bills all its tokens at the tier's price; `match`
 * is a tree of equals / starts_with / ends_with / contains / regex / or / and.
 */
export interface GenaiImport {
  data: PricingFileData;
  /** Models left out (no token prices) and prices not carried over, for the summary line. */
  skipped: number;
  dropped: string[];
}

type Json = Record<string, unknown>;

const TYPE_KEYS = { input: 'input_mtok', cached_input: 'cache_read_mtok', cache_write: 'cache_write_mtok', output: 'output_mtok' } as const;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(where: string, expected: string): never {
  throw usageError(`${where}: expected ${expected}`);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A match tree as one whole-name pattern (case-insensitive, as genai-prices compares lower case). */
export function matchPattern(m: unknown, where: string): string {
  if (!isObject(m)) fail(where, 'a match clause');
  if (Array.isArray(m.or)) return `(?:${m.or.map((x, i) => matchPattern(x, `${where}.or[${i}]`)).join('|')})`;
  if (Array.isArray(m.and)) return `${m.and.map((x, i) => `(?=(?:${matchPattern(x, `${where}.and[${i}]`)})$)`).join('')}.*`;
  const text = (k: string) => (typeof m[k] === 'string' ? (m[k] as string) : fail(`${where}.${k}`, 'a string'));
  if ('equals' in m) return escapeRe(text('equals'));
  if ('starts_with' in m) return `${escapeRe(text('starts_with'))}.*`;
  if ('ends_with' in m) return `.*${escapeRe(text('ends_with'))}`;
  if ('contains' in m) return `.*${escapeRe(text('contains'))}.*`;
  if ('regex' in m) {
    const re = text('regex');
    try {
      new RegExp(re);
    } catch {
      fail(`${where}.regex`, 'a valid regular expression');
    }
    return `.*?(?:${re}).*`;
  }
  return fail(where, 'one of equals, starts_with, ends_with, contains, regex, or, and');
}

/** Top-level `equals` (alone or in an `or`) become aliases; the rest one pattern. */
function names(match: unknown, id: string, where: string): { aliases: string[]; patterns: string[] } {
  const clauses = isObject(match) && Array.isArray(match.or) ? match.or : [match];
  const aliases: string[] = [];
  const rest: string[] = [];
  clauses.forEach((c, i) => {
    if (isObject(c) && typeof c.equals === 'string' && Object.keys(c).length === 1) {
      if (c.equals.toLowerCase() !== id.toLowerCase() && !aliases.includes(c.equals)) aliases.push(c.equals);
    } else rest.push(matchPattern(c, `${where}.or[${i}]`));
  });
  return { aliases, patterns: rest.length === 0 ? [] : [rest.length === 1 ? (rest[0] as string) : `(?:${rest.join('|')})`] };
}

function decimal(v: number, where: string): string {
  if (!Number.isFinite(v) || v < 0) fail(where, 'a price ≥ 0');
  const s = numberToDecimal(v);
  // Float noise beyond 9 decimals (0.30000000000000004) is not a price anyone set.
  return /\.\d{10,}$/.test(s) ? numberToDecimal(Number(v.toFixed(9))) : s;
}

/** One price set as a rate: base prices per type, and long-context tiers where prices are tiered. */
function rate(prices: unknown, from: string | undefined, where: string): RateData | undefined {
  if (!isObject(prices)) fail(where, 'a price mapping');
  const r: RateData = from === undefined ? {} : { from };
  const tiers = new Map<number, ContextTierData>();
  for (const [type, key] of Object.entries(TYPE_KEYS)) {
    const v = prices[key];
    if (v === undefined || v === null) continue;
    if (typeof v === 'number') r[type as keyof typeof TYPE_KEYS] = decimal(v, `${where}.${key}`);
    else if (isObject(v) && typeof v.base === 'number' && Array.isArray(v.tiers)) {
      r[type as keyof typeof TYPE_KEYS] = decimal(v.base, `${where}.${key}.base`);
      v.tiers.forEach((t: unknown, i) => {
        if (!isObject(t) || typeof t.start !== 'number' || typeof t.price !== 'number' || !Number.isInteger(t.start) || t.start <= 0)
          fail(`${where}.${key}.tiers[${i}]`, '{start: tokens, price}');
        const tier = tiers.get(t.start) ?? { above: t.start };
        tier[type as keyof typeof TYPE_KEYS] = decimal(t.price, `${where}.${key}.tiers[${i}].price`);
        tiers.set(t.start, tier);
      });
    } else fail(`${where}.${key}`, 'a number or {base, tiers}');
  }
  if (Object.keys(r).filter((k) => k !== 'from').length === 0) return undefined;
  if (tiers.size > 0) {
    // A type without a tier keeps its base price above the threshold.
    r.context = [...tiers.values()]
      .sort((a, b) => a.above - b.above)
      .map((t) => {
        for (const type of Object.keys(TYPE_KEYS) as (keyof typeof TYPE_KEYS)[])
          if (t[type] === undefined && r[type] !== undefined) t[type] = r[type];
        return t;
      });
  }
  return r;
}

/** Minutes of the day a `{start_time, end_time}` window covers (it may wrap past midnight). */
function dayMinutes(c: Json, where: string): number {
  const minute = (v: unknown, k: string) => {
    const m = typeof v === 'string' ? /^(\d{2}):(\d{2})(?::\d{2})?Z?$/.exec(v) : null;
    if (!m) fail(`${where}.${k}`, 'a time of day like 00:30:00Z');
    return Number(m[1]) * 60 + Number(m[2]);
  };
  const span = minute(c.end_time, 'end_time') - minute(c.start_time, 'start_time');
  return span <= 0 ? span + 1440 : span;
}

/**
 * Conditional prices as dated rates, as genai-prices picks them: the last set whose condition
 * holds. Counters cannot tell the hour of a request, so of time-of-day prices the one in force for
 * most of the day is kept: DeepSeek's older models list their off-peak discount unconditionally and
 * the standard price for 16 hours of the day; its V4 models list the standard price and a peak
 * surcharge for 7 hours.
 */
function rates(prices: unknown, where: string, dropped: Set<string>): RateData[] {
  if (!Array.isArray(prices)) {
    const r = rate(prices, undefined, where);
    return r ? [r] : [];
  }
  let out: RateData[] = [];
  let byHour: { rate: RateData | undefined; minutes: number } | undefined;
  prices.forEach((c: unknown, i) => {
    if (!isObject(c)) fail(`${where}[${i}]`, 'a conditional price');
    const constraint = c.constraint;
    if (constraint === undefined || constraint === null) {
      const r = rate(c.prices, undefined, `${where}[${i}].prices`);
      out = r ? [r] : [];
    } else if (isObject(constraint) && typeof constraint.start_date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(constraint.start_date)) {
      const r = rate(c.prices, constraint.start_date, `${where}[${i}].prices`);
      if (r) out.push(r);
    } else if (isObject(constraint) && 'start_time' in constraint) {
      const minutes = (byHour?.minutes ?? 0) + dayMinutes(constraint, `${where}[${i}].constraint`);
      byHour = { rate: byHour?.rate ?? rate(c.prices, undefined, `${where}[${i}].prices`), minutes };
    } else fail(`${where}[${i}].constraint`, '{start_date} or {start_time, end_time}');
  });
  const last = out[out.length - 1];
  if (byHour?.rate && last && byHour.minutes > 720) {
    out[out.length - 1] = { ...byHour.rate, ...(last.from === undefined ? {} : { from: last.from }) };
    dropped.add('time-of-day prices (the price in force for most of the day is kept)');
  } else if (byHour) dropped.add('time-of-day prices (the price in force for most of the day is kept)');
  return out.sort((a, b) => compareText(a.from ?? '', b.from ?? ''));
}

/** The providers list (or `{providers: […]}`) as our price file. */
export function importGenaiPrices(input: unknown, origin: string, today: string): GenaiImport {
  const providers = Array.isArray(input) ? input : isObject(input) && Array.isArray(input.providers) ? input.providers : undefined;
  if (!providers) fail('(top level)', 'a list of providers (genai-prices data.json)');
  const models: Record<string, ModelData> = {};
  const dropped = new Set<string>();
  let skipped = 0;
  providers.forEach((p: unknown, i) => {
    const where = `providers[${i}]`;
    if (!isObject(p) || typeof p.id !== 'string' || !Array.isArray(p.models)) fail(where, '{id, models: […]}');
    const source = Array.isArray(p.pricing_urls) && typeof p.pricing_urls[0] === 'string' ? p.pricing_urls[0] : undefined;
    p.models.forEach((m: unknown, j) => {
      const at = `${where}.models[${j}]`;
      if (!isObject(m) || typeof m.id !== 'string' || m.id === '') fail(at, '{id, match, prices}');
      const prices = rates(m.prices, `${at}.prices`, dropped);
      const key = `${p.id as string}/${m.id}`;
      if (prices.length === 0 || models[key] !== undefined) {
        skipped++;
        return;
      }
      const { aliases, patterns } = m.match === undefined ? { aliases: [], patterns: [] } : names(m.match, m.id, `${at}.match`);
      models[key] = {
        provider: p.id as string,
        ...(aliases.length > 0 ? { aliases } : {}),
        ...(patterns.length > 0 ? { patterns } : {}),
        ...(source ? { source } : {}),
        origin,
        checked: today,
        prices,
      };
    });
  });
  return { data: { version: `${origin} (${today})`, currency: 'USD', models }, skipped, dropped: [...dropped] };
}
