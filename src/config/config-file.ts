import { readUserFile } from '../read-file.js';
import { z } from 'zod';
import { parseConfigText } from './validate.js';

const rawType = z.enum(['input', 'cached_input', 'cache_write', 'output', 'reasoning', 'total']);
const labelList = z.union([z.string(), z.array(z.string())]).transform((v) => (typeof v === 'string' ? [v] : v));

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

/** `tokenspend.yaml`: defaults for every command; flags given on the command line win. */
export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  pricing: labelList.optional().meta({ description: 'Pricing files layered over the bundled list, later wins.' }),
  timezone: z.string().optional(),
  dialect: z.string().optional(),
  dialects: z
    .strictObject({
      agentgateway: z.strictObject({ inputIncludesCache: z.union([z.literal('auto'), z.boolean()]) }).optional(),
      litellm: z.strictObject({ inputIncludesCache: z.boolean() }).optional(),
    })
    .optional(),
  mappings: z.array(mappingSchema).optional(),
  lookback: z.string().optional(),
});

export type ConfigFile = z.output<typeof configSchema>;

/** Reads and validates `--config FILE`. */
export async function loadConfigFile(path: string): Promise<ConfigFile> {
  return parseConfigText((await readUserFile(path, 'config file')).toString('utf8'), path, configSchema);
}
