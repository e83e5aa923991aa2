import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMetrics, type TrafficCase, trafficCase } from '../generators/random-traffic.js';
import { digest } from '../helpers/digest.js';
import { runMain } from '../helpers/inprocess.js';
import { type RunningServer, startPrometheusWith, startVictoriaMetricsWith } from '../helpers/servers.js';

// Random traffic (births, stops, long absences, resets, scrape gaps, HA copies, odd label values,
// a price change at an odd second), the same data in a file, in Prometheus and in VictoriaMetrics:
// every report must be the same to the token whichever way it is read. `npm test` tries a few
// seeded cases; `npm run fuzz` many (FUZZ_PATH_CASES, FUZZ_SEED).
const CASES = Number(process.env.FUZZ_PATH_CASES ?? (process.env.FUZZ_RUNS ? 40 : 4));
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const DAY = 86_400_000;
// (VictoriaMetrics takes no sample from the future: up to 60 cases end before 2026-11.)
const BASE = Date.UTC(2024, 10, 4);
// Twelve days apart: a case's counters have no samples inside another's look-back week.
const cases: TrafficCase[] = Array.from({ length: CASES }, (_, i) => trafficCase(SEED + i, BASE + i * 12 * DAY));
const lines = openMetrics(cases);
const dir = mkdtempSync(join(tmpdir(), 'tokenspend-paths-'));
const seriesCount = new Set(lines.filter((l) => !l.startsWith('#')).map((l) => l.slice(0, l.lastIndexOf('} ') + 1))).size;

/** The case's own file (its series are its own: the servers hold the other cases' too). */
function caseFile(c: TrafficCase): string {
  const f = join(dir, `history-${c.seed}.om`);
  writeFileSync(f, `${openMetrics([c]).join('\n')}\n`);
  return f;
}

function pricingFile(c: TrafficCase): string {
  const f = join(dir, `pricing-${c.seed}.yaml`);
  writeFileSync(f, c.pricing);
  return f;
}

const common = (c: TrafficCase, args: string[]) => ['report', ...args, '--pricing', pricingFile(c), '--format', 'json'];

describe.each([
  ['Prometheus', () => startPrometheusWith(lines)],
  ['VictoriaMetrics', () => startVictoriaMetricsWith(lines, seriesCount, Math.min(...cases.map((c) => c.first)))],
])('random traffic on %s: the file, series by series and summed groups agree to the token', (_name, start) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start();
  }, 120_000);
  afterAll(async () => {
    await server.stop();
  });

  let compared = 0;
  it.each(cases.map((c) => [c.seed, c]))(
    'case %i',
    async (_seed, c) => {
      const file = caseFile(c);
      for (const args of c.reports) {
        const fromFile = digest(await runMain([...common(c, args), '--file', file]));
        const perSeries = digest(await runMain([...common(c, args), '--prometheus', server.url, '--per-series']));
        const groups = digest(await runMain([...common(c, args), '--prometheus', server.url]));
        const what = `seed ${c.seed}: report ${args.join(' ')}`;
        expect(perSeries, `${what}, series by series against the file`).toEqual(fromFile);
        expect(groups, `${what}, summed groups against the file`).toEqual(fromFile);
        compared += Object.keys(fromFile.rows ?? {}).length;
      }
    },
    120_000,
  );

  it('compared reports with rows, not only refusals', () => {
    // (Each case's first counter runs all along: most windows have data.)
    expect(compared).toBeGreaterThan(cases.length);
  });
});
