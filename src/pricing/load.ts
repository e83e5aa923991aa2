import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { usageError } from '../errors.js';
import { userRegex } from '../regex.js';
import { parsePrice } from '../money.js';
import { readUserFile } from '../files/read.js';
import { effectiveTime, type LoadedPricing, PriceBook, type ServiceTier } from './book.js';
import type { PricingFileData } from './schema.js';

/** The generated catalogue (`npm run prices:update`), the lowest layer. */
export const CATALOGUE_PRICING = fileURLToPath(new URL('../../pricing/catalogue.yaml', import.meta.url));
/** Our curated corrections and additions over the catalogue, each with its reason. */
export const DEFAULT_PRICING = fileURLToPath(new URL('../../pricing/default.yaml', import.meta.url));
/** The bundled layers, lowest first. */
export const BUNDLED_PRICING = [CATALOGUE_PRICING, DEFAULT_PRICING] as const;

const BUNDLED_NAMES: Record<string, string> = {
  [CATALOGUE_PRICING]: '(bundled) pricing/catalogue.yaml',
  [DEFAULT_PRICING]: '(bundled) pricing/default.yaml',
};

/** The bundled lists by a stable name rather than an install path. */
export function displayPath(path: string): string {
  return BUNDLED_NAMES[path] ?? path;
}

/**
 * A bundled list validated at build time (scripts/compile-pricing.mjs) into dist/pricing/*.json.
 * It is used only while its recorded hash matches the YAML; otherwise the YAML is parsed and
 * validated. This keeps YAML and zod (~25 MB of memory) out of the common path.
 */
