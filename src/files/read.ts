import { readFile } from 'node:fs/promises';
import { usageError } from '../errors.js';

/** Reads a file the user named; a failure is a usage error naming the file and what it was for. */
export async function readUserFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw usageError(`${path}: cannot read the ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
