import { createHash } from 'node:crypto';
import { usageError } from '../../errors.js';
import { readUserFile } from '../../files/read.js';
import type { LoadedPricing } from '../book.js';
import { parsePricing } from '../load.js';

export type PriceFormat = 'tokenspend' | 'litellm' | 'genai-prices';

/** Which format a parsed JSON document is in: a providers list (genai-prices), LiteLLM's model map, or ours. */
export function detectFormat(json: unknown): PriceFormat {
  if (Array.isArray(json)) return 'genai-prices';
  if (typeof json === 'object' && json !== null) {
    const o = json as Record<string, unknown>;
    if ('models' in o && 'version' in o) return 'tokenspend';
    if (Array.isArray(o.providers)) return 'genai-prices';
    const looksLitellm = Object.values(o).some(
      (v) => typeof v === 'object' && v !== null && ('litellm_provider' in v || 'input_cost_per_token' in v),
    );
    if (looksLitellm) return 'litellm';
  }
  return 'tokenspend';
}

/** Turns another source's document into our format, in memory. */
export async function convert(format: Exclude<PriceFormat, 'tokenspend'>, json: unknown, origin: string, today: string) {
  if (format === 'litellm') return (await import('./litellm.js')).importLitellm(json, origin, today);
  return (await import('./genai-prices.js')).importGenaiPrices(json, origin, today);
}

/** Any price source as a loaded file: ours (YAML or JSON), LiteLLM's JSON or genai-prices data. */
export async function loadPriceSource(path: string, today: string): Promise<LoadedPricing & { format: PriceFormat }> {
  const bytes = await readUserFile(path, 'price file');
  const text = bytes.toString('utf8');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ...(await parsePricing(text, path, sha256)), format: 'tokenspend' };
  }
  const format = detectFormat(json);
  if (format === 'tokenspend') return { ...(await parsePricing(text, path, sha256)), format };
  const { data } = await convert(format, json, `${format} file ${path}`, today).catch((e: unknown) => {
    throw e instanceof Error && 'exitCode' in e ? usageError(`${path}: ${e.message}`) : e;
  });
  return { info: { path, version: data.version, sha256, currency: data.currency }, data, format };
}
