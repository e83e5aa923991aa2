import { Readable } from 'node:stream';
import { main } from '../../src/main.js';
import type { RunResult } from './cli.js';

/**
 * Runs the CLI in this process (src/main.ts, the same program the binary runs), with a minimal
 * environment: fast enough for property tests that try thousands of inputs.
 */
export async function runMain(
  args: string[],
  options: { stdin?: string | Buffer; env?: Record<string, string>; cwd?: string; clock?: () => number } = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    env: { NO_COLOR: '1', TZ: 'UTC', COLUMNS: '160', ...options.env },
    cwd: options.cwd ?? process.cwd(),
    stdoutIsTTY: false,
    columns: undefined,
    clock: options.clock ?? Date.now,
  });
  return { code, stdout, stderr };
}
