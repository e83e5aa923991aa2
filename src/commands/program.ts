import { Command, Option } from 'commander';
import { exitCodesHelp } from '../help.js';
import type { OptionSpec } from '../options.js';
import type { CommandDefinition } from './command.js';
import { COMMAND_GROUPS, COMMANDS, type CommandEntry } from './index.js';

/** How to build the commander program: cli.ts runs it; completion and the docs test read it. */
export interface ProgramSettings {
  version: string;
  write: { writeOut: (s: string) => void; writeErr: (s: string) => void };
  /** Text after the top-level help (exit codes, environment). */
  helpAfter: string;
  /** The commands to load in full (options, help, action); the others are listed by name only. */
  load: (entry: CommandEntry) => boolean;
  /** What a command does when commander has parsed it. */
  action: (def: CommandDefinition, flags: Record<string, unknown>, args: string[]) => Promise<void>;
  /** An example as `--help` prints it (paths made reachable from the user's directory). */
  example?: (text: string) => string;
}

/** A commander option from its spec. */
export function commanderOption(spec: OptionSpec): Option {
  const o = new Option(spec.flags, spec.defaultText ? `${spec.description} (default: ${spec.defaultText})` : spec.description);
  if (spec.repeatable) o.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  if (spec.choices) o.choices(spec.choices);
  return spec.hidden ? o.hideHelp() : o;
}

/** Adds a command under its parents (`budget check` under `budget`). */
function place(program: Command, entry: CommandEntry, write: ProgramSettings['write']): Command {
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
function register(cmd: Command, def: CommandDefinition, settings: ProgramSettings): void {
  for (const a of def.arguments ?? []) cmd.argument(a.name, a.description);
  for (const spec of def.options) cmd.addOption(commanderOption(spec));
  const example = settings.example ?? ((e: string) => e);
  const examples = def.examples.length > 0 ? `\nExamples:\n${def.examples.map((e) => `  ${example(e)}`).join('\n')}\n` : '';
  cmd.addHelpText('after', `${examples}${exitCodesHelp(def.exitCodes)}`);
  cmd.action(async (...params: unknown[]) => {
    const args = params.slice(0, def.arguments?.length ?? 0).flat() as string[];
    const flags = params[def.arguments?.length ?? 0] as Record<string, unknown>;
    await settings.action(def, flags, args);
  });
}

/** The commander program over the command table. */
export async function buildProgram(settings: ProgramSettings): Promise<Command> {
  const program = new Command('tokenspend')
    .description('Turn LLM token counters into exact cost reports, forecasts and budget gates.')
    .version(settings.version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', settings.helpAfter)
    .exitOverride()
    .configureOutput(settings.write)
    // Commands not loaded are listed by name; commander cannot see their options.
    .configureHelp({
      subcommandTerm: (cmd) => `${cmd.name()} ${cmd.commands.length > 0 ? '<command>' : cmd.name() === 'help' ? '[command]' : '[options]'}`,
    });
  for (const entry of COMMANDS) {
    const cmd = place(program, entry, settings.write);
    if (settings.load(entry)) register(cmd, await entry.load(), settings);
  }
  return program;
}
