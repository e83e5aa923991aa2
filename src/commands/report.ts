import { incompleteError } from '../errors.js';
import { writeAtomic } from '../output.js';
import { computeReport, type ReportInput } from '../pipeline.js';
import { loadPriceBook } from '../pricing/load.js';
import { REPORT_RENDERERS } from '../render/index.js';
import { type CommandContext, type OutputOptions, printFindings } from './context.js';

export interface ReportCommandOptions {
  input: ReportInput;
  output: OutputOptions;
  pricingFiles: string[];
  noDefaultPricing: boolean;
  strict: boolean;
}

/** `tokenspend report`: exact tokens and cost per group over a window. */
export async function reportCommand(options: ReportCommandOptions, ctx: CommandContext): Promise<number> {
  const book = await loadPriceBook(options.pricingFiles, { noDefault: options.noDefaultPricing });
  const report = await computeReport(options.input, book, { stdin: ctx.stdin, clock: ctx.clock });
  const { format, output, decimals } = options.output;
  const text = REPORT_RENDERERS[format](report, { color: ctx.color && output === undefined, width: ctx.width, decimals });
  if (output === undefined) ctx.stdout(text);
  else await writeAtomic(output, text);
  printFindings(ctx, report.findings, format === 'table');
  if (options.strict && report.totals.unpricedTokens > 0) {
    throw incompleteError(`--strict: ${report.totals.unpricedTokens} tokens are unpriced`, 'add the models to a --pricing file');
  }
  const incomplete = report.findings.find((f) => f.severity === 'error');
  if (options.strict && incomplete) throw incompleteError(`--strict: ${incomplete.message}`);
  return 0;
}
