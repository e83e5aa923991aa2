import { z } from 'zod';
import { budgetsFileSchema } from '../budget/schema.js';
import { configSchema } from './config-file.js';
import { pricingFileSchema } from '../pricing/schema.js';

/** JSON Schema of the pricing file, generated from the zod schema (for editors). */
export function pricingJsonSchema(): object {
  return { title: 'tokenspend pricing file', ...z.toJSONSchema(pricingFileSchema, { io: 'input', unrepresentable: 'any' }) };
}

/** JSON Schema of the config file. */
export function configJsonSchema(): object {
  return { title: 'tokenspend config file', ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) };
}

/** JSON Schema of the budgets file. */
export function budgetsJsonSchema(): object {
  return { title: 'tokenspend budgets file', ...z.toJSONSchema(budgetsFileSchema, { io: 'input', unrepresentable: 'any' }) };
}
