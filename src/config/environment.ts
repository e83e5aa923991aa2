/** What a command's resolver may read of the process: cli.ts builds it; nothing else touches `process`. */
export interface Environment {
  /** Environment variables (TOKENSPEND_*) as the process got them. */
  vars: Readonly<Record<string, string | undefined>>;
  /** Where a config file is looked for when none is named. */
  cwd: string;
  /** Warnings found while resolving flags (a deprecated flag): one line each, to stderr. */
  warn: (line: string) => void;
  /** `--verbose` request log: to stderr. */
  log: (line: string) => void;
}

/** The environment variables tokenspend reads, for `--help`. */
export const ENVIRONMENT_VARIABLES: readonly [string, string][] = [
  ['TOKENSPEND_PROMETHEUS_URL', 'default for --prometheus (when no --file or --scrape)'],
  ['TOKENSPEND_BEARER_TOKEN', 'bearer token for --prometheus and --scrape (or --bearer-token-file)'],
  ['TOKENSPEND_BASIC_AUTH_PASSWORD', 'password for --basic-auth-user'],
  ['TOKENSPEND_CONFIG', 'config file when --config is not given (else ./tokenspend.yaml if present)'],
  ['NO_COLOR, FORCE_COLOR', 'colour control; COLUMNS sets the table width'],
];
