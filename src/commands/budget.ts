import { budgetEdges, evaluateBudgets, gateExitCode, historyStart } from '../budget/evaluate.js';
import { loadBudgets } from '../budget/load.js';
import { usageError } from '../errors.js';
import type { MethodChoice } from '../forecast/forecast.js';
import { parseStep } from '../ledger/windows.js';
import { writeAtomic } from '../output.js';
import { computeReport, type ReportInput } from '../pipeline.js';
import { loadPriceBook } from '../pricing/load.js';
import { BUDGET_RENDERERS } from '../render/budget.js';
import { type CommandContext, type OutputOptions, printFindings } from './context.js';

export interface BudgetCheckOptions {
  budgetsFile: string;
  input: ReportInput;
  output: OutputOptions;
  pricingFiles: string[];
  noDefaultPricing: boolean;
  failOn: 'breach' | 'forecast' | 'warn' | undefined;
  historyDays: number;
  method: MethodChoice;
  level: number;
  force: boolean;
  /** --timezone was given: it wins over the budgets file's. */
  timezone: string | undefined;
}

/** `tokenspend budget check`: every budget for its current period; the exit code is the gate. */
export async function budgetCheckCommand(options: BudgetCheckOptions, ctx: CommandContext): Promise<number> {
  const budgets = await loadBudgets(options.budgetsFile);
  if (options.timezone) budgets.timezone = options.timezone;
  const book = await loadPriceBook(options.pricingFiles, { noDefault: options.noDefaultPricing });
  if (budgets.currency && budgets.currency !== book.currency) {
    throw usageError(`${budgets.path}: currency: the budgets are in ${budgets.currency} but the prices in ${book.currency}`);
  }
  const by = [...new Set(budgets.budgets.flatMap((b) => b.labels))].sort();
  const evaluate = {
    historyDays: options.historyDays,
    method: options.method,
    level: options.level,
    failOn: options.failOn,
    force: options.force,
  };
  const input: ReportInput = {
    ...options.input,
    by,
    matchers: [],
    top: undefined,
    step: parseStep('1d'),
    timezone: budgets.timezone,
    plan: (at) => ({
      window: { start: historyStart(budgets, { ...evaluate, at }), end: at, label: 'budgets' },
      extraEdges: budgetEdges(budgets, at),
    }),
  };
  const report = await computeReport(input, book, { stdin: ctx.stdin, clock: ctx.clock });
  const at = report.window.end;
  const results = evaluateBudgets(budgets, report, { ...evaluate, at });
  const text = BUDGET_RENDERERS[options.output.format](
    { results, at, timezone: budgets.timezone, currency: book.currency, sources: report.sources },
    { color: ctx.color && options.output.output === undefined, width: ctx.width },
  );
  if (options.output.output === undefined) ctx.stdout(text);
  else await writeAtomic(options.output.output, text);
  printFindings(
    ctx,
    results.flatMap((r) => r.findings),
    options.output.format === 'table',
  );
  printFindings(ctx, report.findings, false);
  return gateExitCode(results);
}
