import { createHash } from 'node:crypto';
import { readUserFile } from '../files/read.js';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { usageError } from '../errors.js';
import { userRegex } from '../regex.js';
import { effectiveTime, type LoadedPricing, PriceBook } from './book.js';
import type { PricingFileData } from './schema.js';

/** The price list that ships with tokenspend. */
export const DEFAULT_PRICING = fileURLToPath(new URL('../../pricing/default.yaml', import.meta.url));

/**
 * The bundled list, validated at build time (scripts/compile-pricing.mjs). It is used only while
 * its recorded hash matches pricing/default.yaml; otherwise the YAML is parsed and validated.
 * This keeps YAML and zod (~25 MB of memory) out of the common path.
 */
const COMPILED_DEFAULT = fileURLToPath(new URL('./default.json', import.meta.url));

/** The bundled price list by a stable name rather than an install path. */
export function displayPath(path: string): string {
  return path === DEFAULT_PRICING ? '(bundled) pricing/default.yaml' : path;
}

/** Reads and validates one price file; problems are usage errors naming file and path. */
export async function loadPricingFile(path: string): Promise<LoadedPricing> {
  const bytes = await readUserFile(path, 'pricing file');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (path === DEFAULT_PRICING) {
    const compiled = await readFile(COMPILED_DEFAULT, 'utf8').catch(() => undefined);
    if (compiled !== undefined) {
      const { sha256: compiledSha, data } = JSON.parse(compiled) as { sha256: string; data: PricingFileData };
      if (compiledSha === sha256) return { info: { path, version: data.version, sha256, currency: data.currency }, data };
    }
  }
  return parsePricing(bytes.toString('utf8'), path, sha256);
}

/** Validates price-file text (YAML or JSON). */
export async function parsePricing(text: string, path: string, sha256: string): Promise<LoadedPricing> {
  const [{ parseConfigText }, { pricingFileSchema }] = await Promise.all([import('../files/document.js'), import('./schema.js')]);
  const data = parseConfigText(text, path, pricingFileSchema);
  checkSemantics(data, path);
  return { info: { path, version: data.version, sha256, currency: data.currency }, data };
}

/** An alias names one model: never another model's id, never an alias of two models. */
function aliasProblems(data: PricingFileData, path: string): string[] {
  const problems: string[] = [];
  const ids = new Set(Object.keys(data.models).map((id) => id.toLowerCase()));
  const owner = new Map<string, string>();
  for (const [id, m] of Object.entries(data.models)) {
    m.aliases?.forEach((alias, i) => {
      const key = alias.toLowerCase();
      const where = `${path}: models.${id}.aliases[${i}]`;
      if (ids.has(key) && key !== id.toLowerCase()) problems.push(`${where}: "${alias}" is the id of another model`);
      else if (owner.has(key) && owner.get(key) !== id)
        problems.push(`${where}: "${alias}" is already an alias of models.${owner.get(key)}`);
      owner.set(key, id);
    });
  }
  return problems;
}

function checkSemantics(data: PricingFileData, path: string): void {
  const problems: string[] = aliasProblems(data, path);
  for (const [id, m] of Object.entries(data.models)) {
    m.patterns?.forEach((p, i) => {
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
    let previous = Number.NEGATIVE_INFINITY;
    m.prices.forEach((r, i) => {
      const t = effectiveTime(r.from);
      if (t <= previous)
        problems.push(
          `${path}: models.${id}.prices[${i}].from: expected dates in ascending order, got ${r.from} after an equal or later one`,
        );
      previous = t;
      if (r.input === undefined && r.output === undefined && r.cached_input === undefined && r.cache_write === undefined) {
        problems.push(`${path}: models.${id}.prices[${i}]: expected at least one of input, cached_input, cache_write, output`);
      }
    });
  }
  if (problems.length > 0) throw usageError(problems.join('\n'));
}

/** The bundled list, then each `--pricing` file over it (later wins per model). */
export async function loadPriceBook(files: readonly string[], options: { noDefault?: boolean } = {}): Promise<PriceBook> {
  const paths = options.noDefault ? [...files] : [DEFAULT_PRICING, ...files];
  if (paths.length === 0) throw usageError('no pricing file: drop --no-default-pricing or give --pricing FILE');
  const loaded = await Promise.all(paths.map(loadPricingFile));
  const currencies = new Set(loaded.map((l) => l.info.currency));
  if (currencies.size > 1) {
    throw usageError(`pricing files use different currencies (${[...currencies].join(', ')}); one report has one currency`);
  }
  return new PriceBook(loaded);
}
