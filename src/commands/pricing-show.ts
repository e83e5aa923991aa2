import { ExitCode, incompleteError } from '../errors.js';
import { defineCommand } from './command.js';
import { LOOKUP_OPTIONS, type LookupFlags, type LookupOptions, resolveLookup } from './pricing-list.js';

type ShowFlags = LookupFlags & { provider?: string };

/** `pricing show MODEL`: which entry prices this name, how it was found, and its dated rates. */
export const pricingShow = defineCommand<ShowFlags, LookupOptions & { model: string; provider: string | undefined }>({
  name: 'pricing show',
  arguments: [
    { name: '<model>', description: 'a model name as a gateway reports it (id, alias, dated, Bedrock, Vertex, provider/model…)' },
  ],
  options: [
    {
      flags: '--provider <label>',
      description: "the series' provider label (gen_ai_provider_name, ai_provider…): prices differ by provider",
    },
    ...LOOKUP_OPTIONS,
  ],
  examples: [
    'tokenspend pricing show gpt-5.1-2025-11-13',
    'tokenspend pricing show us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    'tokenspend pricing show llama-3.3-70b-versatile --provider groq',
  ],
  exitCodes: {
    [ExitCode.ok]: 'the name is priced',
    [ExitCode.usage]: 'invalid pricing or config file',
    [ExitCode.incomplete]: 'no pricing file prices this name',
  },
  resolve: async (flags, env, args) => ({ ...(await resolveLookup(flags, env)), model: args[0] as string, provider: flags.provider }),
  async run(o, ctx) {
    const [{ loadPriceBook }, { priceShow }, { PRICE_SHOW_RENDERERS }] = await Promise.all([
      import('../pricing/load.js'),
      import('../pricing/describe.js'),
      import('../render/pricing.js'),
    ]);
    const book = await loadPriceBook(o.pricing.files, { noDefault: o.pricing.noDefault });
    const r = book.resolve(o.model, o.provider);
    if (!('model' in r)) {
      const why =
        r.reason === 'ambiguous-provider'
          ? `several providers list it (${r.providers?.join(', ')}) and no --provider says which`
          : r.provider
            ? `provider "${r.provider}" has no entry for it and does not resell it at a maker's list price`
            : `it is neither a model id, an alias nor a pattern in the pricing files${r.unknownLabel ? ` (provider label "${r.unknownLabel}" is not one we know: only makers' list prices were tried)` : ''}`;
      throw incompleteError(`no price for "${o.model}": ${why}`, 'add it (or an alias) to a --pricing file; see pricing list');
    }
    const view = priceShow(book, o.model, o.provider, r, ctx.clock());
    ctx.stdout(PRICE_SHOW_RENDERERS[o.format](view, { color: ctx.color, width: ctx.width }));
    return ExitCode.ok;
  },
});
