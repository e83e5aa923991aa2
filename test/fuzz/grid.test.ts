import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openMetrics, type TrafficCase, trafficCase } from '../generators/random-traffic.js';
import { digest } from '../helpers/digest.js';
import { runMain } from '../helpers/inprocess.js';
import { startVictoriaMetricsWith } from '../helpers/servers.js';

// On VictoriaMetrics, where a report's slices are not all equal (a step in another time zone, a
// window that does not start or end on a step), the groups are summed on one grid of equal
// slices, one query per metric, and those slices added up into the report's. Random traffic
// (test/generators/random-traffic.ts), each case alone on its own server (so its labels have few
// values, and the grid is used), read from its file, series by series and summed: the same to the
// token. The windows start on whole hours after the case's price change (an odd second) or end
// before it. `npm test` tries a few cases; `npm run fuzz` more (FUZZ_GRID_CASES, FUZZ_SEED).
const CASES = Number(process.env.FUZZ_GRID_CASES ?? (process.env.FUZZ_RUNS ? 12 : 2));
const SEED = Number(process.env.FUZZ_SEED ?? 20261125) + 500;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BASE = Date.UTC(2025, 2, 3);
const cases: TrafficCase[] = Array.from({ length: CASES }, (_, i) => trafficCase(SEED + i, BASE + i * 12 * DAY));
const dir = mkdtempSync(join(tmpdir(), 'tokenspend-grid-'));
const iso = (ms: number) => new Date(ms).toISOString();

/** Windows on whole hours around the price change, in slices that are not all equal. */
function windows(c: TrafficCase): string[][] {
  const after = Math.ceil(c.priceChange / HOUR) * HOUR + (c.seed % 3) * HOUR;
  const before = Math.floor(c.priceChange / HOUR) * HOUR;
  const firstDay = Math.floor(c.first / DAY) * DAY;
  const by = ['model', 'team,gateway', 'model,gateway,pod'][c.seed % 3] as string;
  return [
    ['--since', iso(after), '--until', iso(after + 2 * DAY + 5 * HOUR), '--step', '1d', '--timezone', 'America/New_York', '--by', by],
    ['--since', iso(firstDay - 2 * HOUR), '--until', iso(before), '--step', '6h', '--by', 'model'],
    ['--since', iso(after + HOUR), '--until', iso(after + 31 * HOUR), '--step', '6h', '--timezone', 'UTC', '--by', 'gateway'],
  ];
}

/** The summed path's run queries over whole metrics (`--verbose`), per metric: one each on a grid. */
function runQueriesPerMetric(stderr: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of stderr.split('\n')) {
    const m = /\/api\/v1\/query_range → .*"lag"\), ([^[{]+)\[/.exec(line);
    if (m) out.set(m[1] as string, (out.get(m[1] as string) ?? 0) + 1);
  }
  return out;
}

describe('unequal slices summed on one grid on VictoriaMetrics', () => {
  let rows = 0;
  it.each(cases.map((c) => [c.seed, c]))(
    'case %i: the file, series by series and the grid agree to the token',
    async (_seed, c) => {
      const lines = openMetrics([c]);
      const file = join(dir, `history-${c.seed}.om`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      const pricing = join(dir, `pricing-${c.seed}.yaml`);
      writeFileSync(pricing, c.pricing);
      const series = new Set(lines.filter((l) => !l.startsWith('#')).map((l) => l.slice(0, l.lastIndexOf('} ') + 1))).size;
      const server = await startVictoriaMetricsWith(lines, series, c.first);
      try {
        for (const args of windows(c)) {
          const common = ['report', ...args, '--pricing', pricing, '--format', 'json'];
          const what = `seed ${c.seed}: report ${args.join(' ')}`;
          const fromFile = digest(await runMain([...common, '--file', file]));
          const perSeries = digest(await runMain([...common, '--prometheus', server.url, '--per-series']));
          const summed = await runMain([...common, '--prometheus', server.url, '--verbose']);
          expect(perSeries, `${what}, series by series against the file`).toEqual(fromFile);
          expect(digest(summed), `${what}, on the grid against the file`).toEqual(fromFile);
          if (fromFile.code === 0) {
            const runs = runQueriesPerMetric(summed.stderr);
            expect(runs.size, `${what}: run queries`).toBeGreaterThan(0);
            for (const [name, n] of runs) expect(n, `${what}: run queries of ${name}`).toBe(1);
          }
          rows += Object.keys(fromFile.rows ?? {}).length;
        }
      } finally {
        await server.stop();
      }
    },
    120_000,
  );

  it('compared reports with rows, not only refusals', () => {
    expect(rows).toBeGreaterThan(cases.length);
  });
});
