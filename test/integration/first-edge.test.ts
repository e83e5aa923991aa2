import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/inprocess.js';
import { fileAndServers, readPaths, useServer } from '../helpers/server-suite.js';

// The run queries read each edge once: a run that starts where another ends starts a step later,
// and on Prometheus a first slice longer than a day has its first edge read apart over one day (on
// VictoriaMetrics unequal slices go on one grid).
// What happened before the window must still count as before: hourly samples at :30, window
// (10 Nov, 14 Nov], no step (one 4-day slice) and --step 3d (3 days, then 1: two runs).
//   gw-a: +10 an hour from 5 Nov on: 96 hours in the window, 960 tokens (720 + 240).
//   gw-b: stopped on 7 Nov at 00:30, three days before the window: nothing.
//   gw-c: stopped at 22:30 the evening before: present in the day before, no reading: nothing.
//   gw-d: two HA copies (replica a, b); the gateway restarted at 23:20 the evening before, so its
//         counter reads 5 at 23:30 and goes on +10 an hour: 960 tokens (720 + 240).
const HOUR = 3600;
const T0 = Date.parse('2026-11-05T00:00:00Z') / 1000;
const START = Date.parse('2026-11-10T00:00:00Z') / 1000;
const LAST = Date.parse('2026-11-13T23:30:00Z') / 1000;
const series = (labels: string, until: number, value: (t: number) => number) => {
  const out: string[] = [];
  for (let t = T0 + HOUR / 2; t <= until; t += HOUR) out.push(`llm_tokens_in_total{model="m",${labels}} ${value(t)} ${t}`);
  return out;
};
const steady = (t: number) => 1000 + (10 * (t - T0 - HOUR / 2)) / HOUR;
const restarted = (t: number) =>
  t < START - HOUR / 2 ? 5000 + (10 * (t - T0 - HOUR / 2)) / HOUR : 5 + (10 * (t - (START - HOUR / 2))) / HOUR;
const lines = [
  '# TYPE llm_tokens_in_total counter',
  ...series('gateway="gw-a"', LAST, steady),
  ...series('gateway="gw-b"', Date.parse('2026-11-07T00:30:00Z') / 1000, steady),
  ...series('gateway="gw-c"', START - 1.5 * HOUR, steady),
  ...series('gateway="gw-d",replica="a"', LAST, restarted),
  ...series('gateway="gw-d",replica="b"', LAST, restarted),
  '# EOF',
];
const WINDOW = ['--since', '2026-11-10T00:00:00Z', '--until', '2026-11-14T00:00:00Z', '--by', 'gateway', '--format', 'json'];
const FILE = join(mkdtempSync(join(tmpdir(), 'tokenspend-first-edge-')), 'history.om');
writeFileSync(FILE, `${lines.join('\n')}\n`);

describe.each(fileAndServers(lines, 5, (T0 + HOUR / 2) * 1000))('%s: what happened before the window', (name, startServer) => {
  const server = useServer(startServer);
  const paths = () => readPaths(name, FILE, server);
  const tokens = async (args: string[]) => {
    const r = await runMain(['report', ...args, '--verbose']);
    expect(r.code, r.stderr).toBe(0);
    const out: Record<string, number[]> = {};
    for (const row of JSON.parse(r.stdout).rows) (out[row.group.gateway] ??= []).push(row.tokens.input);
    // Range queries over the whole metric (not narrowed to some series): the run queries.
    const runs = r.stderr.split('\n').filter((l) => /query_range → .*llm_tokens_in_total\[/.test(l)).length;
    return { out, runs };
  };
  // The summed path's run queries: on Prometheus the first edge apart (a day) and one per run of
  // equal slices; on VictoriaMetrics one, the 3-day and 1-day slices on a grid of days.
  const runs = (name === 'Prometheus 2.42' ? [2, 3] : [1, 1]) as [number, number];

  it('one 4-day slice: only the two gateways that ran in the window, counted from their readings at its start', async () => {
    for (const path of paths()) {
      const r = await tokens([...path, ...WINDOW]);
      expect(r.out, path.join(' ')).toEqual({ 'gw-a': [960], 'gw-d': [960] });
      if (path.length === 2 && name !== 'the file') expect(r.runs, 'run queries').toBe(runs[0]);
    }
  });

  it('--step 3d (two runs of slices): 720 and 240 for each', async () => {
    for (const path of paths()) {
      const r = await tokens([...path, ...WINDOW, '--step', '3d']);
      expect(r.out, path.join(' ')).toEqual({ 'gw-a': [720, 240], 'gw-d': [720, 240] });
      if (path.length === 2 && name !== 'the file') expect(r.runs, 'run queries').toBe(runs[1]);
    }
  });
});
