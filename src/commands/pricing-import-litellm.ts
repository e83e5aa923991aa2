import { defineCommand } from './command.js';
import {
  IMPORT_EXIT_CODES,
  IMPORT_OPTIONS,
  importDate,
  type ImportOptions,
  readJson,
  resolveImport,
  writeImport,
} from './pricing-import.js';

/** `pricing import litellm FILE`: LiteLLM's model_prices_and_context_window.json in our format. */
export const pricingImportLitellm = defineCommand<{ output?: string; date?: string }, ImportOptions>({
  name: 'pricing import litellm',
  arguments: [{ name: '<file>', description: "LiteLLM's model_prices_and_context_window.json" }],
  options: IMPORT_OPTIONS,
  examples: ['tokenspend pricing import litellm fixtures/pricing/litellm.json --date 2026-11-24 --output litellm-prices.yaml'],
  exitCodes: IMPORT_EXIT_CODES,
  resolve: (flags, _env, args) => resolveImport(flags, args[0]),
  async run(o, ctx) {
    const date = importDate(o, ctx);
    const { importLitellm } = await import('../pricing/import/litellm.js');
    const file = o.file as string;
    const result = importLitellm(await readJson(file), `litellm ${file}`, date);
    return writeImport(ctx, o, result, [`Imported from LiteLLM's ${file} on ${date} by tokenspend pricing import litellm.`]);
  },
});
