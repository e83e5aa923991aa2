import { ExitCode } from '../errors.js';
import { defineCommand } from './command.js';

/** `pricing validate FILE…`: exit 0 when every file is valid, 2 with one line per problem otherwise. */
export const pricingValidate = defineCommand<Record<string, never>, { files: readonly string[] }>({
  name: 'pricing validate',
  arguments: [{ name: '<files...>', description: 'pricing files (YAML or JSON)' }],
  options: [],
  examples: ['tokenspend pricing validate pricing/default.yaml'],
  exitCodes: { [ExitCode.ok]: 'every file is valid', [ExitCode.usage]: 'a file is invalid (one line per problem)' },
  resolve: async (_flags, _env, args) => ({ files: args }),
  async run(o, ctx) {
    const { loadPricingFile } = await import('../pricing/load.js');
    for (const f of o.files) {
      const loaded = await loadPricingFile(f);
      ctx.stdout(`${f}: ok (version ${loaded.info.version}, ${Object.keys(loaded.data.models).length} models, ${loaded.info.currency})\n`);
    }
    return ExitCode.ok;
  },
});
