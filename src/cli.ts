import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { COMMAND_GROUPS, COMMANDS, type CommandEntry, commandsNamed } from './commands/index.js';
import type { CommandDefinition } from './commands/command.js';
import type { CommandContext } from './commands/context.js';
import { ENVIRONMENT_VARIABLES, type Environment } from './config/environment.js';
import { EXIT_INTERNAL, TokenspendError } from './errors.js';
import { exitCodesHelp } from './help.js';
import type { OptionSpec } from './options.js';

// The only module that reads argv and the environment and sets the exit code. Commands load
// their core and renderers when they run, so `--help` and `--version` start fast.

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const write = { writeOut: (s: string) => process.stdout.write(s), writeErr: (s: string) => process.stderr.write(s) };
const environmentHelp = `\n\nEnvironment:\n${ENVIRONMENT_VARIABLES.map(([k, v]) => `  ${k.padEnd(31)}${v}`).join('\n')}`;

function context(): CommandContext {
  const env = process.env;
  const tty = process.stdout.isTTY === true;
  const force = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  const columns = Number(env.COLUMNS);
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdin: process.stdin,
    clock: Date.now,
    color: force || (tty && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '')),
    tty,
    width: Number.isInteger(columns) && columns > 20 ? columns : (process.stdout.columns ?? 120),
  };
}

const environment: Environment = {
  vars: process.env,
  cwd: process.cwd(),
  warn: (line) => process.stderr.write(`tokenspend: warning: ${line}\n`),
  log: (line) => process.stderr.write(`tokenspend: ${line}\n`),
};

function option(spec: OptionSpec): Option {
  const o = new Option(spec.flags, spec.defaultText ? `${spec.description} (default: ${spec.defaultText})` : spec.description);
  if (spec.repeatable) o.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  if (spec.choices) o.choices(spec.choices);
  return spec.hidden ? o.hideHelp() : o;
}

/** Adds a command under its parents (`budget check` under `budget`). */
function place(program: Command, entry: CommandEntry): Command {
  const words = entry.name.split(' ');
  let parent = program;
  for (const word of words.slice(0, -1)) {
    parent = parent.commands.find((c) => c.name() === word) ?? parent.command(word).description(COMMAND_GROUPS[word] ?? '');
    parent.exitOverride().configureOutput(write);
  }
  return parent
    .command(words.at(-1) as string)
    .description(entry.description)
    .exitOverride()
    .configureOutput(write);
}

/** The whole command: options, arguments, help, and what it runs. */
function register(cmd: Command, def: CommandDefinition): void {
  for (const a of def.arguments ?? []) cmd.argument(a.name, a.description);
  for (const spec of def.options) cmd.addOption(option(spec));
  const examples = def.examples.length > 0 ? `\nExamples:\n${def.examples.map((e) => `  ${e}`).join('\n')}\n` : '';
  cmd.addHelpText('after', `${examples}${exitCodesHelp(def.exitCodes)}`);
  cmd.action(async (...params: unknown[]) => {
    const args = params.slice(0, def.arguments?.length ?? 0).flat() as string[];
    const flags = params[def.arguments?.length ?? 0] as Record<string, unknown>;
    process.exitCode = await def.execute(flags, environment, args, context());
  });
}

const program = new Command('tokenspend')
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
// Only the commands named on the command line are loaded; the others are listed by name.
const named = commandsNamed(process.argv.slice(2));
for (const entry of COMMANDS) {
  const cmd = place(program, entry);
  if (named.includes(entry)) register(cmd, await entry.load());
}

// `tokenspend report | head`: the reader left; there is nobody to tell, so stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof TokenspendError) {
    process.stderr.write(`tokenspend: ${e.message}\n`);
    if (e.hint) process.stderr.write(`  hint: ${e.hint}\n`);
    process.exitCode = e.exitCode;
  } else {
    process.stderr.write(`tokenspend: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = EXIT_INTERNAL;
  }
}
