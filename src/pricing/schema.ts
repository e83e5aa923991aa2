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

function numberToDecimal(n: number): string {
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

export const rateSchema = z.strictObject({
  from: effectiveFrom,
  input: price.optional(),
  cached_input: price.optional(),
  cache_write: price.optional(),
  output: price.optional(),
  note: z.string().optional(),
});

export const modelSchema = z.strictObject({
  provider: z.string().min(1),
  aliases: z.array(z.string().min(1)).optional(),
  patterns: z.array(z.string().min(1)).optional().meta({ description: 'Regular expressions, matched against the whole model name.' }),
  source: z.string().optional().meta({ description: 'Where the prices were read (a URL).' }),
  checked: z.string().optional().meta({ description: 'When the source was last checked (a date).' }),
  note: z.string().optional(),
  prices: z.array(rateSchema).min(1),
});

export const pricingFileSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.string().min(1).meta({ description: 'Version of this price list; recorded in every report.' }),
  currency: z.string().regex(/^[A-Z]{3}$/, { message: 'expected an ISO 4217 code such as USD' }),
  models: z.record(z.string().min(1), modelSchema),
});

export type PricingFileData = z.output<typeof pricingFileSchema>;
export type ModelData = z.output<typeof modelSchema>;
export type RateData = z.output<typeof rateSchema>;
