import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/inprocess.js';
import { startPrometheusWith } from '../helpers/servers.js';
import { useServer } from '../helpers/server-suite.js';

// A process that runs many commands (this test runner, a program embedding tokenspend) must not
// keep each one's connections: Prometheus accepts 512 at most and then stops answering (found by
// test/fuzz/paths.test.ts: its 35th case timed out). Prometheus counts its listener's connections
// opened and closed; after each command no more may be open than before the first (fewer is fine:
// the test runner's own idle ones time out).
const T0 = Date.parse('2026-11-10T00:00:00Z') / 1000;
const lines = [
  '# TYPE llm_tokens_in_total counter',
  ...[0, 1, 2, 3].flatMap((i) => [
    `llm_tokens_in_total{model="a",pod="p1"} ${100 * i} ${T0 + 900 * i}`,
    `llm_tokens_in_total{model="b",pod="p2"} ${10 * i} ${T0 + 900 * i}`,
  ]),
  '# EOF',
];
const WINDOW = ['--since', '2026-11-09T23:00:00Z', '--until', '2026-11-10T01:00:00Z'];

async function openConnections(url: string): Promise<number> {
  // (A connection of its own, closed after the answer: not counted as open by the time it returns.)
  const text = await (await fetch(`${url}/metrics`, { headers: { connection: 'close' } })).text();
  const count = (name: string) => Number(new RegExp(`^${name}\\{listener_name="http"\\} (\\d+)$`, 'm').exec(text)?.[1]);
  return count('net_conntrack_listener_conn_accepted_total') - count('net_conntrack_listener_conn_closed_total');
}

/** The open connections once no more than `most` are, or after two seconds (the server closes its side once the client has). */
async function settled(url: string, most: number): Promise<number> {
  const deadline = Date.now() + 2000;
  let open = await openConnections(url);
  while (open > most && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    open = await openConnections(url);
  }
  return open;
}

describe('Prometheus 2.42: connections', () => {
  const server = useServer(() => startPrometheusWith(lines));

  it('are closed when a command ends (report summed and series by series, doctor, rules)', async () => {
    const before = await openConnections(server.url);
    const commands = [
      ['report', '--prometheus', server.url, ...WINDOW, '--by', 'model', '--format', 'json'],
      ['report', '--prometheus', server.url, ...WINDOW, '--by', 'pod', '--per-series', '--format', 'json'],
      ['doctor', '--prometheus', server.url, '--format', 'json'],
      ['rules', '--prometheus', server.url],
    ];
    for (const args of commands) {
      const r = await runMain(args, { clock: () => Date.parse('2026-11-10T01:00:00Z') });
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
      expect(await settled(server.url, before), args.join(' ')).toBeLessThanOrEqual(before);
    }
  });
});
