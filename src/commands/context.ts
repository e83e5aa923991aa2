import type { Readable } from 'node:stream';
import type { Finding } from '../findings.js';
import type { ProgressEvent } from '../sources/source.js';
import { terminalCell } from '../text.js';

/** What a command may use of the outside world; cli.ts builds it from `process`. */
export interface CommandContext {
  stdout: (text: string) => void;
  /** Resolves once stdout has taken what was written; absent: at once. */
  drain?: (() => Promise<void>) | undefined;
  stderr: (text: string) => void;
  stdin?: Readable | undefined;
  clock: () => number;
  /** This process's id, and whether a process of this host is alive: a lock left by a dead one is taken over. */
  pid: number;
  alive: (pid: number) => boolean;
  /** stdout is a terminal that takes colour (TTY, no NO_COLOR, or FORCE_COLOR). */
  color: boolean;
  /** stdout is a terminal (charts are drawn only there). */
  tty: boolean;
  /** Terminal width (COLUMNS, the TTY's, or 120). */
  width: number;
  /** A progress line on stderr while sources work (only when stderr is a terminal, without --quiet). */
  progress?: ((event: ProgressEvent) => void) | undefined;
}

/**
 * Findings go to stderr, one line each (a label value's newline is shown escaped: it cannot start
 * a line of its own); `info` ones only where a person reads a table.
 */
export function printFindings(ctx: CommandContext, findings: readonly Finding[], withInfo: boolean): void {
  for (const f of findings) if (f.severity !== 'info' || withInfo) ctx.stderr(`tokenspend: ${f.severity}: ${terminalCell(f.message)}\n`);
}

/** Writes a result, whole or in pieces (a streaming renderer's), to `--output FILE` (atomically) or to stdout. */
export async function emit(ctx: CommandContext, output: string | undefined, text: string | Iterable<string>): Promise<void> {
  if (output === undefined) {
    if (typeof text === 'string') ctx.stdout(text);
    else {
      // Chunk by chunk as the reader takes them: a result larger than the pipe is never queued whole.
      for (const chunk of text) {
        ctx.stdout(chunk);
        await ctx.drain?.();
      }
    }
    return;
  }
  const { writeAtomic } = await import('../files/write.js');
  await writeAtomic(output, text);
}

/** Render options for a result going to stdout or a file (colour and charts only on a terminal). */
export function renderOptionsFor(ctx: CommandContext, output: string | undefined, decimals?: number) {
  return { color: ctx.color && output === undefined, width: ctx.width, decimals };
}
