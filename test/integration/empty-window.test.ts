import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/inprocess.js';
import { fileAndServers, readPaths, useServer } from '../helpers/server-suite.js';

// A window in which no series read has a sample is no data (exit 4), on a server as in a file, and
// not a report of zeros (found by test/fuzz/paths.test.ts: a server said 0 tokens, with a
// staleness warning, where the file refused). Two gateways, hourly at :30 on 12 November; gw-1
// stops at 09:30, gw-2 runs all day. The window (12:00, 18:00]: gw-2 used 60 tokens in it;
// under --match gateway=gw-1 nothing has a sample in it.
const HOUR = 3600;
const T0 = Date.parse('2026-11-12T00:00:00Z') / 1000;
const hourly = (gateway: string, last: number) =>
  Array.from(
    { length: last + 1 },
    (_, h) => `llm_tokens_in_total{model="m",gateway="${gateway}"} ${100 + 10 * h} ${T0 + h * HOUR + HOUR / 2}`,
  );
const lines = ['# TYPE llm_tokens_in_total counter', ...hourly('gw-1', 9), ...hourly('gw-2', 23), '# EOF'];
const ARGS = ['--since', '2026-11-12T12:00:00Z', '--until', '2026-11-12T18:00:00Z', '--by', 'gateway', '--format', 'json'];
const FILE = join(mkdtempSync(join(tmpdir(), 'tokenspend-empty-window-')), 'history.om');
writeFileSync(FILE, `${lines.join('\n')}\n`);
const MESSAGE = 'tokenspend: no samples fall in the window (2026-11-12T12:00:00.000Z, 2026-11-12T18:00:00.000Z]';

describe.each(fileAndServers(lines, 2, (T0 + HOUR / 2) * 1000))('%s: a window with no sample of the series read', (name, startServer) => {
  const server = useServer(startServer);
  const paths = () => readPaths(name, FILE, server);

  it('is exit 4 under a --match that keeps only the stopped gateway', async () => {
    for (const path of paths()) {
      const r = await runMain(['report', ...path, ...ARGS, '--match', 'gateway=gw-1']);
      expect([r.code, r.stdout, r.stderr.split('\n')[0]], path.join(' ')).toEqual([4, '', MESSAGE]);
    }
  });

  it('is a report where another series has samples in it: the stopped gateway used nothing', async () => {
    for (const path of paths()) {
      const r = await runMain(['report', ...path, ...ARGS]);
      expect(r.code, r.stderr).toBe(0);
      const tokens = Object.fromEntries(JSON.parse(r.stdout).rows.map((row: any) => [row.group.gateway, row.tokens.input]));
      expect(tokens, path.join(' ')).toEqual({ 'gw-2': 60 });
    }
  });
});
