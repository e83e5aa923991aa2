import { usageError } from '../../errors.js';
import { providerOfLabel } from '../providers.js';
import type { ContextTierData, ModelData, PricingFileData, RateData, TierRateData } from '../schema.js';

/**
 * LiteLLM's model_prices_and_context_window.json in our format. Facts of its format: one object
 * per model name with `litellm_provider`, USD per token (`input_cost_per_token`,
 * `output_cost_per_token`, `cache_read_input_token_cost`, `cache_creation_input_token_cost`),
 * long-context rates `…_above_<N>k_tokens` that replace the base rates for a whole request whose
 * prompt exceeds N thousand tokens, and service tier rates with `_batches`, `_flex`, `_priority`.
 * LiteLLM has no dates: every rate takes `today` as `from`.
 */
export interface LitellmImport {
  data: PricingFileData;
  /** Entries without token prices (images, audio seconds, the sample spec). */
  skipped: number;
}

type Json = Record<string, unknown>;

const TYPES = {
  input: 'input_cost_per_token',
  cached_input: 'cache_read_input_token_cost',
  cache_write: 'cache_creation_input_token_cost',
  output: 'output_cost_per_token',
} as const;
type Type = keyof typeof TYPES;

const SERVICE_TIERS = { batch: '_batches', flex: '_flex', priority: '_priority' } as const;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * USD per token (a JSON number such as 2.5e-06) as an exact decimal per 1M tokens ("2.5"): the
 * number's shortest decimal form with the point moved six places, never through float arithmetic.
 */
export function perMillion(v: unknown, where: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw usageError(`${where}: expected a cost per token ≥ 0, got ${JSON.stringify(v)}`);
  const [mantissa, exp = '0'] = v.toExponential().split('e');
  const [whole, frac = ''] = (mantissa as string).split('.');
  const digits = `${whole}${frac}`;
  const point = 1 + Number(exp) + 6; // digits before the decimal point once multiplied by 1e6
  const text =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  const clean = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  const [, decimals = ''] = clean.split('.');
  // More than 9 decimals per 1M tokens is float noise in the source (1e-15 USD per token).
  return decimals.length > 9 ? Number(clean).toFixed(9).replace(/0+$/, '').replace(/\.$/, '') : clean.replace(/^0+(?=\d)/, '');
}

function tierRates(e: Json, suffix: string, where: string): TierRateData | undefined {
  const out: TierRateData = {};
  for (const [type, key] of Object.entries(TYPES)) {
    const v = perMillion(e[`${key}${suffix}`], `${where}.${key}${suffix}`);
    if (v !== undefined) out[type as Type] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `…_above_200k_tokens` keys as context tiers; a type without one keeps its base rate above the threshold. */
function contextTiers(e: Json, base: RateData, where: string): ContextTierData[] {
  const tiers = new Map<number, ContextTierData>();
  for (const key of Object.keys(e)) {
    const m =
      /^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)_above_(\d+)k_tokens$/.exec(
        key,
      );
    if (!m) continue;
    const above = Number(m[2]) * 1000;
    const type = (Object.entries(TYPES).find(([, k]) => k === m[1]) as [Type, string])[0];
    const v = perMillion(e[key], `${where}.${key}`);
    if (v === undefined) continue;
    const tier = tiers.get(above) ?? { above };
    tier[type] = v;
    tiers.set(above, tier);
  }
  return [...tiers.values()]
    .sort((a, b) => a.above - b.above)
    .map((t) => {
      for (const type of Object.keys(TYPES) as Type[]) if (t[type] === undefined && base[type] !== undefined) t[type] = base[type];
      return t;
    });
}

function entry(name: string, e: Json, today: string, origin: string): ModelData | undefined {
  const where = name;
  const base = tierRates(e, '', where);
  if (!base) return undefined;
  const rate: RateData = { from: today, ...base };
  for (const [tier, suffix] of Object.entries(SERVICE_TIERS)) {
    const t = tierRates(e, suffix, where);
    if (t) rate[tier as keyof typeof SERVICE_TIERS] = t;
  }
  const context = contextTiers(e, rate, where);
  if (context.length > 0) rate.context = context;
  const label = typeof e.litellm_provider === 'string' ? e.litellm_provider : 'unknown';
  const source = typeof e.source === 'string' && /^https?:\/\//.test(e.source) ? e.source : undefined;
  return { provider: providerOfLabel(label)?.id ?? label, ...(source ? { source } : {}), origin, checked: today, prices: [rate] };
}

/** The whole file: every model with token prices, keyed by LiteLLM's own name. */
export function importLitellm(input: unknown, origin: string, today: string): LitellmImport {
  if (!isObject(input)) throw usageError('(top level): expected an object of models (model_prices_and_context_window.json)');
  const models: Record<string, ModelData> = {};
  let skipped = 0;
  for (const [name, e] of Object.entries(input)) {
    if (name === 'sample_spec' || !isObject(e)) {
      skipped++;
      continue;
    }
    const m = entry(name, e, today, origin);
    if (m) models[name] = m;
    else skipped++;
  }
  return { data: { version: `${origin} (${today})`, currency: 'USD', models }, skipped };
}
