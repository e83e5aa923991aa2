import type { CustomMapping } from '../dialects/mappings.js';
import { DIALECT_IDS } from '../dialects/table.js';
import { usageError } from '../errors.js';
import type { MethodChoice } from '../forecast/forecast.js';
import type { ForecastSettings } from '../forecast/settings.js';
import { parseMatcher } from '../ledger/matchers.js';
import { parseStep, parseWindow, type WindowPlan } from '../ledger/periods.js';
import { checkTimeZone, parseDuration, parseTime } from '../ledger/time.js';
import type { DialectChoice, Grouping } from '../pipeline.js';
import { checkHeaders, type HttpSettings, parseHeaders, parseSize, readSecretFile } from '../sources/http.js';
import type { SourceSettings } from '../sources/open.js';
import { parseSourceArg } from '../sources/spec.js';
import type { ReplicaPolicy } from '../ledger/replicas.js';
import { DEFAULT_TIER_VALUES, SERVICE_TIERS, type ServiceTier } from '../pricing/book.js';
import type { CurrencyChoice } from '../pricing/load.js';
import type { ConfigFile } from './config-file.js';
import type { Environment } from './environment.js';

// One resolver per option group: defaults ← config file ← environment ← the flags given.
// Each takes only its own group's flags, so no command hands another one's resolver fake flags.

export function positiveDuration(text: string, flag: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw usageError(`${flag}: expected a duration like 30s, 5m or 7d, got "${text}"`);
  return ms;
}

export function wholeNumber(text: string, flag: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min) throw usageError(`${flag}: expected a whole number ≥ ${min}, got "${text}"`);
  return Number(text);
}

