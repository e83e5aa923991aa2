import type { InvoiceColumns, InvoiceFormat } from '../chargeback/invoice.js';
import type { Tolerance } from '../chargeback/reconcile.js';
import { usageError } from '../errors.js';
import type { WindowPlan } from '../ledger/periods.js';
import type { Grouping } from '../pipeline.js';
import { type DataFlags, type DataOptions, resolveData } from './data.js';
import type { Environment } from './environment.js';
import {
  type GroupingFlags,
  type OutputOptions,
  parseBy,
  resolveGrouping,
  resolveInstant,
  resolveOutput,
  resolveTimezone,
  resolveWindowPlan,
  type WindowFlags,
} from './resolve.js';
import { decimalToFemto } from '../money.js';

export type ReconcileFlags = DataFlags &
  GroupingFlags &
  WindowFlags & {
    timezone?: string;
    now?: string;
    format?: string;
    output?: string;
    decimals?: string;
    invoice?: string;
    invoiceFormat?: string;
    invoiceColumns?: string;
    invoiceProvider?: string;
    tolerance?: string;
    toleranceAmount?: string;
  };

export interface ReconcileOptions<F extends string = string> {
  data: DataOptions;
  grouping: Grouping;
  plan: WindowPlan;
  timezone: string;
  now: number | undefined;
  output: OutputOptions<F>;
  /** Undefined: against the gateway's own cost counter. */
  invoice: { path: string; format: InvoiceFormat | 'auto'; columns: InvoiceColumns | undefined; provider: string | undefined } | undefined;
  tolerance: Tolerance;
}

/** `date=Day,model=Model,cost=Amount[,currency=Currency]`. */
export function parseInvoiceColumns(text: string): InvoiceColumns {
  const map: Record<string, string> = {};
  for (const part of text.split(',')) {
    const m = /^\s*(date|model|cost|currency)\s*=\s*(.+?)\s*$/.exec(part);
    if (!m) throw usageError(`--invoice-columns: expected date=COLUMN,model=COLUMN,cost=COLUMN[,currency=COLUMN], got "${part}"`);
    map[m[1] as string] = m[2] as string;
  }
  if (!map.date || !map.model || !map.cost) throw usageError('--invoice-columns: date=, model= and cost= are required');
  return { date: map.date, model: map.model, cost: map.cost, currency: map.currency };
}

/** `0.01` (currency units): a difference up to this much is a match. */
function amount(text: string): bigint {
  if (!/^\d+(\.\d{1,15})?$/.test(text.trim())) throw usageError(`--tolerance-amount: expected an amount like 0.01, got "${text}"`);
  return decimalToFemto(text.trim());
}

/** `reconcile`'s options; `percent` parses `--tolerance` the way `pricing drift` does. */
export async function resolveReconcile<F extends string>(
  flags: ReconcileFlags,
  env: Environment,
  formats: readonly F[],
  percent: (text: string) => number,
): Promise<ReconcileOptions<F>> {
  const data = await resolveData(flags, env);
  const grouping = resolveGrouping(flags, data.config);
  if (flags.by === undefined && data.config?.data.by === undefined) grouping.by = parseBy('model');
  const formatsOk = ['auto', 'openai', 'anthropic', 'generic'];
  const format = flags.invoiceFormat ?? 'auto';
  if (!formatsOk.includes(format)) throw usageError(`--invoice-format: expected one of ${formatsOk.join(', ')}, got "${format}"`);
  if (flags.invoice === undefined && (flags.invoiceFormat ?? flags.invoiceColumns ?? flags.invoiceProvider) !== undefined) {
    throw usageError('--invoice-format, --invoice-columns and --invoice-provider go with --invoice FILE');
  }
  if (flags.invoice !== undefined && grouping.by.some((d) => d !== 'model')) {
    throw usageError(`--by ${grouping.by.join(',')}: a provider's export names models only; reconcile it --by model (or --by '')`);
  }
  return {
    data,
    grouping,
    plan: resolveWindowPlan(flags),
    timezone: resolveTimezone(flags.timezone, data.config),
    now: resolveInstant(flags.now, '--now'),
    output: resolveOutput(flags, formats),
    invoice:
      flags.invoice === undefined
        ? undefined
        : {
            path: flags.invoice,
            format: format as InvoiceFormat | 'auto',
            columns: flags.invoiceColumns === undefined ? undefined : parseInvoiceColumns(flags.invoiceColumns),
            provider: flags.invoiceProvider,
          },
    tolerance: { share: percent(flags.tolerance ?? '1%') / 100, amount: amount(flags.toleranceAmount ?? '0.01') },
  };
}