async function compiled(path: string, sha256: string): Promise<LoadedPricing | undefined> {
  const name = path === CATALOGUE_PRICING ? 'catalogue' : path === DEFAULT_PRICING ? 'default' : undefined;
  if (name === undefined) return undefined;
  const text = await readFile(fileURLToPath(new URL(`./${name}.json`, import.meta.url)), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const { sha256: compiledSha, data } = JSON.parse(text) as { sha256: string; data: PricingFileData };
  return compiledSha === sha256 ? { info: { path, version: data.version, sha256, currency: data.currency }, data } : undefined;
}

/** Reads and validates one price file; problems are usage errors naming file and path. */
export async function loadPricingFile(path: string): Promise<LoadedPricing> {
  const bytes = await readUserFile(path, 'pricing file');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return (await compiled(path, sha256)) ?? parsePricing(bytes.toString('utf8'), path, sha256);
}

/** Validates price-file text (YAML or JSON). */
export async function parsePricing(text: string, path: string, sha256: string): Promise<LoadedPricing> {
  const [{ parseConfigText }, { pricingFileSchema }] = await Promise.all([import('../files/document.js'), import('./schema.js')]);
  const data = parseConfigText(text, path, pricingFileSchema);
  checkSemantics(data, path);
  return { info: { path, version: data.version, sha256, currency: data.currency }, data };
}

function checkPatterns(id: string, patterns: readonly string[], path: string, problems: string[]): void {
  patterns.forEach((p, i) => {
    const where = `${path}: models.${id}.patterns[${i}]`;
    try {
      new RegExp(p);
    } catch (e) {
      problems.push(`${where}: not a valid regular expression: ${(e as Error).message}`);
      return;
    }
    try {
      userRegex(p, where, 'i');
    } catch (e) {
      problems.push((e as Error).message);
    }
  });
}

/** Within one provider, an alias names one model: never another model's id, never an alias of two models. */
function aliasProblems(data: PricingFileData, path: string): string[] {
  const problems: string[] = [];
  const modelId = (key: string, provider: string | undefined) =>
    provider !== undefined && key.toLowerCase().startsWith(`${provider.toLowerCase()}/`) ? key.slice(provider.length + 1) : key;
  const ids = new Set(Object.entries(data.models).map(([key, m]) => `${m.provider ?? ''}\u0000${modelId(key, m.provider).toLowerCase()}`));
  const owner = new Map<string, string>();
  for (const [key, m] of Object.entries(data.models)) {
    const id = modelId(key, m.provider);
    m.aliases?.forEach((alias, i) => {
      const k = `${m.provider ?? ''}\u0000${alias.toLowerCase()}`;
      const where = `${path}: models.${key}.aliases[${i}]`;
      if (ids.has(k) && alias.toLowerCase() !== id.toLowerCase()) problems.push(`${where}: "${alias}" is the id of another model`);
      else if (owner.has(k) && owner.get(k) !== key) problems.push(`${where}: "${alias}" is already an alias of models.${owner.get(k)}`);
      owner.set(k, key);
    });
  }
  return problems;
}

const HAS_PRICE = (r: Partial<Record<string, unknown>>) =>
  r.input !== undefined || r.output !== undefined || r.cached_input !== undefined || r.cache_write !== undefined;

function checkSemantics(data: PricingFileData, path: string): void {
  const problems: string[] = aliasProblems(data, path);
  for (const [id, m] of Object.entries(data.models)) {
    checkPatterns(id, m.patterns ?? [], path, problems);
    let previous = Number.NEGATIVE_INFINITY;
    m.prices.forEach((r, i) => {
      const at = `${path}: models.${id}.prices[${i}]`;
      if (r.from === undefined && i > 0) problems.push(`${at}.from: required on every rate but the first`);
      const t = effectiveTime(r.from);
      if (r.from !== undefined && t <= previous)
        problems.push(`${at}.from: expected dates in ascending order, got ${r.from} after an equal or later one`);
      previous = t;
      if (!HAS_PRICE(r) && !r.batch && !r.flex && !r.priority) {
        problems.push(`${at}: expected at least one of input, cached_input, cache_write, output`);
      }
      let above = 0;
      (r.context ?? []).forEach((c, j) => {
        if (c.above <= above) problems.push(`${at}.context[${j}].above: expected thresholds in ascending order`);
        above = c.above;
      });
    });
  }
  if (problems.length > 0) throw usageError(problems.join('\n'));
}

/** `--currency` with `--fx-rate` (one rate) or `--fx-file` (dated rates). */
export type CurrencyChoice = { code: string; rate: string } | { code: string | undefined; file: string };

/** The bundled layers (catalogue, then curated), then each `--pricing` file over them (later wins per model). */
export async function loadPriceBook(
  files: readonly string[],
  options: {
    noDefault?: boolean;
    currency?: CurrencyChoice | undefined;
    tierValues?: Readonly<Record<string, ServiceTier>> | undefined;
  } = {},
): Promise<PriceBook> {
  const paths = options.noDefault ? [...files] : [...BUNDLED_PRICING, ...files];
  if (paths.length === 0) throw usageError('no pricing file: drop --no-default-pricing or give --pricing FILE');
  const loaded = await Promise.all(paths.map(loadPricingFile));
  const currencies = new Set(loaded.map((l) => l.info.currency));
  if (currencies.size > 1) {
    throw usageError(
      `pricing files use different currencies (${[...currencies].join(', ')}); one report has one currency`,
      'convert at report time with --currency and --fx-rate, from files in one currency',
    );
  }
  const base = loaded[0]?.info.currency ?? 'USD';
  const tierValues = options.tierValues ? { tierValues: options.tierValues } : {};
  const c = options.currency;
  // The bundled layers are the list prices; the user's files over them are contracted prices (FOCUS).
  const layers = { ...tierValues, listLayers: options.noDefault ? 0 : BUNDLED_PRICING.length };
  if (!c || c.code === base) return new PriceBook(loaded, layers);
  const fx =
    'file' in c
      ? await (await import('./fx-file.js')).loadFxFile(c.file, base, c.code)
      : { base, quote: c.code, rates: [{ from: Number.NEGATIVE_INFINITY, nano: parsePrice(c.rate), text: c.rate }], source: '--fx-rate' };
  if (fx.quote === base) return new PriceBook(loaded, layers);
  return new PriceBook(loaded, { fx, ...layers });
}
