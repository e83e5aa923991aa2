/**
 * Every code a finding can carry. A closed union so that the places that decide exit codes
 * (the budget gate, `--strict`, doctor) are checked by the compiler when a code is added.
 */
export type FindingCode =
  // data quality (ledger and sources)
  | 'UNKNOWN_TOKEN_TYPE'
  | 'FRACTIONAL_TOKENS'
  | 'INPUT_BELOW_CACHED'
  | 'LIFETIME_TOTALS'
  | 'INVALID_SAMPLES'
  | 'REPLICAS_DEDUPLICATED'
  | 'STALE_DATA'
  | 'CACHE_OUTSIDE_INPUT'
  | 'REPEATED_METRIC'
  | 'SERVER_WARNING'
  | 'PARTIAL_RESPONSE'
  // prices
  | 'UNPRICED_USAGE'
  | 'LONG_CONTEXT_UNBOUNDED'
  | 'LONG_CONTEXT_BOUNDED'
  | 'CURRENCY_CONVERTED'
  // budgets and forecasts
  | 'NO_DATA'
  | 'UNPRICED_IN_SCOPE'
  | 'TOO_LITTLE_HISTORY'
  | 'BUDGET_EXCEEDED'
  | 'FORECAST_EXCEEDS'
  | 'BUDGET_WARN'
  | 'BURN_RATE'
  // doctor
  | 'SERVER'
  | 'NO_TOKEN_METRICS'
  | 'DIALECT'
  | 'HIGH_CARDINALITY'
  | 'UNPRICED_MODELS'
  | 'RETENTION'
  | 'REPLICAS'
  | 'FRESHNESS'
  // rules
  | 'PROMQL_LIMIT'
  | 'PRICE_CHANGE_SCHEDULED';

/** A coded finding: data-quality notes, unpriced usage, budget results. */
export interface Finding {
  code: FindingCode;
  severity: 'info' | 'warning' | 'error';
  message: string;
}

export function finding(code: FindingCode, severity: Finding['severity'], message: string): Finding {
  return { code, severity, message };
}

/** Findings that say the data is incomplete: a gate that sees one of these as an error exits 4. */
export const INCOMPLETE_DATA: readonly FindingCode[] = [
  'NO_DATA',
  'UNPRICED_IN_SCOPE',
  'TOO_LITTLE_HISTORY',
  'INVALID_SAMPLES',
  'PARTIAL_RESPONSE',
  'STALE_DATA',
];

/** True when a finding means data is missing, partial, stale or invalid: `--strict` and gates fail on it. */
export function isIncomplete(f: Finding): boolean {
  return f.severity === 'error' || INCOMPLETE_DATA.includes(f.code);
}
