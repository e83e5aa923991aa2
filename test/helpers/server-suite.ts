import { afterAll, beforeAll } from 'vitest';
import type { RunningServer } from './servers.js';

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
