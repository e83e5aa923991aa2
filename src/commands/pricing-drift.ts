import type { PricingChoice, PricingFlags } from '../config/resolve.js';
import { ExitCode, usageError } from '../errors.js';
import { CONFIG_OPTIONS, formatOption, PRICING_OPTIONS } from '../options.js';
import { LOOKUP_FORMATS, type LookupFormat } from '../render/formats.js';
import { defineCommand } from './command.js';

type DriftFlags = PricingFlags & { config?: string | false; format?: string; against?: string; tolerance?: string; at?: string };

interface DriftOptions {
  pricing: PricingChoice;
  against: string;
  tolerancePct: number;
  format: LookupFormat;
  at: number | undefined;
}

/** `--format` of a look-up (table or json). */
export function resolveLookupFormat(format: string | undefined): LookupFormat {
  const f = format ?? 'table';
  if (!(LOOKUP_FORMATS as readonly string[]).includes(f))
    throw usageError(`--format: expected one of ${LOOKUP_FORMATS.join(', ')}, got "${f}"`);
  return f as LookupFormat;
}

/** `1%`, `0.5%` or `2` (percent). */
export function parseTolerance(text: string): number {
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(text.trim());
  if (!m) throw usageError(`--tolerance: expected a percentage like 1% or 0.5%, got "${text}"`);
  return Number(m[1]);
}

/** `pricing drift --against FILE`: exit 1 when prices in force differ from another source beyond a tolerance. */
export const pricingDrift = defineCommand<DriftFlags, DriftOptions>({
  name: 'pricing drift',
  options: [
    { flags: '--against <file>', description: 'the source to compare with: our format, LiteLLM JSON or genai-prices JSON' },
    { flags: '--tolerance <percent>', description: 'allowed difference per rate, either way', defaultText: '1%' },
    { flags: '--at <time>', description: 'compare the rates in force at this time', defaultText: 'now' },
    ...PRICING_OPTIONS,
    ...CONFIG_OPTIONS,
    formatOption(LOOKUP_FORMATS),
  ],
  examples: ['tokenspend pricing drift --pricing fixtures/pricing/company.yaml --against fixtures/pricing/litellm.json --tolerance 1%'],
  exitCodes: {
    [ExitCode.ok]: 'no rate differs beyond the tolerance',
    [ExitCode.budgetBreached]: 'drift: some rate differs beyond the tolerance',
    [ExitCode.usage]: 'bad flags, or a file is missing or invalid',
  },
  async resolve(flags, env) {
    const [l, r] = await Promise.all([import('../config/load.js'), import('../config/resolve.js')]);
    if (flags.against === undefined) throw usageError('pricing drift needs --against FILE');
    return {
      pricing: r.resolvePricing(flags, await l.loadConfig(flags.config, env)),
      against: flags.against,
      tolerancePct: parseTolerance(flags.tolerance ?? '1%'),
      format: resolveLookupFormat(flags.format),
      at: r.resolveInstant(flags.at, '--at'),
    };
  },
  async run(o, ctx) {
    const [{ loadPriceBook, BUNDLED_PRICING }, { loadPriceSource }, { PriceBook }, { driftCheck }, { PRICE_DRIFT_RENDERERS }] =
      await Promise.all([
        import('../pricing/load.js'),
        import('../pricing/import/detect.js'),
        import('../pricing/book.js'),
        import('../pricing/diff.js'),
        import('../render/pricing-diff.js'),
      ]);
    const at = o.at ?? ctx.clock();
    const ours = await loadPriceBook(o.pricing.files, { noDefault: o.pricing.noDefault });
    const other = await loadPriceSource(o.against, new Date(at).toISOString().slice(0, 10));
    // Your own files when you give some; else every model of the bundled lists.
    const bundled = new Set<string>(BUNDLED_PRICING);
    const own = ours.list().filter((m) => !bundled.has(m.file));
    const report = driftCheck(own.length > 0 ? own : ours.list(), new PriceBook([other]), at, o.tolerancePct, o.against);
    ctx.stdout(PRICE_DRIFT_RENDERERS[o.format](report, { color: ctx.color, width: ctx.width }));
    return report.drift.length > 0 ? ExitCode.budgetBreached : ExitCode.ok;
  },
});