/** `--concurrency`: 1 to 16 queries in flight. */
function concurrencyOf(text: string): number {
  const n = wholeNumber(text, '--concurrency', 1);
  if (n > 16) throw usageError(`--concurrency: at most 16 queries in flight, got ${n}`);
  return n;
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

export interface ConnectionFlags {
  timeout?: string | undefined;
  retries?: string | undefined;
  header?: string[] | undefined;
  bearerTokenFile?: string | undefined;
  basicAuthUser?: string | undefined;
  basicAuthPasswordFile?: string | undefined;
  caFile?: string | undefined;
  insecureSkipVerify?: boolean | undefined;
  verbose?: boolean | undefined;
  maxResponseSize?: string | undefined;
}

function size(text: string, flag: string): number {
  const bytes = parseSize(text);
  if (bytes === undefined) throw usageError(`${flag}: expected a size like 256MiB, 1GB or 500k, got "${text}"`);
  return bytes;
}

/** How to reach `--scrape` targets and `--prometheus`, and how often to retry the server. */
export async function resolveConnection(
  flags: ConnectionFlags,
  env: Environment,
  config: ConfigFile | undefined,
): Promise<{ http: HttpSettings; retries: number }> {
  const c = config?.data.connection;
  const file = (p: string | undefined) => (p === undefined ? undefined : (config?.resolvePath(p) ?? p));
  const bearerFile = flags.bearerTokenFile ?? (env.vars.TOKENSPEND_BEARER_TOKEN === undefined ? file(c?.bearerTokenFile) : undefined);
  const bearerToken = bearerFile ? await readSecretFile(bearerFile, 'token file') : env.vars.TOKENSPEND_BEARER_TOKEN;
  let basicAuth: HttpSettings['basicAuth'];
  const user = flags.basicAuthUser ?? c?.basicAuth?.user;
  if (user !== undefined) {
    const passwordFile =
      flags.basicAuthPasswordFile ?? (env.vars.TOKENSPEND_BASIC_AUTH_PASSWORD === undefined ? file(c?.basicAuth?.passwordFile) : undefined);
    const password = passwordFile ? await readSecretFile(passwordFile, 'password file') : env.vars.TOKENSPEND_BASIC_AUTH_PASSWORD;
    if (password === undefined)
      throw usageError('--basic-auth-user needs a password', 'set TOKENSPEND_BASIC_AUTH_PASSWORD or give --basic-auth-password-file');
    basicAuth = { user, password };
  }
  const insecureSkipVerify = flags.insecureSkipVerify ?? c?.insecureSkipVerify ?? false;
  if (insecureSkipVerify) env.warn('--insecure-skip-verify: the server certificate is NOT verified');
  return {
    http: {
      headers: { ...checkHeaders(c?.headers ?? {}, `${config?.path}: connection.headers`), ...parseHeaders(flags.header ?? []) },
      bearerToken,
      basicAuth,
      caFile: flags.caFile ?? file(c?.caFile),
      insecureSkipVerify,
      timeoutMs: positiveDuration(flags.timeout ?? c?.timeout ?? '30s', '--timeout'),
      maxResponseBytes: size(flags.maxResponseSize ?? c?.maxResponseSize ?? '256MiB', '--max-response-size'),
      log: flags.verbose ? env.log : undefined,
    },
    retries: flags.retries === undefined ? (c?.retries ?? 3) : wholeNumber(flags.retries, '--retries', 0),
  };
}

export interface SourceFlags {
  prometheus?: string | undefined;
  file?: string[] | undefined;
  scrape?: string[] | undefined;
  countSamples?: boolean | undefined;
  perSeries?: boolean | undefined;
  concurrency?: string | undefined;
}

/**
 * Files and scrapes from the flags; else a server from the flag, the environment or the config
 * file. `scrapeInterval` is `report --interval` (scrape twice), the only command that has it.
 */
export async function resolveSources(
  flags: SourceFlags,
  connection: ConnectionFlags,
  env: Environment,
  config: ConfigFile | undefined,
  scrapeInterval?: string,
): Promise<SourceSettings> {
  const specs = [
    ...(flags.file ?? []).map((f) => parseSourceArg('file', f)),
    ...(flags.scrape ?? []).map((s) => parseSourceArg('scrape', s)),
  ];
  if (scrapeInterval !== undefined && (flags.scrape ?? []).length === 0) throw usageError('--interval goes with --scrape');
  const prometheusUrl =
    flags.prometheus ?? (specs.length === 0 ? (env.vars.TOKENSPEND_PROMETHEUS_URL ?? config?.data.connection?.prometheus) : undefined);
  const { http, retries } = await resolveConnection(connection, env, config);
  return {
    specs,
    scrapeIntervalMs: scrapeInterval === undefined ? undefined : positiveDuration(scrapeInterval, '--interval'),
    prometheusUrl,
    retries,
    countSamples: flags.countSamples === true,
    perSeries: flags.perSeries === true,
    concurrency: flags.concurrency === undefined ? 2 : concurrencyOf(flags.concurrency),
    http,
  };
}

/** `--dialect`, `--service-tier-label`, and the config file's dialect settings, mappings and service tier labels. */
export function resolveDialects(
  flags: { dialect?: string | undefined; serviceTierLabel?: string[] | undefined },
  config: ConfigFile | undefined,
): DialectChoice {
  const settings = config?.data.dialects ?? {};
  for (const id of Object.keys(settings)) {
    if (!DIALECT_IDS.includes(id))
      throw usageError(
        `${config?.path}: dialects.${id}: unknown dialect; expected one of ${DIALECT_IDS.filter((d) => d !== 'custom').join(', ')}`,
      );
  }
  const mappings: CustomMapping[] = (config?.data.mappings ?? []).map((m) => ({ ...m }));
  const tierLabels = flags.serviceTierLabel ?? config?.data.serviceTiers?.labels;
  for (const l of tierLabels ?? [])
    if (!/^[A-Za-z_][A-Za-z0-9_.:]*$/.test(l)) throw usageError(`--service-tier-label: "${l}" is not a label name`);
  return { forced: flags.dialect ?? config?.data.dialect, settings, mappings, ...(tierLabels ? { serviceTierLabels: tierLabels } : {}) };
}

/** `--replica-label` (else the config file's, else the usual ones found in the data), or `--no-dedupe`. */
export function resolveReplicas(
  flags: { replicaLabel?: string[] | undefined; dedupe?: boolean | undefined },
  config: ConfigFile | undefined,
): ReplicaPolicy {
  if (flags.dedupe === false || (flags.dedupe === undefined && config?.data.dedupe === false)) return { dedupe: false };
  const labels = flags.replicaLabel ?? config?.data.replicaLabels;
  for (const l of labels ?? []) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(l)) throw usageError(`--replica-label: "${l}" is not a label name`);
  return { dedupe: true, labels: labels === undefined ? 'auto' : labels };
}

