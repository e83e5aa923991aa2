import { ExitCode } from '../errors.js';
import { formatOption } from '../options.js';
import { LOOKUP_FORMATS, type LookupFormat } from '../render/formats.js';
import { defineCommand } from './command.js';

interface DiffOptions {
  a: string;
  b: string;
  format: LookupFormat;
  at: number | undefined;
  changedOnly: boolean;
}

/** `pricing diff A B`: added, removed and changed rates per model and token type. */
export const pricingDiff = defineCommand<{ format?: string; at?: string; changedOnly?: boolean }, DiffOptions>({
  name: 'pricing diff',
  arguments: [
    { name: '<a>', description: 'price file: ours (YAML/JSON), LiteLLM JSON or genai-prices JSON' },
    { name: '<b>', description: 'price file to compare with A, in any of those formats' },
  ],
  options: [
    formatOption(LOOKUP_FORMATS),
    { flags: '--at <time>', description: 'compare the rates in force at this time', defaultText: 'now' },
    { flags: '--changed-only', description: 'leave out models only one side prices' },
  ],
  examples: ['tokenspend pricing diff pricing/catalogue.yaml fixtures/pricing/litellm.json --changed-only'],
  exitCodes: {
    [ExitCode.ok]: 'compared (differences are not a failure; see pricing drift)',
    [ExitCode.usage]: 'a file is missing or invalid',
  },
  async resolve(flags, _env, args) {
    const [{ resolveInstant }, { resolveLookupFormat }] = await Promise.all([import('../config/resolve.js'), import('./pricing-drift.js')]);
    return {
      a: args[0] as string,
      b: args[1] as string,
      format: resolveLookupFormat(flags.format),
      at: resolveInstant(flags.at, '--at'),
      changedOnly: flags.changedOnly === true,
    };
  },
  async run(o, ctx) {
    const [{ loadPriceSource }, { PriceBook }, { diffBooks }, { PRICE_DIFF_RENDERERS }] = await Promise.all([
      import('../pricing/import/detect.js'),
      import('../pricing/book.js'),
      import('../pricing/diff.js'),
      import('../render/pricing-diff.js'),
    ]);
    const at = o.at ?? ctx.clock();
    const today = new Date(at).toISOString().slice(0, 10);
    const [a, b] = await Promise.all([loadPriceSource(o.a, today), loadPriceSource(o.b, today)]);
    const diff = diffBooks(new PriceBook([a]), new PriceBook([b]), at, { a: o.a, b: o.b });
    if (o.changedOnly) diff.changes = diff.changes.filter((c) => c.kind === 'changed');
    ctx.stdout(PRICE_DIFF_RENDERERS[o.format](diff, { color: ctx.color, width: ctx.width }));
    return ExitCode.ok;
  },
});
