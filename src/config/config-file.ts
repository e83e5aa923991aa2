import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parseConfigText } from '../files/document.js';
import { readUserFile } from '../files/read.js';

const rawType = z.enum(['input', 'cached_input', 'cache_write', 'output', 'reasoning', 'total']);
const labelList = z.union([z.string(), z.array(z.string())]).transform((v) => (typeof v === 'string' ? [v] : v));
const commaList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v));

const mappingSchema = z
  .strictObject({
    metric: z.string().min(1).meta({ description: 'Exposed metric name, e.g. my_app_tokens_total.' }),
    tokenType: rawType.optional(),
    tokenTypeLabel: z.string().optional(),
    tokenTypeValues: z.record(z.string(), rawType).optional(),
    model: labelList.meta({ description: 'Label(s) holding the model, first non-empty wins.' }),
    provider: labelList.optional(),
    gateway: labelList.optional(),
    inputIncludesCache: z.boolean().default(false),
  })
  .refine((m) => (m.tokenType === undefined) !== (m.tokenTypeLabel === undefined), {
    message: 'give either tokenType or tokenTypeLabel (with tokenTypeValues)',
  });

const connectionSchema = z
  .strictObject({
    prometheus: z
      .string()
      .optional()
      .meta({ description: 'Prometheus-compatible API base URL, with any path prefix (like --prometheus).' }),
    headers: z.record(z.string(), z.string()).optional().meta({ description: 'Extra HTTP headers, e.g. {X-Scope-OrgID: acme}.' }),
    bearerTokenFile: z.string().optional().meta({ description: 'File holding a bearer token.' }),
    basicAuth: z.strictObject({ user: z.string().min(1), passwordFile: z.string().optional() }).optional(),
    caFile: z.string().optional().meta({ description: 'CA certificate(s) to trust for https.' }),
    insecureSkipVerify: z.boolean().optional(),
    timeout: z.string().optional().meta({ description: 'Per-request timeout, e.g. 30s.' }),
    retries: z.number().int().min(0).optional(),
    maxResponseSize: z.string().optional().meta({ description: 'Refuse a response body larger than this, e.g. 256MiB.' }),
  })
  .meta({ description: 'How to reach the server; every key is overridden by its flag.' });

/** `tokenspend.yaml`: defaults for every command; the environment and flags given on the command line win. */
export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  connection: connectionSchema.optional(),
  by: commaList.optional().meta({ description: 'Default --by dimensions for report and forecast.' }),
  timezone: z.string().optional(),
  pricing: labelList.optional().meta({ description: 'Pricing files layered over the bundled list, later wins.' }),
  budgets: z.string().optional().meta({ description: 'Budgets file for budget check (like --budgets).' }),
  dialect: z.string().optional(),
  dialects: z
    .record(z.string(), z.strictObject({ inputIncludesCache: z.union([z.literal('auto'), z.literal('legacy'), z.boolean()]) }))
    .optional()
    .meta({ description: 'Per-dialect settings, e.g. {agentgateway: {inputIncludesCache: true}}.' }),
  mappings: z.array(mappingSchema).optional(),
  lookback: z.string().optional(),
  replicaLabels: z
    .array(z.string().min(1))
    .optional()
    .meta({ description: 'HA replica labels: series that differ only by one count once.' }),
  dedupe: z.boolean().optional().meta({ description: 'false: count HA replica copies separately.' }),
  maxStaleness: z.string().optional().meta({ description: 'Data whose newest sample is older than this is stale (like --max-staleness).' }),
  currency: z
    .string()
    .optional()
    .meta({ description: 'Report in this currency (ISO 4217), converted at report time with fxRate or fxFile (like --currency).' }),
  fxRate: z
    .union([z.string(), z.number().transform((n) => String(n))])
    .optional()
    .meta({ description: 'Units of currency per unit of the price files\' currency, e.g. "0.92" (like --fx-rate).' }),
  fxFile: z.string().optional().meta({
    description:
      'Dated exchange rates, YAML {quote, rates: [{from, rate}]} or CSV date,rate; each slice at the rate in force (like --fx-file).',
  }),
  serviceTiers: z
    .strictObject({
      labels: z.array(z.string().min(1)).optional().meta({
        description:
          'Labels that carry the billed service tier, first present wins (like --service-tier-label); replaces the built-in list.',
      }),
      values: z
        .record(z.string(), z.enum(['standard', 'batch', 'flex', 'priority']))
        .optional()
        .meta({ description: 'Label value → tier, over the built-in ones (default/auto/standard → standard…), e.g. {scale: priority}.' }),
    })
    .optional()
    .meta({ description: 'How sources name the service tier a request was billed in.' }),
  chargeback: z
    .strictObject({
      billingAccountId: z.string().min(1).optional().meta({ description: 'FOCUS BillingAccountId of export --format focus.' }),
      billingAccountName: z.string().optional().meta({ description: 'FOCUS BillingAccountName.' }),
      invoiceIssuerName: z
        .string()
        .optional()
        .meta({ description: "FOCUS InvoiceIssuerName, when someone other than each row's provider invoices you (a reseller)." }),
    })
    .optional()
    .meta({ description: 'What export --format focus says about who is billed.' }),
});

export type ConfigData = z.output<typeof configSchema>;

/** A validated config file; relative paths in it are taken from the file's own folder. */
export interface ConfigFile {
  path: string;
  data: ConfigData;
  /** A path written in the file, resolved against the file's folder. */
  resolvePath(p: string): string;
}

/** Reads and validates a config file. */
export async function loadConfigFile(path: string): Promise<ConfigFile> {
  const data = parseConfigText((await readUserFile(path, 'config file')).toString('utf8'), path, configSchema);
  const dir = dirname(path);
  return { path, data, resolvePath: (p) => (isAbsolute(p) ? p : resolve(dir, p)) };
}
