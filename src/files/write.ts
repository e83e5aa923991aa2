import { randomBytes } from 'node:crypto';
import { chmod, lstat, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { usageError } from '../errors.js';

/** What is at `path` now: nothing, a regular file (with its permission bits), or something we must not replace. */
async function existing(path: string): Promise<{ mode: number } | undefined> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw usageError(`--output ${path}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (st.isSymbolicLink()) throw usageError(`--output ${path}: is a symbolic link; refusing to replace it (give the file it points to)`);
  if (!st.isFile()) throw usageError(`--output ${path}: is not a regular file; refusing to replace it`);
  return { mode: st.mode & 0o7777 };
}

/**
 * Writes `text` (whole, or chunk by chunk as a streaming renderer yields it) to `path` through a
 * temp file and a rename, so no reader sees half a file. A symbolic link or a non-regular file (a
 * device, a FIFO, a folder) is never replaced; a regular file keeps its permissions.
 */
export async function writeAtomic(path: string, text: string | Iterable<string>): Promise<void> {
  const before = await existing(path);
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(tmp, 'wx', before?.mode ?? 0o666);
    try {
      for (const chunk of typeof text === 'string' ? [text] : text) await file.write(chunk);
    } finally {
      await file.close();
    }
    if (before) await chmod(tmp, before.mode);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    // The file system said no (ENOSPC, EACCES…): the user's to fix. Anything else (a renderer's bug) stays a bug.
    if (!(e instanceof Error && 'syscall' in e)) throw e;
    throw usageError(`--output ${path}: cannot write: ${(e as NodeJS.ErrnoException).code ?? e.message}`);
  }
}
