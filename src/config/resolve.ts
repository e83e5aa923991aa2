import type { ReportCommandOptions } from '../commands/report.js';
import type { CustomMapping } from '../dialects/custom.js';
import { DEFAULT_DIALECT_SETTINGS, type DialectSettings } from '../dialects/dialect.js';
import { usageError } from '../errors.js';
import { parseMatcher } from '../ledger/matchers.js';
import { checkTimeZone, parseDuration, parseTime } from '../ledger/time.js';
import { parseStep } from '../ledger/windows.js';
import { FORMATS, type Format } from '../render/index.js';
import { parseHeaders, readTokenFile } from '../sources/scrape.js';
import { parseSourceArg } from '../sources/spec.js';
import type { ConfigFile } from './config-file.js';
import type { MethodChoice } from '../forecast/forecast.js';
import type { PrometheusConnection } from '../sources/prometheus/client.js';

/** The flags of `report` as commander gives them. */
export interface ReportFlags {
  file: string[];
  scrape: string[];
  interval?: string | undefined;
  by?: string;
  match: string[];
  top?: string;
  window?: string;
  since?: string;
  until?: string;
  step?: string;
  timezone?: string;
  now?: string;
  format: string;
  output?: string;
  decimals?: string;
  pricing: string[];
  defaultPricing: boolean;
  dialect?: string;
  config?: string;
  strict: boolean;
  timeout: string;
  header: string[];
  bearerTokenFile?: string;
  lookback?: string;
  prometheus?: string;
  basicAuthUser?: string;
  basicAuthPasswordFile?: string;
  caFile?: string;
  insecureSkipVerify?: boolean;
  retries?: string;
  countSamples?: boolean;
  verbose?: boolean;
}

/** What cli.ts reads from the environment for a command. */
export interface Environment {
  /** Where `--verbose` lines go (stderr). */
  log?: ((line: string) => void) | undefined;
  bearerToken?: string | undefined;
  prometheusUrl?: string | undefined;
  basicAuthPassword?: string | undefined;
}

function positiveDuration(text: string, flag: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw usageError(`${flag}: expected a duration like 30s, 5m or 7d, got "${text}"`);
  return ms;
}

function wholeNumber(text: string, flag: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min) throw usageError(`${flag}: expected a whole number ≥ ${min}, got "${text}"`);
  return Number(text);
}

export function parseFormat(text: string, allowed: readonly string[] = FORMATS): Format {
  if (!allowed.includes(text)) throw usageError(`--format: expected one of ${allowed.join(', ')}, got "${text}"`);
  return text as Format;
}

/** Dimensions from `--by model,feature`: names of labels or canonical dimensions. */
export function parseBy(text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') return [];
  const dims = text.split(',').map((d) => d.trim());
  for (const d of dims) {
    if (!/^[A-Za-z_][A-Za-z0-9_.:]*$/.test(d)) throw usageError(`--by: "${d}" is not a label name`);
  }
  if (new Set(dims).size !== dims.length) throw usageError(`--by: a dimension is repeated in "${text}"`);
  return dims;
}

/** Flags shared by forecast and budget check. */
export function resolveForecastFlags(flags: { history: string; method: string; interval: string; force?: boolean | undefined }) {
  const history = parseDuration(flags.history);
  if (history === undefined || history < 86_400_000) throw usageError(`--history: expected whole days like 28d, got "${flags.history}"`);
  const level = Number(flags.interval);
  if (!(level > 0 && level < 100)) throw usageError(`--interval: expected a percentage between 0 and 100 like 80, got "${flags.interval}"`);
  return {
    historyDays: Math.round(history / 86_400_000),
    method: flags.method as MethodChoice,
    level: level / 100,
    force: flags.force === true,
    parseAt: (text: string) => parseTime(text, '--at'),
  };
}

