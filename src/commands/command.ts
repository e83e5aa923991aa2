import type { Environment } from '../config/environment.js';
import type { ExitCode } from '../errors.js';
import type { OptionSpec } from '../options.js';
import type { CommandContext } from './context.js';

/**
 * One command: what `--help` shows (its options, examples and the exit codes it can return),
 * how raw flags become its typed options, and what it does with them. `run` resolves nothing and
 * touches no `process`: it calls the core, hands the result to a renderer, and returns a code.
 */
export interface CommandSpec<Flags, Options> {
  /** `report`, or a sub-command path such as `budget check` (its one-line description is in the table, `commands/index.ts`). */
  name: string;
  /** Positional arguments (`<model>`, `<files...>`), passed to `resolve` in order. */
  arguments?: readonly { name: string; description: string }[];
  options: readonly OptionSpec[];
  /** Shown under `Examples:`; each must run as printed (a test parses them). */
  examples: readonly string[];
  /** The codes this command can return, with what each means here. */
  exitCodes: Partial<Record<ExitCode, string>>;
  resolve(flags: Flags, env: Environment, args: readonly string[]): Promise<Options>;
  run(options: Options, ctx: CommandContext): Promise<number>;
}

/** A command with its types erased, as the table in `commands/index.ts` loads it. */
export interface CommandDefinition extends Omit<CommandSpec<unknown, unknown>, 'resolve' | 'run'> {
  execute(flags: Record<string, unknown>, env: Environment, args: readonly string[], ctx: CommandContext): Promise<number>;
}

/** Types a command's parts against each other and erases them for the table. */
export function defineCommand<Flags, Options>(spec: CommandSpec<Flags, Options>): CommandDefinition & CommandSpec<Flags, Options> {
  return {
    ...spec,
    execute: async (flags, env, args, ctx) => spec.run(await spec.resolve(flags as Flags, env, args), ctx),
  };
}

/** One line of the command table: what `--help` lists, and how to load the command itself. */
export interface CommandEntry {
  name: string;
  description: string;
  load: () => Promise<CommandDefinition>;
}