/** `--max-staleness`, else the config file's; undefined: from the scrape interval. */
export function resolveMaxStaleness(flags: { maxStaleness?: string | undefined }, config: ConfigFile | undefined): number | undefined {
  const text = flags.maxStaleness ?? config?.data.maxStaleness;
  return text === undefined ? undefined : positiveDuration(text, '--max-staleness');
}

/** `--lookback`, else the config file's, else each source's default. */
export function resolveLookback(flags: { lookback?: string | undefined }, config: ConfigFile | undefined): number | undefined {
  const text = flags.lookback ?? config?.data.lookback;
  return text === undefined ? undefined : positiveDuration(text, '--lookback');
}

export interface PricingFlags {
  pricing?: string[] | undefined;
  defaultPricing?: boolean | undefined;
  currency?: string | undefined;
  fxRate?: string | undefined;
  fxFile?: string | undefined;
  serviceTier?: string[] | undefined;
}

export interface PricingChoice {
  files: string[];
  noDefault: boolean;
  /** `--currency` with `--fx-rate` or `--fx-file`: convert at report time. */
  currency?: CurrencyChoice | undefined;
  /** Service tier label values → billing tiers, over the built-in ones. */
  tierValues?: Readonly<Record<string, ServiceTier>> | undefined;
}

/** `--currency` with `--fx-rate` or `--fx-file` (each flag over the config file's key of the same name). */
function resolveCurrency(flags: PricingFlags, config: ConfigFile | undefined): CurrencyChoice | undefined {
  const c = config?.data;
  const currency = flags.currency ?? c?.currency;
  const given = flags.fxRate !== undefined || flags.fxFile !== undefined;
  const fxRate = flags.fxRate ?? (given ? undefined : c?.fxRate);
  const fxFile = flags.fxFile ?? (given || c?.fxFile === undefined ? undefined : (config?.resolvePath(c.fxFile) ?? c.fxFile));
  if (fxRate !== undefined && fxFile !== undefined) throw usageError('give --fx-rate or --fx-file, not both');
  if (currency !== undefined && !/^[A-Z]{3}$/.test(currency))
    throw usageError(`--currency: expected an ISO 4217 code such as EUR, got "${currency}"`);
  if (fxFile !== undefined) return { code: currency, file: fxFile };
  if ((currency === undefined) !== (fxRate === undefined)) throw usageError('--currency and --fx-rate go together (or give --fx-file)');
  if (currency === undefined || fxRate === undefined) return undefined;
  if (!/^\d+(\.\d{1,9})?$/.test(fxRate) || Number(fxRate) === 0)
    throw usageError(`--fx-rate: expected a rate like 0.92 (more than 0, at most 9 decimals), got "${fxRate}"`);
  return { code: currency, rate: fxRate };
}

/** `--service-tier VALUE=TIER` (repeatable), over the config file's `serviceTiers.values`. */
function resolveTierValues(flags: PricingFlags, config: ConfigFile | undefined): Record<string, ServiceTier> | undefined {
  const values: Record<string, string> = { ...(config?.data.serviceTiers?.values ?? {}) };
  for (const f of flags.serviceTier ?? []) {
    const m = /^([^=]+)=([^=]+)$/.exec(f);
    if (!m) throw usageError(`--service-tier: expected VALUE=TIER like scale=priority, got "${f}"`);
    values[(m[1] as string).trim()] = (m[2] as string).trim();
  }
  if (Object.keys(values).length === 0) return undefined;
  const out: Record<string, ServiceTier> = { ...DEFAULT_TIER_VALUES };
  for (const [value, tier] of Object.entries(values)) {
    if (!(SERVICE_TIERS as readonly string[]).includes(tier))
      throw usageError(`service tier "${value}": expected one of ${SERVICE_TIERS.join(', ')}, got "${tier}"`);
    out[value.toLowerCase()] = tier as ServiceTier;
  }
  return out;
}

