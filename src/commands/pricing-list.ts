import type { PricingChoice, PricingFlags } from '../config/resolve.js';
import { ExitCode, usageError } from '../errors.js';
import { CONFIG_OPTIONS, formatOption, PRICING_OPTIONS } from '../options.js';
import { LOOKUP_FORMATS, type LookupFormat } from '../render/formats.js';
import type { Environment } from '../config/environment.js';
import { defineCommand } from './command.js';

export type LookupFlags = PricingFlags & { config?: string | false; format?: string };

export interface LookupOptions {
  pricing: PricingChoice;
  format: LookupFormat;
}

/** Pricing files (from the config file and flags) and a look-up format: shared by `pricing list` and `pricing show`. */
export async function resolveLookup(flags: LookupFlags, env: Environment): Promise<LookupOptions> {
  const [l, r] = await Promise.all([import('../config/load.js'), import('../config/resolve.js')]);
  const format = flags.format ?? 'table';
  if (!(LOOKUP_FORMATS as readonly string[]).includes(format))
    throw usageError(`--format: expected one of ${LOOKUP_FORMATS.join(', ')}, got "${format}"`);
  return { pricing: r.resolvePricing(flags, await l.loadConfig(flags.config, env)), format: format as LookupFormat };
}

export const LOOKUP_OPTIONS = [...PRICING_OPTIONS, ...CONFIG_OPTIONS, formatOption(LOOKUP_FORMATS)];

/** `pricing list`: every priced model with the rates in force now. */
export const pricingList = defineCommand<LookupFlags, LookupOptions>({
  name: 'pricing list',
  options: LOOKUP_OPTIONS,
  examples: ['tokenspend pricing list', 'tokenspend pricing list --pricing my-prices.yaml --format json'],
  exitCodes: { [ExitCode.ok]: 'success', [ExitCode.usage]: 'invalid pricing or config file' },
  resolve: (flags, env) => resolveLookup(flags, env),
  async run(o, ctx) {
    const [{ loadPriceBook }, { priceList }, { PRICE_LIST_RENDERERS }] = await Promise.all([
      import('../pricing/load.js'),
      import('../pricing/describe.js'),
      import('../render/pricing.js'),
    ]);
    const book = await loadPriceBook(o.pricing.files, { noDefault: o.pricing.noDefault });
    ctx.stdout(PRICE_LIST_RENDERERS[o.format](priceList(book, ctx.clock()), { color: ctx.color, width: ctx.width }));
    return ExitCode.ok;
  },
});
