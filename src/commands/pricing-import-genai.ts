import { usageError } from '../errors.js';
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

/** The providers list of an installed @pydantic/genai-prices (a development checkout has it). */
async function installedData(): Promise<{ data: unknown; origin: string }> {
  const name = '@pydantic/genai-prices';
  try {
    const m = (await import(name)) as { waitForUpdate(): Promise<unknown> };
    return { data: await m.waitForUpdate(), origin: `${name} (installed)` };
  } catch {
    throw usageError(`${name} is not installed here`, "give the file: genai-prices' data.json");
  }
}

/** `pricing import genai-prices [FILE]`: genai-prices data in our format, with its dated prices. */
export const pricingImportGenai = defineCommand<{ output?: string; date?: string }, ImportOptions>({
  name: 'pricing import genai-prices',
  arguments: [{ name: '[file]', description: "genai-prices' data.json (default: the installed package's data)" }],
  options: IMPORT_OPTIONS,
  examples: ['tokenspend pricing import genai-prices fixtures/pricing/genai-prices.json --date 2026-11-24'],
  exitCodes: IMPORT_EXIT_CODES,
  resolve: (flags, _env, args) => resolveImport(flags, args[0]),
  async run(o, ctx) {
    const date = importDate(o, ctx);
    const { importGenaiPrices } = await import('../pricing/import/genai-prices.js');
    const source = o.file === undefined ? await installedData() : { data: await readJson(o.file), origin: `genai-prices ${o.file}` };
    const result = importGenaiPrices(source.data, source.origin, date);
    return writeImport(ctx, o, result, [`Imported from ${source.origin} on ${date} by tokenspend pricing import genai-prices.`]);
  },
});
