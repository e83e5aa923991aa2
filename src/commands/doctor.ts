import type { DialectChoice } from '../pipeline.js';
import type { ConnectionFlags, PricingChoice, PricingFlags } from '../config/resolve.js';
import { ExitCode, usageError } from '../errors.js';
import {
  CONFIG_OPTIONS,
  CONNECTION_OPTIONS,
  DIALECT_OPTIONS,
  formatOption,
  PRICING_OPTIONS,
  type OptionSpec,
  QUIET_OPTION,
} from '../options.js';
import { LOOKUP_FORMATS, type LookupFormat } from '../render/formats.js';
import type { PrometheusConnection } from '../sources/prometheus/client.js';
import { defineCommand } from './command.js';

type Flags = ConnectionFlags &
  PricingFlags & {
    prometheus?: string;
    dialect?: string;
    lookback?: string;
    config?: string | false;
    format?: string;
  };

interface Options {
  connection: PrometheusConnection;
  dialects: DialectChoice;
  lookbackMs: number;
  pricing: PricingChoice;
  format: LookupFormat;
}

const options: OptionSpec[] = [
  {
    flags: '--prometheus <url>',
    description: 'Prometheus-compatible API (Prometheus, Thanos, Mimir, VictoriaMetrics), with any path prefix',
  },
  ...DIALECT_OPTIONS.map((o) =>
    o.flags.startsWith('--lookback') ? { ...o, description: 'how far back to look for token series', defaultText: '7d' } : o,
  ),
  ...CONNECTION_OPTIONS,
  QUIET_OPTION,
  ...PRICING_OPTIONS,
  ...CONFIG_OPTIONS,
  formatOption(LOOKUP_FORMATS),
];

/** `tokenspend doctor`: connectivity, dialects, labels, models and prices, cardinality, retention. */
export const doctor = defineCommand<Flags, Options>({
  name: 'doctor',
  options,
  examples: ['tokenspend doctor --prometheus http://127.0.0.1:9090'],
  exitCodes: {
    [ExitCode.ok]: 'the server answered and has token metrics (warnings are in the output)',
    [ExitCode.usage]: 'usage or configuration error: no server given, bad flags, invalid config',
    [ExitCode.source]: 'the server cannot be reached or answered with an error',
    [ExitCode.incomplete]: 'the server has no token metric of a known dialect in the look-back',
  },
  async resolve(flags, env) {
    const [l, r] = await Promise.all([import('../config/load.js'), import('../config/resolve.js')]);
    const config = await l.loadConfig(flags.config, env);
    const url = flags.prometheus ?? env.vars.TOKENSPEND_PROMETHEUS_URL ?? config?.data.connection?.prometheus;
    if (url === undefined) throw usageError('doctor needs --prometheus URL (or TOKENSPEND_PROMETHEUS_URL)');
    const { http, retries } = await r.resolveConnection(flags, env, config);
    const format = flags.format ?? 'table';
    if (!(LOOKUP_FORMATS as readonly string[]).includes(format))
      throw usageError(`--format: expected one of ${LOOKUP_FORMATS.join(', ')}, got "${format}"`);
    return {
      connection: { ...http, url, retries },
      dialects: r.resolveDialects(flags, config),
      lookbackMs: r.resolveLookback(flags, config) ?? 7 * 86_400_000,
      pricing: r.resolvePricing(flags, config),
      format: format as LookupFormat,
    };
  },
  async run(o, ctx) {
    const [{ Classifier }, { customDialects }, { loadPriceBook }, { PrometheusClient }, { inspectServer }, { DOCTOR_RENDERERS }] =
      await Promise.all([
        import('../dialects/classifier.js'),
        import('../dialects/mappings.js'),
        import('../pricing/load.js'),
        import('../sources/prometheus/client.js'),
        import('../sources/prometheus/inspect.js'),
        import('../render/doctor.js'),
      ]);
    const book = await loadPriceBook(o.pricing.files, { noDefault: o.pricing.noDefault });
    const classifier = new Classifier({
      forced: o.dialects.forced,
      extra: customDialects(o.dialects.mappings),
      settings: o.dialects.settings,
    });
    const client = new PrometheusClient(o.connection, { progress: ctx.progress });
    const result = await inspectServer(client, classifier, book, ctx.clock(), o.lookbackMs).finally(() => client.close());
    ctx.stdout(DOCTOR_RENDERERS[o.format](result, { color: ctx.color, width: ctx.width }));
    return result.findings.some((f) => f.code === 'NO_TOKEN_METRICS') ? ExitCode.incomplete : ExitCode.ok;
  },
});
