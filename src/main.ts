import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Command, CommanderError, Option } from 'commander';
import type { CommandDefinition } from './commands/command.js';
import type { CommandContext } from './commands/context.js';
import { COMMAND_GROUPS, COMMANDS, type CommandEntry, commandsNamed } from './commands/index.js';
import { ENVIRONMENT_VARIABLES, type Environment } from './config/environment.js';
import { EXIT_INTERNAL, TokenspendError } from './errors.js';
import { exitCodesHelp } from './help.js';
import type { OptionSpec } from './options.js';
import { terminalText } from './text.js';

/** The outside world as `main` sees it; cli.ts hands it `process`, tests hand it buffers. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin?: Readable | undefined;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdoutIsTTY: boolean;
  /** The terminal's width, when stdout is one. */
  columns: number | undefined;
  clock: () => number;
  /** This process's id, and whether another process of this host is alive (lock files). */
  pid?: number | undefined;
  alive?: ((pid: number) => boolean) | undefined;
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const environmentHelp = `\n\nEnvironment:\n${ENVIRONMENT_VARIABLES.map(([k, v]) => `  ${k.padEnd(31)}${v}`).join('\n')}`;

function context(io: Io): CommandContext {
  const { env } = io;
  const force = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  const columns = Number(env.COLUMNS);
  return {
    stdout: io.stdout,
    stderr: (text) => io.stderr(terminalText(text)),
    stdin: io.stdin,
    clock: io.clock,
    pid: io.pid ?? 0,
    alive: io.alive ?? (() => true),
    color: force || (io.stdoutIsTTY && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '')),
    tty: io.stdoutIsTTY,
    width: Number.isInteger(columns) && columns > 20 ? columns : (io.columns ?? 120),
  };
}

function environment(io: Io): Environment {
  return {
    vars: io.env,
    cwd: io.cwd,
    warn: (line) => io.stderr(terminalText(`tokenspend: warning: ${line}\n`)),
    log: (line) => io.stderr(terminalText(`tokenspend: ${line}\n`)),
  };
}

function option(spec: OptionSpec): Option {
  const o = new Option(spec.flags, spec.defaultText ? `${spec.description} (default: ${spec.defaultText})` : spec.description);
  if (spec.repeatable) o.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  if (spec.choices) o.choices(spec.choices);
  return spec.hidden ? o.hideHelp() : o;
}

/** The program: every command listed; those `args` name are loaded and registered in full. */
async function program(args: readonly string[], io: Io, done: (code: number) => void): Promise<Command> {
  const write = { writeOut: io.stdout, writeErr: io.stderr };
  const root = new Command('tokenspend')
    .description('Turn LLM token counters into exact cost reports, forecasts and budget gates.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `${exitCodesHelp()}${environmentHelp}`)
    .exitOverride()
    .configureOutput(write)
    // Commands not named on the command line are not loaded, so commander cannot see their options.
    .configureHelp({
      subcommandTerm: (cmd) => `${cmd.name()} ${cmd.commands.length > 0 ? '<command>' : cmd.name() === 'help' ? '[command]' : '[options]'}`,
    });
  const place = (entry: CommandEntry): Command => {
    const words = entry.name.split(' ');
    let parent = root;
    for (const word of words.slice(0, -1)) {
      parent = parent.commands.find((c) => c.name() === word) ?? parent.command(word).description(COMMAND_GROUPS[word] ?? '');
      parent.exitOverride().configureOutput(write);
    }
    return parent
      .command(words.at(-1) as string)
      .description(entry.description)
      .exitOverride()
      .configureOutput(write);
  };
  const named = commandsNamed(args);
  for (const entry of COMMANDS) {
    const cmd = place(entry);
    if (named.includes(entry)) register(cmd, await entry.load(), io, done);
  }
  return root;
}

/** The whole command: options, arguments, help, and what it runs. */
function register(cmd: Command, def: CommandDefinition, io: Io, done: (code: number) => void): void {
  for (const a of def.arguments ?? []) cmd.argument(a.name, a.description);
  for (const spec of def.options) cmd.addOption(option(spec));
  const examples = def.examples.length > 0 ? `\nExamples:\n${def.examples.map((e) => `  ${e}`).join('\n')}\n` : '';
  cmd.addHelpText('after', `${examples}${exitCodesHelp(def.exitCodes)}`);
  cmd.action(async (...params: unknown[]) => {
    const args = params.slice(0, def.arguments?.length ?? 0).flat() as string[];
    const flags = params[def.arguments?.length ?? 0] as Record<string, unknown>;
    done(await def.execute(flags, environment(io), args, context(io)));
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
