import { DIALECT_IDS } from './dialects/table.js';
import { METHOD_CHOICES } from './forecast/settings.js';
import { WINDOW_NAMES } from './ledger/periods.js';

/**
 * Every option, declared once as data and grouped as commands share them. A command lists the
 * groups it honours; `--help` shows exactly those. Defaults shown here are applied by the
 * command's resolver (after the config file and the environment), not by commander.
 */
export interface OptionSpec {
  /** commander's flags string: `--by <dimensions>`, `--no-chart`. */
  flags: string;
  description: string;
  /** Values collect into a list. */
  repeatable?: boolean;
  choices?: readonly string[];
  /** For `--help` only: what applies when neither the flag, the environment nor the config file says. */
  defaultText?: string;
  /** Accepted but not shown (deprecated aliases). */
  hidden?: boolean;
}

const opt = (flags: string, description: string, more: Omit<OptionSpec, 'flags' | 'description'> = {}): OptionSpec => ({
  flags,
  description,
  ...more,
});

/** Progress goes to stderr only when it is a terminal; this turns it off there too. */
export const QUIET_OPTION = opt('--quiet', 'no progress line on stderr (there is one only when stderr is a terminal)');

/** Where the data comes from. */
export const SOURCE_OPTIONS: readonly OptionSpec[] = [
  opt('--prometheus <url>', 'Prometheus-compatible API (Prometheus, Thanos, Mimir, VictoriaMetrics), with any path prefix'),
  opt('--file <[name=]path>', 'Prometheus text or OpenMetrics file, - for stdin (repeatable); NAME becomes the gateway', {
    repeatable: true,
  }),
  opt('--scrape <[name=]url>', 'a /metrics endpoint to read (repeatable, read concurrently)', { repeatable: true }),
  opt(
    '--count-samples',
    '--prometheus: also count samples per slice for coverage and gaps (series by series; the server reads the data twice)',
  ),
  opt(
    '--per-series',
    '--prometheus: ask for every series at every slice edge instead of sums per group (slower; the reference the sums agree with)',
  ),
  opt('--concurrency <n>', '--prometheus: queries the server works on at once (default 2)'),
  QUIET_OPTION,
];

/** `--scrape` twice: only `report` shows usage between two scrapes. */
export const SCRAPE_INTERVAL_OPTION = opt(
  '--interval <duration>',
  'with --scrape: scrape twice this far apart and report the usage between',
);

/** How metric names and labels are read. */
export const DIALECT_OPTIONS: readonly OptionSpec[] = [
  opt('--dialect <id>', `read only this dialect: ${DIALECT_IDS.join(', ')}`),
  opt('--lookback <duration>', "how far before the window a sample still counts as a series' baseline", {
    defaultText: 'all data; 7d on a server',
  }),
  opt('--replica-label <name>', 'HA replica label: series that differ only by it count once (repeatable)', {
    repeatable: true,
    defaultText: 'prometheus_replica, replica, __replica__, rule_replica when found',
  }),
  opt('--no-dedupe', 'count HA replica copies separately'),
  opt('--max-staleness <duration>', 'data whose newest sample is older than this at the window end is stale (exit 4 for gates)', {
    defaultText: '4 scrape intervals, at least 15m',
  }),
  opt('--service-tier-label <name>', 'label that carries the billed service tier (repeatable; first present wins)', {
    repeatable: true,
    defaultText: 'openai_response_service_tier, openai_request_service_tier, service_tier…',
  }),
];

/** How to reach `--scrape` targets and `--prometheus`. */
export const CONNECTION_OPTIONS: readonly OptionSpec[] = [
  opt('--timeout <duration>', 'per-request timeout for the server or scrape targets', { defaultText: '30s' }),
  opt('--retries <n>', 'retries of server queries after connection errors, 429 and 502/503/504 (with backoff)', { defaultText: '3' }),
  opt('--header <header>', "extra HTTP header, 'Name: value' (repeatable)", { repeatable: true }),
  opt('--bearer-token-file <file>', 'file holding a bearer token for the server or scrape targets'),
  opt('--basic-auth-user <user>', 'basic auth user (password from TOKENSPEND_BASIC_AUTH_PASSWORD or --basic-auth-password-file)'),
  opt('--basic-auth-password-file <file>', 'file holding the basic auth password'),
  opt('--ca-file <file>', 'CA certificate(s) to trust for https'),
  opt('--insecure-skip-verify', 'do not verify the server certificate (prints a warning)'),
  opt('--max-response-size <size>', 'refuse a response body larger than this (exit 3) before it fills memory', { defaultText: '256MiB' }),
  opt('--verbose', 'log every request on stderr (credentials are never shown)'),
];

