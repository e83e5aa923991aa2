import { z } from 'zod';
import { hasRealDate } from '../ledger/time.js';

const DECIMAL = /^\d+(\.\d{1,9})?$/;
const DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Plain decimal with up to 9 digits after the point; YAML numbers are accepted and converted. */
const price = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const s = typeof v === 'number' ? numberToDecimal(v) : v.trim();
    if (!DECIMAL.test(s)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a price per 1M tokens like "2.50" (at most 9 decimals, not negative), got ${JSON.stringify(v)}`,
      });
      return z.NEVER;
    }
    return s;
  })
  .meta({ description: 'Price per 1M tokens, a decimal string such as "2.50".' });

export function numberToDecimal(n: number): string {
  if (!Number.isFinite(n) || n < 0) return String(n);
  // 1e-7 style numbers from YAML: print plainly, then trim zeros.
  const fixed = n.toFixed(12).replace(/0+$/, '').replace(/\.$/, '');
  return fixed;
}

const effectiveFrom = z
  .union([z.string(), z.date()])
  .transform((v, ctx) => {
    const s = v instanceof Date ? v.toISOString().slice(0, 10) : v;
    if (!DATE_OR_TIME.test(s) || !hasRealDate(s) || Number.isNaN(Date.parse(s))) {
      ctx.addIssue({ code: 'custom', message: `expected a date like 2025-01-31 (or an RFC 3339 time), got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return s;
  })
  .meta({ description: 'Effective from this date (00:00 UTC) or RFC 3339 time, inclusive.' });

/** The four disjoint token types' prices. */
const typePrices = {
  input: price.optional(),
  cached_input: price.optional(),
  cache_write: price.optional(),
  output: price.optional(),
};

/** A service tier's own rates (batch, flex, priority): a type without a rate there is unpriced in that tier. */
export const tierRateSchema = z.strictObject(typePrices);

/** Rates that replace the base rates for a whole request once its input exceeds `above` tokens. */
export const contextTierSchema = z.strictObject({
  above: z.number().int().positive().meta({
    description: 'Input tokens (cache reads and writes included) a request must exceed; the whole request is billed at these rates.',
  }),
  ...typePrices,
});

export const rateSchema = z.strictObject({
  from: effectiveFrom
    .optional()
    .meta({ description: 'Effective from (inclusive). Only the first rate may leave it out: in force since the model appeared.' }),
  ...typePrices,
  batch: tierRateSchema.optional().meta({ description: 'Batch API rates (service tier "batch").' }),
  flex: tierRateSchema.optional().meta({ description: 'Flex processing rates (service tier "flex").' }),
  priority: tierRateSchema.optional().meta({ description: 'Priority processing rates (service tier "priority").' }),
  context: z.array(contextTierSchema).optional().meta({ description: 'Long-context tiers, lowest threshold first (standard tier only).' }),
  note: z.string().optional(),
});

export const modelSchema = z.strictObject({
  provider: z.string().min(1).optional().meta({
    description:
      'Who bills it (openai, anthropic, aws, google, azure, groq…). Optional when the key names a model a lower layer prices: the entry then restates that model.',
  }),
  aliases: z.array(z.string().min(1)).optional(),
  patterns: z.array(z.string().min(1)).optional().meta({ description: 'Regular expressions, matched against the whole model name.' }),
  source: z.string().optional().meta({ description: "Where the prices were read (the provider's pricing page)." }),
  origin: z.string().optional().meta({ description: 'The data set the entry was generated from (package and version).' }),
  checked: z.string().optional().meta({ description: 'When the source was last checked (a date).' }),
  note: z.string().optional().meta({ description: 'Why the entry exists or differs (required by review for overrides).' }),
  prices: z.array(rateSchema).min(1),
});

export const pricingFileSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.string().min(1).meta({ description: 'Version of this price list; recorded in every report.' }),
  currency: z.string().regex(/^[A-Z]{3}$/, { message: 'expected an ISO 4217 code such as USD' }),
  generated: z
    .strictObject({ from: z.string(), version: z.string(), date: z.string() })
    .optional()
    .meta({ description: 'Set on generated files: the source package, its version and the date.' }),
  models: z.record(z.string().min(1), modelSchema),
});

export type PricingFileData = z.output<typeof pricingFileSchema>;
export type ModelData = z.output<typeof modelSchema>;
export type RateData = z.output<typeof rateSchema>;
export type TierRateData = z.output<typeof tierRateSchema>;
export type ContextTierData = z.output<typeof contextTierSchema>;
