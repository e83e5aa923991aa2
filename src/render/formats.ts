// The format lists feed `--format` choices; they live apart from the renderers so that `--help`
// loads none of them. Each result kind's registry is typed by its list, so a format added here
// is a compile error wherever a renderer for it is missing.

/** Formats of results that are tables of money: report, budget check, forecast, back-test. */
export const FORMATS = ['table', 'json', 'csv', 'markdown', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** `report` adds JSON Lines: one object per row, for loaders and pipes that read a row at a time. */
export const REPORT_FORMATS = [...FORMATS, 'jsonl'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Formats of look-ups: doctor, pricing list and show. */
export const LOOKUP_FORMATS = ['table', 'json'] as const;
export type LookupFormat = (typeof LOOKUP_FORMATS)[number];

/** `export` writes ledgers: CSV, FinOps FOCUS 1.2 CSV, or JSON lines. */
export const EXPORT_FORMATS = ['csv', 'focus', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Formats of generated rules: a Prometheus rule file, or a PrometheusRule custom resource. */
export const RULE_FORMATS = ['prometheus', 'prometheus-operator'] as const;
export type RuleFormat = (typeof RULE_FORMATS)[number];
