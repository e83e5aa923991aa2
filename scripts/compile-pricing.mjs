// Build step: validates pricing/default.yaml once and writes dist/pricing/default.json with the
// YAML's hash, so that reports need not load a YAML parser and zod for the bundled list.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parsePricing } from '../dist/pricing/load.js';

const source = new URL('../pricing/default.yaml', import.meta.url);
const bytes = readFileSync(source);
const sha256 = createHash('sha256').update(bytes).digest('hex');
const { data } = await parsePricing(bytes.toString('utf8'), 'pricing/default.yaml', sha256);
writeFileSync(new URL('../dist/pricing/default.json', import.meta.url), JSON.stringify({ sha256, data }));
