import type { DataOptions } from '../config/data.js';
import type { CostReport } from '../cost/report.js';
import type { ReportRequest, UsageReport } from '../pipeline.js';
import type { PriceBook } from '../pricing/book.js';
import type { CommandContext } from './context.js';

/** The price book the data options name: the bundled list (unless dropped) and the user's files over it. */
export async function loadBook(data: DataOptions): Promise<PriceBook> {
  const { loadPriceBook } = await import('../pricing/load.js');
  return loadPriceBook(data.pricing.files, {
    noDefault: data.pricing.noDefault,
    currency: data.pricing.currency,
    tierValues: data.pricing.tierValues,
  });
}

/** Reads the data the options name through the pipeline: exact tokens, priced. */
export async function readReport(
  data: DataOptions,
  request: Omit<ReportRequest, 'sources' | 'dialects' | 'lookbackMs' | 'replicas' | 'maxStalenessMs'>,
  book: PriceBook,
  ctx: CommandContext,
): Promise<CostReport> {
  const [{ computeReport }, { openSources }] = await Promise.all([import('../pipeline.js'), import('../sources/open.js')]);
  const sources = openSources(data.sources);
  const { dialects, lookbackMs, replicas, maxStalenessMs } = data;
  return computeReport({ ...request, sources, dialects, lookbackMs, replicas, maxStalenessMs }, book, ctx);
}

/** `readReport`, keeping the usage per slice and the span of the samples (export, reconcile). */
export async function readUsage(
  data: DataOptions,
  request: Omit<ReportRequest, 'sources' | 'lookbackMs' | 'replicas' | 'maxStalenessMs'>,
  book: PriceBook,
  ctx: CommandContext,
): Promise<UsageReport> {
  const [{ computeUsageReport }, { openSources }] = await Promise.all([import('../pipeline.js'), import('../sources/open.js')]);
  const sources = openSources(data.sources);
  const { lookbackMs, replicas, maxStalenessMs } = data;
  return computeUsageReport({ ...request, sources, lookbackMs, replicas, maxStalenessMs }, book, ctx);
}
