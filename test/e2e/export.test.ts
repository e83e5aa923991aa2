import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSpec } from '../generators/history.js';
import { run } from '../helpers/cli.js';

const DEMO = 'fixtures/demo/history.om.gz';
const DAY = 86_400_000;
const END = demoSpec().end;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokenspend-lock-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const exportDay = (end: number, output: string, ...more: string[]) =>
  run(['export', '--file', DEMO, '--at', iso(end), '--by', 'gateway,model', '--output', output, ...more]);
const startsIn = (path: string) =>
  new Set((parse(readFileSync(path, 'utf8'), { columns: true }) as { period_start: string }[]).map((r) => r.period_start));

describe('two exports into one ledger at once (two processes)', () => {
  it('lose nothing: each waits for the lock, then merges into what the other wrote', async () => {
    // Three rounds of two processes started together, each time into a fresh ledger.
    for (let round = 0; round < 3; round++) {
      const out = join(dir, `both-${round}.csv`);
      const [a, b] = await Promise.all([exportDay(END - DAY, out), exportDay(END, out)]);
      expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, expect.any(String), expect.any(String)]);
      expect(startsIn(out)).toEqual(new Set([iso(END - 2 * DAY), iso(END - DAY)]));
      expect(existsSync(`${out}.lock`)).toBe(false);
    }
  });

  it('released at one instant to two waiting exports, the lock still lets only one merge at a time', async () => {
    const out = join(dir, 'released.csv');
    // Hold the lock (this process is alive) while both exports read the data and start waiting,
    // then let go: both wake together, and a lock that let both in would lose one day's rows.
    writeFileSync(`${out}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-11-22T00:00:00Z' }));
    const both = Promise.all([exportDay(END - DAY, out), exportDay(END, out)]);
    await new Promise((r) => setTimeout(r, 2500));
    rmSync(`${out}.lock`, { force: true });
    const [a, b] = await both;
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(startsIn(out)).toEqual(new Set([iso(END - 2 * DAY), iso(END - DAY)]));
  });

  it('a lock held by a live process past --lock-timeout: exit 3 naming the holder, the ledger untouched', async () => {
    const out = join(dir, 'held.csv');
    writeFileSync(out, '');
    // This test's own process is alive: its lock is held.
    writeFileSync(`${out}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-11-22T00:00:00Z' }));
    const res = await exportDay(END, out, '--lock-timeout', '300ms');
    expect(res.code).toBe(3);
    expect(res.stderr).toContain(`locked by process ${process.pid} on ${hostname()}`);
    expect(readFileSync(out, 'utf8')).toBe('');
    expect(existsSync(`${out}.lock`)).toBe(true);
    rmSync(`${out}.lock`);
  });

  it('a lock left by a process of this host that is gone is taken over', async () => {
    const out = join(dir, 'stale-lock.csv');
    // Process ids are below 2^22 on Linux: this one cannot be running.
    writeFileSync(`${out}.lock`, JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), since: '2026-11-22T00:00:00Z' }));
    const res = await exportDay(END, out);
    expect(res.code).toBe(0);
    expect(startsIn(out)).toEqual(new Set([iso(END - DAY)]));
    expect(existsSync(`${out}.lock`)).toBe(false);
  });
});
