import { hostname } from 'node:os';
import { open, readFile, rm } from 'node:fs/promises';
import { sourceError, usageError } from '../errors.js';

/** What a lock file says about its holder. */
interface Holder {
  pid: number;
  host: string;
  since: string;
}

export interface LockOptions {
  /** How long to wait for another holder before giving up (exit 3), in real time. */
  waitMs: number;
  /** The time written in the lock file. */
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /** This process's id (the lock file records it). */
  pid: number;
  /** Whether a process id is alive on this host. */
  alive: (pid: number) => boolean;
}

async function holderOf(path: string): Promise<Holder | undefined> {
  try {
    const h = JSON.parse(await readFile(path, 'utf8')) as Partial<Holder>;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? { pid: h.pid, host: h.host, since: String(h.since) } : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the lock file exclusively; false when it exists. */
async function tryCreate(path: string, me: Holder): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o644);
    await handle.writeFile(`${JSON.stringify(me)}\n`);
    await handle.close();
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw usageError(`${path}: cannot create the lock file: ${code ?? (e as Error).message}`);
  }
}

const sameHolder = (a: Holder | undefined, b: Holder) => a !== undefined && a.pid === b.pid && a.host === b.host && a.since === b.since;

/**
 * Removes the lock left by `stale` unless it changed hands meanwhile. Two waiting exports may both
 * find the same dead holder; without a turn, the second would delete the lock the first has just
 * taken. Takeovers take turns under `<lock>.takeover` (created exclusively; one left by a process
 * of this host that is gone is removed), and the lock is removed only if it still names `stale`.
 */
async function takeOver(path: string, stale: Holder, me: Holder, alive: (pid: number) => boolean): Promise<boolean> {
  const guard = `${path}.takeover`;
  if (!(await tryCreate(guard, me))) {
    const other = await holderOf(guard);
    if (other && other.host === me.host && other.pid !== me.pid && !alive(other.pid)) await rm(guard, { force: true });
    return false;
  }
  try {
    if (!sameHolder(await holderOf(path), stale)) return false;
    await rm(path, { force: true });
    return true;
  } finally {
    await rm(guard, { force: true });
  }
}

/**
 * Runs `fn` holding `<target>.lock`, a file created exclusively next to the target, so that two
 * jobs writing one ledger take turns and neither loses the other's rows. A lock left by a process
 * of this host that is gone is taken over; one held by a live process (or another host) is waited
 * for up to `waitMs`, then the run fails with exit 3 naming the holder.
 */
export async function withLock<T>(target: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  const path = `${target}.lock`;
  const me: Holder = { pid: options.pid, host: hostname(), since: new Date(options.clock()).toISOString() };
  const deadline = performance.now() + options.waitMs;
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(path, me)) break;
    const holder = await holderOf(path);
    const dead = holder && holder.host === me.host && holder.pid !== me.pid && !options.alive(holder.pid);
    if (dead && (await takeOver(path, holder, me, options.alive))) continue;
    if (performance.now() >= deadline) {
      const who = holder ? `process ${holder.pid} on ${holder.host} since ${holder.since}` : 'another process';
      throw sourceError(
        `${target}: the ledger is locked by ${who} (${path})`,
        `wait for that export to finish; remove ${path} only if no export is running`,
      );
    }
    await options.sleep(Math.min(50 + attempt * 25, 500));
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}
