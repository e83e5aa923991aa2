import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type Command, CommanderError } from 'commander';
import type { CommandDefinition } from './commands/command.js';
import type { CommandContext } from './commands/context.js';
import { commandsNamed } from './commands/index.js';
import { buildProgram } from './commands/program.js';
import { ENVIRONMENT_VARIABLES, type Environment } from './config/environment.js';
import { EXIT_INTERNAL, TokenspendError } from './errors.js';
import { exitCodesHelp, reachableExample } from './help.js';
import type { ProgressLine } from './render/progress.js';
import { terminalText } from './text.js';

/** The outside world as `main` sees it; cli.ts hands it `process`, tests hand it buffers. */
export interface Io {
  stdout: (text: string) => void;
  /** Resolves once stdout has taken what was written (a pipe's reader caught up); absent: at once. */
  drain?: (() => Promise<void>) | undefined;
  stderr: (text: string) => void;
  stdin?: Readable | undefined;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdoutIsTTY: boolean;
  /** The terminal's width, when stdout is one. */
  columns: number | undefined;
  /** stderr is a terminal (a progress line may be drawn there), and its width. */
  stderrIsTTY?: boolean | undefined;
  stderrColumns?: number | undefined;
  clock: () => number;
  /** This process's id, and whether another process of this host is alive (lock files). */
  pid?: number | undefined;
  alive?: ((pid: number) => boolean) | undefined;
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const environmentHelp = `\n\nEnvironment:\n${ENVIRONMENT_VARIABLES.map(([k, v]) => `  ${k.padEnd(31)}${v}`).join('\n')}`;

function context(io: Io, progress: ProgressLine | undefined): CommandContext {
  const { env } = io;
  const force = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  const columns = Number(env.COLUMNS);
  return {
    stdout: (text) => {
      progress?.clear();
      io.stdout(text);
    },
    stderr: (text) => {
      progress?.clear();
      io.stderr(terminalText(text));
    },
    drain: io.drain,
    stdin: io.stdin,
    clock: io.clock,
    pid: io.pid ?? 0,
    alive: io.alive ?? (() => true),
    color: force || (io.stdoutIsTTY && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '')),
    tty: io.stdoutIsTTY,
    width: Number.isInteger(columns) && columns > 20 ? columns : io.columns || 120,
    progress: progress?.update,
  };
}

/** Runs a command with a progress line on stderr when it is a terminal and --quiet was not given. */
async function execute(def: CommandDefinition, flags: Record<string, unknown>, args: string[], io: Io): Promise<number> {
  // Loaded only when drawn: --help and pipes never pay for it.
  const progress =
    io.stderrIsTTY && flags.quiet !== true
      ? (await import('./render/progress.js')).progressLine(io.stderr, io.clock, io.stderrColumns || Number(io.env.COLUMNS) || 80)
      : undefined;
  try {
    return await def.execute(flags, environment(io), args, context(io, progress));
  } finally {
    progress?.clear();
  }
}

function environment(io: Io): Environment {
  return {
    vars: io.env,
    cwd: io.cwd,
    warn: (line) => io.stderr(terminalText(`tokenspend: warning: ${line}\n`)),
    log: (line) => io.stderr(terminalText(`tokenspend: ${line}\n`)),
  };
}

/** The program: every command listed; those `args` name are loaded and registered in full. */
function program(args: readonly string[], io: Io, done: (code: number) => void): Promise<Command> {
  const named = commandsNamed(args);
  const root = fileURLToPath(new URL('..', import.meta.url));
  return buildProgram({
    version: VERSION,
    write: { writeOut: io.stdout, writeErr: io.stderr },
    helpAfter: `${exitCodesHelp()}${environmentHelp}`,
    load: (entry) => named.includes(entry),
    action: async (def, flags, params) => done(await execute(def, flags, params, io)),
    example: (text) => reachableExample(text, root, io.cwd),
  });
}

/**
 * Runs one command line (`args` without node and the script) and returns its exit code. Errors
 * become their documented code and one line on stderr; anything else is a bug (70, with stack).
 */
export async function main(args: readonly string[], io: Io): Promise<number> {
  let code = 0;
  try {
    const root = await program(args, io, (c) => {
      code = c;
    });
    await root.parseAsync([...args], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof TokenspendError) {
      io.stderr(terminalText(`tokenspend: ${e.message}\n${e.hint ? `  hint: ${e.hint}\n` : ''}`));
      return e.exitCode;
    }
    io.stderr(`tokenspend: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_INTERNAL;
  }
}
