/** Writes pricing/schema.json and docs/config.schema.json from the zod schemas: `npm run gen:schema`. */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { budgetsJsonSchema, configJsonSchema, pricingJsonSchema } from '../../src/config/json-schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
writeFileSync(join(root, 'pricing', 'schema.json'), `${JSON.stringify(pricingJsonSchema(), null, 2)}\n`);
writeFileSync(join(root, 'docs', 'config.schema.json'), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
writeFileSync(join(root, 'docs', 'budgets.schema.json'), `${JSON.stringify(budgetsJsonSchema(), null, 2)}\n`);
process.stdout.write('wrote pricing/schema.json, docs/config.schema.json and docs/budgets.schema.json\n');
