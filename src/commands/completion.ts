import { ExitCode, usageError } from '../errors.js';
import type { OptionSpec } from '../options.js';
import type { CompletionCommand, CompletionModel, CompletionValues } from '../render/completion.js';
import { type CommandEntry, defineCommand } from './command.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** What an option's value can be, from its placeholder and choices. */
function valuesOf(spec: OptionSpec, lists: Record<string, readonly string[]>): CompletionValues {
  if (spec.choices) return { list: spec.choices };
  const placeholder = /<([^>]+)>/.exec(spec.flags)?.[1];
  if (placeholder === undefined) return 'none';
  const name = spec.flags.split(/[ ,]/)[0] as string;
  if (name === '--by') return { csv: lists.dimensions as readonly string[] };
  const list = { '--dialect': lists.dialects, '--window': lists.windows, '--timezone': lists.zones, '--step': ['1h', '1d', '1w', '1mo'] }[
    name
  ];
  if (list) return { list };
  return /file|path/.test(placeholder) ? 'file' : 'any';
}

/** Every command with its options and values, read from the command definitions and the bundled prices. */
async function model(commands: readonly CommandEntry[], groups: Readonly<Record<string, string>>): Promise<CompletionModel> {
  const [{ CANONICAL_DIMENSIONS }, { DIALECT_IDS }, { WINDOW_NAMES }, { loadPriceBook }] = await Promise.all([
    import('../ledger/store.js'),
    import('../dialects/table.js'),
    import('../ledger/periods.js'),
    import('../pricing/load.js'),
  ]);
  const book = await loadPriceBook([]);
  const lists = {
    dimensions: CANONICAL_DIMENSIONS,
    dialects: DIALECT_IDS.filter((d) => d !== 'custom'),
    windows: WINDOW_NAMES,
    zones: Intl.supportedValuesOf('timeZone'),
  };
  const models = [...new Set(book.list().map((m) => m.id))].sort();
  const described: CompletionCommand[] = [];
  for (const entry of commands) {
    const def = await entry.load();
    const arg = def.arguments?.[0]?.name;
    described.push({
      path: entry.name.split(' '),
      description: entry.description,
      options: def.options
        .filter((o) => !o.hidden)
        .map((o) => ({
          names: o.flags.split(/[ ,]+/).filter((w) => w.startsWith('-')),
          description: o.description,
          values: valuesOf(o, lists),
        })),
      ...(arg === undefined ? {} : { argument: arg === '<model>' ? { list: models } : arg === '<shell>' ? { list: SHELLS } : 'file' }),
    });
  }
  // Every proper prefix of a command's path is a group (`pricing`, `pricing import`).
  const prefixes = new Map<string, string[]>();
  for (const c of described) for (let n = 1; n < c.path.length; n++) prefixes.set(c.path.slice(0, n).join(' '), c.path.slice(0, n));
  const listed = [...prefixes.values()].map((path) => ({ path, description: groups[path.at(-1) as string] ?? '' }));
  return { groups: listed, commands: described };
}

/** `tokenspend completion bash|zsh|fish`: a completion script for the shell, on stdout, for the commands of `table`. */
export const completionCommand = (table: readonly CommandEntry[], groups: Readonly<Record<string, string>>) =>
  defineCommand<Record<string, never>, Shell>({
    name: 'completion',
    arguments: [{ name: '<shell>', description: `${SHELLS.join(', ')}` }],
    options: [],
    examples: [
      'tokenspend completion bash > ~/.local/share/bash-completion/completions/tokenspend',
      'tokenspend completion zsh > "${fpath[1]}/_tokenspend"',
      'tokenspend completion fish > ~/.config/fish/completions/tokenspend.fish',
    ],
    exitCodes: { [ExitCode.ok]: 'the script is on stdout', [ExitCode.usage]: 'not a shell this knows' },
    async resolve(_flags, _env, args) {
      const shell = args[0] as Shell;
      if (!SHELLS.includes(shell)) throw usageError(`completion: expected one of ${SHELLS.join(', ')}, got "${args[0]}"`);
      return shell;
    },
    async run(shell, ctx) {
      const { COMPLETION_SCRIPTS } = await import('../render/completion.js');
      ctx.stdout(COMPLETION_SCRIPTS[shell](await model(table, groups)));
      return ExitCode.ok;
    },
  });
