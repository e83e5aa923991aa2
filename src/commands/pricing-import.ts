import type { PricingFileData } from '../pricing/schema.js';
import { ExitCode, usageError } from '../errors.js';
import type { OptionSpec } from '../options.js';
import type { CommandContext } from './context.js';

export interface ImportOptions {
  file: string | undefined;
  output: string | undefined;
  /** undefined: today (UTC), from the command's clock. */
  date: string | undefined;
}

export const IMPORT_OPTIONS: readonly OptionSpec[] = [
  { flags: '--output <file>', description: 'write the price file here (atomically) instead of stdout' },
  { flags: '--date <date>', description: 'the `from` date of undated rates and the checked date', defaultText: 'today (UTC)' },
];

export const IMPORT_EXIT_CODES = {
  [ExitCode.ok]: 'written',
  [ExitCode.usage]: 'the file is missing, not JSON or not in the expected format',
};

/** `--date` (checked), the file and `--output`. */
export async function resolveImport(flags: { output?: string; date?: string }, file: string | undefined): Promise<ImportOptions> {
  const date = flags.date;
  if (date !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))))
    throw usageError(`--date: expected a date like 2026-11-24, got "${date}"`);
  return { file, output: flags.output, date };
}

/** `--date`, else today in UTC by the command's clock. */
export function importDate(o: ImportOptions, ctx: CommandContext): string {
  return o.date ?? new Date(ctx.clock()).toISOString().slice(0, 10);
}

/** Reads a JSON file another tool publishes; a usage error names the file when it is not JSON. */
export async function readJson(path: string): Promise<unknown> {
  const { readUserFile } = await import('../files/read.js');
  const text = (await readUserFile(path, 'price file')).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw usageError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
}

/** Writes the converted file and one summary line on stderr. */
export async function writeImport(
  ctx: CommandContext,
  o: ImportOptions,
  result: { data: PricingFileData; skipped: number },
  header: string[],
): Promise<number> {
  const [{ emitPricingYaml }, { emit }] = await Promise.all([import('../pricing/emit.js'), import('./context.js')]);
  await emit(ctx, o.output, emitPricingYaml(result.data, header));
  ctx.stderr(
    `tokenspend: ${Object.keys(result.data.models).length} models written; ${result.skipped} entries without token prices left out\n`,
  );
  return ExitCode.ok;
}