export const PRICING_OPTIONS: readonly OptionSpec[] = [
  opt('--pricing <file>', 'pricing file layered over the bundled list (repeatable; later wins per model)', { repeatable: true }),
  opt('--no-default-pricing', 'do not load the bundled price lists (catalogue and curated)'),
  opt('--currency <code>', 'report in this currency (ISO 4217), converted at report time with --fx-rate or --fx-file'),
  opt('--fx-rate <rate>', "units of --currency per unit of the price files' currency, e.g. 0.92 (no network look-ups)"),
  opt(
    '--fx-file <file>',
    'dated exchange rates (YAML {quote, rates: [{from, rate}]} or CSV date,rate): each time slice at the rate in force',
  ),
  opt(
    '--service-tier <value=tier>',
    'a service tier label value and the tier it bills in (standard, batch, flex, priority), e.g. scale=priority (repeatable)',
    {
      repeatable: true,
    },
  ),
];

export const CONFIG_OPTIONS: readonly OptionSpec[] = [
  opt('--config <file>', 'config file (YAML or JSON): connection, pricing, time zone, grouping, budgets, dialects, mappings', {
    defaultText: 'TOKENSPEND_CONFIG, else ./tokenspend.yaml when present',
  }),
  opt('--no-config', 'do not read a config file'),
];

/** Every option of a command that reads token data (matches `DataFlags`): source, dialect, connection, pricing, config. */
export const DATA_OPTIONS: readonly OptionSpec[] = [
  ...SOURCE_OPTIONS,
  ...DIALECT_OPTIONS,
  ...CONNECTION_OPTIONS,
  ...PRICING_OPTIONS,
  ...CONFIG_OPTIONS,
];

/** `report`'s window and steps. */
export const WINDOW_OPTIONS: readonly OptionSpec[] = [
  opt('--window <window>', `${WINDOW_NAMES.join(', ')} or a duration like 24h, 7d`, { defaultText: 'all; 7d on a server' }),
  opt('--since <time>', 'window start, RFC 3339 (exclusive)'),
  opt('--until <time>', 'window end, RFC 3339 (inclusive)'),
  opt('--step <step>', 'one row per 1h, 1d, 1w, 1mo (calendar-aligned in --timezone) or any duration'),
  opt('--now <time>', 'anchor for relative windows (default: the last sample of timestamped data, else the clock)'),
];

export const TIMEZONE_OPTION = opt('--timezone <zone>', 'IANA zone for calendar windows, steps and periods', { defaultText: 'UTC' });

export const BY_OPTION = opt('--by <dimensions>', 'group by: model, provider, operation, gateway, dialect or any label (comma-separated)');
export const MATCH_OPTION = opt(
  '--match <selector>',
  'keep series where label=value, label!=value, label=~regex or label!~regex (repeatable)',
  {
    repeatable: true,
  },
);

/** `--format` over `formats`. */
export function formatOption(formats: readonly string[]): OptionSpec {
  return opt('--format <format>', 'output format', { choices: formats, defaultText: 'table' });
}

/** `--format` over `formats`, and `--output`. */
export function outputOptions(formats: readonly string[]): OptionSpec[] {
  return [formatOption(formats), opt('--output <file>', 'write to this file (atomically) instead of stdout')];
}

export const DECIMALS_OPTION = opt('--decimals <n>', 'digits of money (default: 2 in table and markdown, 6 in json and csv)');

/** How forecasts are made (forecast, budget check). */
export const FORECAST_OPTIONS: readonly OptionSpec[] = [
  opt('--history <duration>', 'days of daily spend the forecast learns from', { defaultText: '91d' }),
  opt('--method <method>', 'forecast method', { choices: METHOD_CHOICES, defaultText: 'auto' }),
  opt('--level <percent>', 'prediction interval level, in percent', { defaultText: '80' }),
  opt('--interval <percent>', 'deprecated: use --level', { hidden: true }),
  opt('--force', 'forecast even with less history than the method needs'),
];
