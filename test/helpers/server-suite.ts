import { afterAll, beforeAll } from 'vitest';
import { type RunningServer, startPrometheusWith, startVictoriaMetricsWith } from './servers.js';

/**
 * A real server for the tests of the enclosing `describe`: started before them (backfill
 * included, up to two minutes), stopped after. The object's `url` is set once it runs.
 */
export function useServer(start: () => Promise<RunningServer>): RunningServer {
  const server: RunningServer = { url: '', stop: async () => undefined };
  beforeAll(async () => {
    Object.assign(server, await start());
  }, 120_000);
  afterAll(async () => {
    await server.stop();
  });
  return server;
}

/** A `describe.each` table: the history's file, then Prometheus 2.42 and VictoriaMetrics loaded with its lines. */
export function fileAndServers(lines: readonly string[], seriesCount: number, firstMs: number): [string, () => Promise<RunningServer>][] {
  return [
    ['the file', () => Promise.resolve({ url: '', stop: async () => undefined })],
    ['Prometheus 2.42', () => startPrometheusWith(lines)],
    ['VictoriaMetrics', () => startVictoriaMetricsWith(lines, seriesCount, firstMs)],
  ];
}

/** The ways to read it: the file itself, or the server summed and series by series. */
export function readPaths(name: string, file: string, server: RunningServer): string[][] {
  return name === 'the file'
    ? [['--file', file]]
    : [
        ['--prometheus', server.url],
        ['--prometheus', server.url, '--per-series'],
      ];
}
