import { z } from 'zod';
import { parseDuration } from '../ledger/time.js';

const DURATION = /^(\d+(ms|s|m|h|d|w))+$/;

/** A duration longer than zero and not longer than a century. */
const positive = (text: string) => {
  const ms = DURATION.test(text) ? parseDuration(text) : undefined;
  return ms !== undefined && ms > 0;
};

const period = z
  .string()
  .refine((p) => ['day', 'week', 'month', 'quarter', 'year'].includes(p) || positive(p), {
    message: 'expected day, week, month, quarter, year or a rolling duration like 7d (longer than zero, at most a century)',
  })
  .meta({ description: "A calendar period in the file's time zone (weeks start on Monday), or a rolling duration such as 7d." });

/** `80%` or 0.8. */
const warn = z
  .union([z.number(), z.string()])
  .transform((v, ctx) => {
    const n = typeof v === 'number' ? v : /^\d+(\.\d+)?%$/.test(v.trim()) ? Number(v.trim().slice(0, -1)) / 100 : Number.NaN;
    if (!(n > 0 && n <= 1)) {
      ctx.addIssue({ code: 'custom', message: `expected a share of the limit like 80% or 0.8, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return n;
  })
  .meta({ description: 'Warn at this share of the limit: "80%" or 0.8.' });

const match = z
  .union([z.record(z.string(), z.string()), z.array(z.string())])
  .meta({ description: 'Label matchers: {team: search} (exact), or ["team=search", "model=~gpt-4.*"].' });

const duration = z.string().refine(positive, { message: 'expected a duration like 1h or 5m (longer than zero)' });

export const budgetSchema = z
  .strictObject({
    name: z.string().min(1),
    period: period.optional(),
    limit: z.number().positive().max(1e15, { message: 'expected a limit below 10^15' }).optional(),
    warn: warn.optional(),
    match: match.optional(),
    each: z.string().min(1).optional().meta({ description: 'One budget per value of this dimension (model, gateway, team…).' }),
    forecast: z.boolean().optional().meta({ description: 'Also breached when the forecast for the period end exceeds the limit.' }),
    fail_on: z
      .enum(['breach', 'forecast', 'warn'])
      .optional()
      .meta({ description: 'What fails the gate for this budget (default: breach).' }),
    burn_rate: z
      .strictObject({
        windows: z.array(duration).min(1).max(3),
        factor: z.number().positive(),
        of: z.string().min(1).meta({ description: 'The spend budget whose limit sets the allowed rate.' }),
      })
      .optional()
      .meta({ description: 'SRE-style multiwindow burn rate: breached when spend in every window runs at factor × the allowed rate.' }),
  })
  .superRefine((b, ctx) => {
    if (b.burn_rate) {
      if (b.limit !== undefined || b.period !== undefined)
        ctx.addIssue({ code: 'custom', message: 'a burn_rate budget takes its limit and period from "of"; drop limit and period' });
    } else {
      if (b.period === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['period'],
          message: 'expected a period (day, week, month, quarter, year or a duration like 7d)',
        });
      if (b.limit === undefined)
        ctx.addIssue({ code: 'custom', path: ['limit'], message: 'expected a limit (a positive amount in the currency)' });
    }
  });

export const budgetsFileSchema = z.strictObject({
  $schema: z.string().optional(),
  timezone: z.string().optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, { message: 'expected an ISO 4217 code such as USD' })
    .optional(),
  budgets: z.array(budgetSchema).min(1),
});

export type BudgetsFile = z.output<typeof budgetsFileSchema>;
export type BudgetSpec = z.output<typeof budgetSchema>;
