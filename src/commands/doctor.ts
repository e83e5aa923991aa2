import { Classifier } from '../dialects/detect.js';
import { customDialect } from '../dialects/custom.js';
import type { ReportInput } from '../pipeline.js';
import { SERVER_LOOKBACK_MS } from '../pipeline.js';
import { loadPriceBook } from '../pricing/load.js';
import { renderDoctor } from '../render/doctor.js';
import { PrometheusClient } from '../sources/prometheus/client.js';
import { inspectServer } from '../sources/prometheus/inspect.js';
import { ExitCode, usageError } from '../errors.js';
import type { CommandContext } from './context.js';

export interface DoctorOptions {
  input: ReportInput;
  pricingFiles: string[];
  noDefaultPricing: boolean;
  format: 'table' | 'json';
}

/** `tokenspend doctor`: connectivity, dialects, labels, models and prices, cardinality, retention. */
export async function doctorCommand(options: DoctorOptions, ctx: CommandContext): Promise<number> {
  const conn = options.input.prometheus;
  if (!conn) throw usageError('doctor needs --prometheus URL (or TOKENSPEND_PROMETHEUS_URL)');
  const book = await loadPriceBook(options.pricingFiles, { noDefault: options.noDefaultPricing });
  const extra = options.input.mappings.length > 0 ? [customDialect(options.input.mappings)] : [];
  const classifier = new Classifier({ forced: options.input.dialect, extra, settings: options.input.dialectSettings });
  const result = await inspectServer(
    new PrometheusClient(conn),
    classifier,
    book,
    options.input.now ?? ctx.clock(),
    options.input.lookbackMs ?? SERVER_LOOKBACK_MS,
  );
  ctx.stdout(renderDoctor(result, options.format, ctx.color));
  return result.findings.some((f) => f.code === 'NO_TOKEN_METRICS') ? ExitCode.incomplete : ExitCode.ok;
}
