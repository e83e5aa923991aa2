import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withLock } from '../../src/files/lock.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenspend-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DEAD = 999_999;
const PIDS = [101, 102, 103, 104, 105, 106, 107, 108];
const options = (pid: number) => ({
  waitMs: 5_000,
  clock: () => Date.UTC(2026, 10, 21),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms / 10)),
  pid,
  alive: (p: number) => p !== DEAD,
});

describe('the ledger lock', () => {
  it('a lock left by a dead process is taken over by one waiting export at a time, never by two at once', async () => {
    for (let round = 0; round < 20; round++) {
      const target = join(dir, `ledger-${round}.csv`);
      writeFileSync(`${target}.lock`, JSON.stringify({ pid: DEAD, host: hostname(), since: 'earlier' }));
      let inside = 0;
      let most = 0;
      const holders: number[] = [];
      const job = (pid: number) =>
        withLock(target, options(pid), async () => {
          inside++;
          most = Math.max(most, inside);
          holders.push(JSON.parse(readFileSync(`${target}.lock`, 'utf8')).pid);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inside--;
        });
      await Promise.all(PIDS.map(job));
      expect(most).toBe(1);
      expect(holders.sort()).toEqual(PIDS);
      expect(existsSync(`${target}.lock`)).toBe(false);
      expect(existsSync(`${target}.lock.takeover`)).toBe(false);
    }
  });

  it('a live holder past the wait: exit 3 naming it; the lock is left to it', async () => {
    const target = join(dir, 'held.csv');
    writeFileSync(`${target}.lock`, JSON.stringify({ pid: 4242, host: hostname(), since: '2026-11-21T00:00:00.000Z' }));
    const run = withLock(target, { ...options(101), waitMs: 50 }, async () => 'ran');
    await expect(run).rejects.toMatchObject({ exitCode: 3, message: expect.stringContaining('process 4242 on') });
    expect(JSON.parse(readFileSync(`${target}.lock`, 'utf8')).pid).toBe(4242);
  });
});