/** Connection options for --prometheus; secrets come from the environment or files only. */
export async function prometheusConnection(
  url: string,
  flags: Pick<ReportFlags, 'basicAuthUser' | 'basicAuthPasswordFile' | 'caFile' | 'insecureSkipVerify' | 'retries' | 'verbose'>,
  env: Environment,
  headers: Record<string, string>,
  bearerToken: string | undefined,
  timeoutMs: number,
): Promise<PrometheusConnection> {
  let basicAuth: PrometheusConnection['basicAuth'];
  if (flags.basicAuthUser !== undefined) {
    const password = flags.basicAuthPasswordFile ? await readTokenFile(flags.basicAuthPasswordFile) : env.basicAuthPassword;
    if (password === undefined)
      throw usageError('--basic-auth-user needs a password', 'set TOKENSPEND_BASIC_AUTH_PASSWORD or give --basic-auth-password-file');
    basicAuth = { user: flags.basicAuthUser, password };
  }
  return {
    url,
    headers,
    bearerToken,
    basicAuth,
    caFile: flags.caFile,
    insecureSkipVerify: flags.insecureSkipVerify === true,
    timeoutMs,
    retries: flags.retries === undefined ? 3 : wholeNumber(flags.retries, '--retries', 0),
    log: flags.verbose ? env.log : undefined,
  };
}

/** Defaults ← config file ← the flags given; everything downstream reads only the result. */
export async function resolveReportOptions(flags: ReportFlags, env: Environment): Promise<ReportCommandOptions> {
  // zod and the YAML parser load only when there is a config file to read.
  const config: ConfigFile | undefined = flags.config ? await (await import('./config-file.js')).loadConfigFile(flags.config) : undefined;
  const sources = [...flags.file.map((f) => parseSourceArg('file', f)), ...flags.scrape.map((s) => parseSourceArg('scrape', s))];
  const timezone = checkTimeZone(flags.timezone ?? config?.timezone ?? 'UTC');
  if (flags.interval !== undefined && flags.scrape.length === 0) throw usageError('--interval goes with --scrape');
  const lookbackText = flags.lookback ?? config?.lookback;
  const bearerToken = flags.bearerTokenFile ? await readTokenFile(flags.bearerTokenFile) : env.bearerToken;
  const headers = parseHeaders(flags.header);
  const timeoutMs = positiveDuration(flags.timeout, '--timeout');
  const prometheusUrl = flags.prometheus ?? (sources.length === 0 ? env.prometheusUrl : undefined);
  const prometheus =
    prometheusUrl === undefined ? undefined : await prometheusConnection(prometheusUrl, flags, env, headers, bearerToken, timeoutMs);
  return {
    input: {
      sources,
      by: parseBy(flags.by),
      matchers: flags.match.map(parseMatcher),
      top: flags.top === undefined ? undefined : wholeNumber(flags.top, '--top', 1),
      window: { window: flags.window, since: flags.since, until: flags.until },
      step: flags.step === undefined ? undefined : parseStep(flags.step),
      timezone,
      now: flags.now === undefined ? undefined : parseTime(flags.now, '--now'),
      dialect: flags.dialect ?? config?.dialect,
      dialectSettings: dialectSettings(config),
      mappings: customMappings(config),
      lookbackMs: lookbackText === undefined ? undefined : positiveDuration(lookbackText, '--lookback'),
      prometheus,
      countSamples: flags.countSamples === true,
      scrape: {
        timeoutMs,
        auth: { headers, bearerToken },
        intervalMs: flags.interval === undefined ? undefined : positiveDuration(flags.interval, '--interval'),
      },
    },
    output: {
      format: parseFormat(flags.format),
      output: flags.output,
      decimals: flags.decimals === undefined ? undefined : wholeNumber(flags.decimals, '--decimals', 0),
    },
    pricingFiles: [...(config?.pricing ?? []), ...flags.pricing],
    noDefaultPricing: !flags.defaultPricing,
    strict: flags.strict,
  };
}

export function dialectSettings(config: ConfigFile | undefined): DialectSettings {
  return {
    agentgatewayInputIncludesCache:
      config?.dialects?.agentgateway?.inputIncludesCache ?? DEFAULT_DIALECT_SETTINGS.agentgatewayInputIncludesCache,
    litellmInputIncludesCache: config?.dialects?.litellm?.inputIncludesCache ?? DEFAULT_DIALECT_SETTINGS.litellmInputIncludesCache,
  };
}

export function customMappings(config: ConfigFile | undefined): CustomMapping[] {
  return (config?.mappings ?? []).map((m) => ({ ...m }));
}
