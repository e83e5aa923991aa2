/**
 * Writes the bundled demo history: fixtures/demo/history.om.gz (OpenMetrics, gzip) and
 * fixtures/demo/truth.json (tokens per day and stream, tallied by the simulation itself).
 * Re-run with `npm run gen:demo`; the output is the same every time (seeded).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { demoSpec, openMetricsLines, simulate } from './history.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const out = join(root, 'fixtures', 'demo');
mkdirSync(out, { recursive: true });
const history = simulate(demoSpec());
const text = `${[...openMetricsLines(history)].join('\n')}\n`;
writeFileSync(join(out, 'history.om.gz'), gzipSync(text, { level: 9 }));
writeFileSync(join(out, 'truth.json'), `${JSON.stringify(history.truth, null, 1)}\n`);
const lines = text.split('\n').length;
process.stdout.write(
  `wrote ${join(out, 'history.om.gz')} (${lines} lines, ${(text.length / 1e6).toFixed(1)} MB before gzip) and truth.json\n`,
);