/** The config file's pricing files, then `--pricing` ones (later wins per model); the report currency; service tier values. */
export function resolvePricing(flags: PricingFlags, config: ConfigFile | undefined): PricingChoice {
  const fromConfig = (config?.data.pricing ?? []).map((p) => config?.resolvePath(p) ?? p);
  const choice: PricingChoice = { files: [...fromConfig, ...(flags.pricing ?? [])], noDefault: flags.defaultPricing === false };
  const currency = resolveCurrency(flags, config);
  if (currency) choice.currency = currency;
  const tierValues = resolveTierValues(flags, config);
  if (tierValues) choice.tierValues = tierValues;
  return choice;
}

export interface GroupingFlags {
  by?: string | undefined;
  match?: string[] | undefined;
  top?: string | undefined;
}

export function resolveGrouping(flags: GroupingFlags, config: ConfigFile | undefined): Grouping {
  return {
    by: parseBy(flags.by ?? config?.data.by?.join(',')),
    matchers: (flags.match ?? []).map(parseMatcher),
    top: flags.top === undefined ? undefined : wholeNumber(flags.top, '--top', 1),
  };
}

export interface WindowFlags {
  window?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  step?: string | undefined;
}

export function resolveWindowPlan(flags: WindowFlags): WindowPlan {
  return { kind: 'window', window: parseWindow(flags), step: flags.step === undefined ? undefined : parseStep(flags.step) };
}

/** `--timezone`, else the config file's, else `fallback`. */
export function resolveTimezone(flag: string | undefined, config: ConfigFile | undefined, fallback = 'UTC'): string {
  return checkTimeZone(flag ?? config?.data.timezone ?? fallback);
}

/** `--now`/`--at`: an RFC 3339 time. */
export function resolveInstant(text: string | undefined, flag: string): number | undefined {
  return text === undefined ? undefined : parseTime(text, flag);
}

/** Output choices shared by commands that print results. */
export interface OutputOptions<F extends string = string> {
  format: F;
  output: string | undefined;
  decimals: number | undefined;
}

export function resolveOutput<F extends string>(
  flags: { format?: string | undefined; output?: string | undefined; decimals?: string | undefined },
  formats: readonly F[],
): OutputOptions<F> {
  const format = flags.format ?? 'table';
  if (!(formats as readonly string[]).includes(format))
    throw usageError(`--format: expected one of ${formats.join(', ')}, got "${format}"`);
  return {
    format: format as F,
    output: flags.output,
    decimals: flags.decimals === undefined ? undefined : decimals(flags.decimals),
  };
}

/** `--decimals`: money is exact to 15 digits after the point, so no more can be printed. */
function decimals(text: string): number {
  const n = wholeNumber(text, '--decimals', 0);
  if (n > 15) throw usageError(`--decimals: expected 0 to 15 digits (money is exact to 10^-15), got ${n}`);
  return n;
}

export interface ForecastFlags {
  history?: string | undefined;
  method?: string | undefined;
  level?: string | undefined;
  /** Deprecated alias of `--level`. */
  interval?: string | undefined;
  force?: boolean | undefined;
}

/** `--history`, `--method`, `--level` (or the deprecated `--interval`), `--force`. */
export function resolveForecastSettings(flags: ForecastFlags, env: Environment): ForecastSettings {
  const historyText = flags.history ?? '91d';
  const history = parseDuration(historyText);
  if (history === undefined || history < 86_400_000) throw usageError(`--history: expected whole days like 28d, got "${historyText}"`);
  if (flags.interval !== undefined) env.warn('--interval is deprecated for forecasts: use --level (--interval is the scrape spacing)');
  const levelFlag = flags.level !== undefined ? '--level' : '--interval';
  const levelText = flags.level ?? flags.interval ?? '80';
  const level = Number(levelText);
  if (!(level > 0 && level < 100)) throw usageError(`${levelFlag}: expected a percentage between 0 and 100 like 80, got "${levelText}"`);
  return {
    historyDays: Math.round(history / 86_400_000),
    method: (flags.method ?? 'auto') as MethodChoice,
    level: level / 100,
    force: flags.force === true,
  };
}
