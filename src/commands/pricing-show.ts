import { ExitCode, incompleteError } from '../errors.js';
import { defineCommand } from './command.js';
import { LOOKUP_OPTIONS, type LookupFlags, type LookupOptions, resolveLookup } from './pricing-list.js';

/** `pricing show MODEL`: which entry prices this name, and its dated rates. */
export const pricingShow = defineCommand<LookupFlags, LookupOptions & { model: string }>({
  name: 'pricing show',
  arguments: [{ name: '<model>', description: 'a model id, alias or name matched by a pattern' }],
  options: LOOKUP_OPTIONS,
  examples: ['tokenspend pricing show gpt-4o', 'tokenspend pricing show us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
  exitCodes: {
    [ExitCode.ok]: 'the name is priced',
    [ExitCode.usage]: 'invalid pricing or config file',
    [ExitCode.incomplete]: 'no pricing file prices this name',
  },
  resolve: async (flags, env, args) => ({ ...(await resolveLookup(flags, env)), model: args[0] as string }),
  async run(o, ctx) {
    const [{ loadPriceBook }, { describeModel }, { PRICE_SHOW_RENDERERS }] = await Promise.all([
      import('../pricing/load.js'),
      import('../pricing/describe.js'),
      import('../render/pricing.js'),
    ]);
    const book = await loadPriceBook(o.pricing.files, { noDefault: o.pricing.noDefault });
    const m = book.resolve(o.model);
    if (!m)
      throw incompleteError(
        `no price for "${o.model}": it is neither a model id, an alias nor a pattern in the pricing files`,
        'add it to a --pricing file',
      );
    const view = { asked: o.model, currency: book.currency, model: describeModel(m, ctx.clock()) };
    ctx.stdout(PRICE_SHOW_RENDERERS[o.format](view, { color: ctx.color, width: ctx.width }));
    return ExitCode.ok;
  },
});
