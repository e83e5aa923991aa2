import type { BillingAccount } from '../chargeback/build.js';
import { EXPORT_UNITS, type ExportSchedule, type ExportUnit, type PeriodChoice } from '../chargeback/periods.js';
import { usageError } from '../errors.js';
import type { Grouping } from '../pipeline.js';
import type { ConfigFile } from './config-file.js';
import { type DataFlags, type DataOptions, resolveData } from './data.js';
import type { Environment } from './environment.js';
import {
  type GroupingFlags,
  positiveDuration,
  resolveGrouping,
  resolveInstant,
  resolveOutput,
  resolveTimezone,
  wholeNumber,
} from './resolve.js';

export type ExportFlags = DataFlags &
  GroupingFlags & {
    period?: string;
    at?: string;
    periods?: string;
    catchUp?: boolean;
    includeCurrent?: boolean;
    timezone?: string;
    output?: string;
    format?: string;
    decimals?: string;
    strict?: boolean;
    billingAccountId?: string;
    billingAccountName?: string;
    lockTimeout?: string;
  };

export interface ExportOptions<F extends string = string> {
  data: DataOptions;
  grouping: Grouping;
  schedule: ExportSchedule;
  at: number | undefined;
  /** A file (the ledger), or undefined for stdout (`--output -`). */
  output: string | undefined;
  format: F;
  decimals: number;
  strict: boolean;
  /** Set for `--format focus`. */
  billing: BillingAccount | undefined;
  lockWaitMs: number;
}

function choice(flags: ExportFlags): PeriodChoice {
  if (flags.catchUp && flags.periods !== undefined) throw usageError('give either --periods N or --catch-up, not both');
  if (flags.catchUp) {
    if (flags.output === undefined || flags.output === '-') throw usageError('--catch-up needs a ledger file: --output FILE');
    return { kind: 'catch-up', since: undefined };
  }
  return { kind: 'last', count: flags.periods === undefined ? 1 : wholeNumber(flags.periods, '--periods', 1) };
}

/** FOCUS needs a billing account id: `--billing-account-id`, else the config file's `chargeback.billingAccountId`. */
function billing(flags: ExportFlags, config: ConfigFile | undefined, format: string): BillingAccount | undefined {
  if (format !== 'focus') return undefined;
  const c = config?.data.chargeback;
  const id = flags.billingAccountId ?? c?.billingAccountId;
  if (id === undefined || id.trim() === '') {
    throw usageError(
      '--format focus needs a billing account id (FOCUS BillingAccountId must not be null)',
      'give --billing-account-id ID, or chargeback.billingAccountId in the config file',
    );
  }
  return { id, name: flags.billingAccountName ?? c?.billingAccountName, invoiceIssuer: c?.invoiceIssuerName };
}

/** `export`'s options: data, grouping, which periods, where and in what format, and the lock's patience. */
export async function resolveExport<F extends string>(
  flags: ExportFlags,
  env: Environment,
  formats: readonly F[],
): Promise<ExportOptions<F>> {
  const data = await resolveData(flags, env);
  if (flags.output === undefined) throw usageError('export needs --output FILE (the ledger), or --output - to stream rows to stdout');
  const unit = (flags.period ?? 'day') as ExportUnit;
  if (!EXPORT_UNITS.includes(unit)) throw usageError(`--period: expected one of ${EXPORT_UNITS.join(', ')}, got "${flags.period}"`);
  const { format, decimals } = resolveOutput({ format: flags.format ?? 'csv', decimals: flags.decimals }, formats);
  if (format === 'focus' && decimals !== undefined)
    throw usageError('--decimals does not apply to --format focus: FOCUS costs and unit prices are exact');
  const grouping = resolveGrouping(flags, data.config);
  if (data.sources.specs.some((s) => s.location === '-') && flags.catchUp)
    throw usageError('--catch-up reads the ledger first; give the data as a file, not stdin');
  return {
    data,
    grouping,
    schedule: {
      unit,
      zone: resolveTimezone(flags.timezone, data.config),
      choice: choice(flags),
      includeCurrent: flags.includeCurrent === true,
    },
    at: resolveInstant(flags.at, '--at'),
    output: flags.output === '-' ? undefined : flags.output,
    format,
    decimals: decimals ?? 6,
    strict: flags.strict === true,
    billing: billing(flags, data.config, format),
    lockWaitMs:
      flags.lockTimeout === undefined ? 60_000 : flags.lockTimeout === '0' ? 0 : positiveDuration(flags.lockTimeout, '--lock-timeout'),
  };
}
