import { incompleteError } from '../errors.js';
import { isoTime } from '../ledger/time.js';
import { TOKEN_TYPES } from '../model.js';
import { type ModelPrice, type PriceBook, rateAt } from '../pricing/book.js';
import { displayPath, loadPriceBook, loadPricingFile } from '../pricing/load.js';
import { renderPriceList, renderPriceShow } from '../render/pricing.js';
import type { CommandContext } from './context.js';

export interface PricingOptions {
  pricingFiles: string[];
  noDefaultPricing: boolean;
  format: 'table' | 'json';
}

/** A model's prices as plain data, for `pricing list/show` renderers. */
export function describeModel(m: ModelPrice, at: number) {
  const current = rateAt(m, at);
  return {
    id: m.id,
    provider: m.provider,
    aliases: m.aliases,
    patterns: m.patterns,
    source: m.source ?? null,
    checked: m.checked ?? null,
    file: displayPath(m.file),
    current: current ? { from: isoTime(current.from), ...Object.fromEntries(TOKEN_TYPES.map((t) => [t, current.text[t] ?? null])) } : null,
    history: m.rates.map((r) => ({ from: isoTime(r.from), ...Object.fromEntries(TOKEN_TYPES.map((t) => [t, r.text[t] ?? null])) })),
  };
}
export type ModelDescription = ReturnType<typeof describeModel>;

async function book(options: PricingOptions): Promise<PriceBook> {
  return loadPriceBook(options.pricingFiles, { noDefault: options.noDefaultPricing });
}

/** `pricing list`: every model with the rates in force now. */
export async function pricingList(options: PricingOptions, ctx: CommandContext): Promise<number> {
  const b = await book(options);
  const models = b.list().map((m) => describeModel(m, ctx.clock()));
  ctx.stdout(renderPriceList(models, b, options.format, ctx.color));
  return 0;
}

/** `pricing show MODEL`: which entry prices this name, and its dated rates. */
export async function pricingShow(model: string, options: PricingOptions, ctx: CommandContext): Promise<number> {
  const b = await book(options);
  const m = b.resolve(model);
  if (!m)
    throw incompleteError(
      `no price for "${model}": it is neither a model id, an alias nor a pattern in the pricing files`,
      'add it to a --pricing file',
    );
  ctx.stdout(renderPriceShow(model, describeModel(m, ctx.clock()), b.currency, options.format));
  return 0;
}

/** `pricing validate FILE…`: exit 0 when every file is valid, 2 with one line per problem otherwise. */
export async function pricingValidate(files: string[], ctx: CommandContext): Promise<number> {
  for (const f of files) {
    const loaded = await loadPricingFile(f);
    ctx.stdout(`${f}: ok (version ${loaded.info.version}, ${Object.keys(loaded.data.models).length} models, ${loaded.info.currency})\n`);
  }
  return 0;
}
