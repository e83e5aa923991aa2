// Build step: validates the bundled price lists (pricing/catalogue.yaml, pricing/default.yaml)
// once and writes dist/pricing/<name>.json with the YAML's hash, so that reports need not load a
// YAML parser and zod for them.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parsePricing } from '../dist/pricing/load.js';
import { PriceBook } from '../dist/pricing/book.js';

const loaded = [];
for (const name of ['catalogue', 'default']) {
  const source = new URL(`../pricing/${name}.yaml`, import.meta.url);
  const bytes = readFileSync(source);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const file = await parsePricing(bytes.toString('utf8'), `pricing/${name}.yaml`, sha256);
  loaded.push(file);
  writeFileSync(new URL(`../dist/pricing/${name}.json`, import.meta.url), JSON.stringify({ sha256, data: file.data }));
}
// The layers must also build into one book (a curated key without provider must find its model).
new PriceBook(loaded);
