// Shell completion scripts from one model of the commands: bash, zsh and fish. The values are
// written into the script (model ids, time zones…), so completing costs no process start.

/** What an option's value (or a command's argument) completes to. */
export type CompletionValues = 'none' | 'any' | 'file' | { list: readonly string[] } | { csv: readonly string[] };

export interface CompletionCommand {
  /** `['budget', 'check']`. */
  path: string[];
  description: string;
  options: { names: string[]; description: string; values: CompletionValues }[];
  argument?: Exclude<CompletionValues, 'none' | { csv: readonly string[] }>;
}

export interface CompletionModel {
  /** Parents of sub-commands (`budget`, `pricing`, `pricing import`). */
  groups: { path: string[]; description: string }[];
  commands: CompletionCommand[];
}

/** The words that may follow a group's path ('' is the top level), with their descriptions. */
function children(m: CompletionModel): Map<string, { name: string; description: string }[]> {
  const out = new Map<string, { name: string; description: string }[]>();
  const add = (path: string[], description: string) => {
    const parent = path.slice(0, -1).join(' ');
    const list = out.get(parent) ?? [];
    if (!list.some((x) => x.name === path.at(-1))) list.push({ name: path.at(-1) as string, description });
    out.set(parent, list);
  };
  for (const c of m.commands) add(c.path, c.description);
  for (const g of m.groups) add(g.path, g.description);
  return out;
}

/** Single-quoted for any POSIX shell. */
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const words = (xs: readonly string[]) => xs.join(' ');
const short = (s: string) => s.split(/[;(]/)[0]?.trim().replace(/\s+/g, ' ') ?? '';

/** Lists longer than this (time zones, model ids) are written once and named. */
const LONG = 40;

/** The long lists of a model, each with the name the scripts give it. */
function longLists(m: CompletionModel): Map<readonly string[], string> {
  const names = new Map<readonly string[], string>();
  const all = m.commands.flatMap((c) => [...c.options.map((o) => o.values), ...(c.argument ? [c.argument] : [])]);
  for (const v of all)
    if (typeof v === 'object' && 'list' in v && v.list.length > LONG && !names.has(v.list))
      names.set(v.list, `_tokenspend_list${names.size}`);
  return names;
}

function bashValues(v: CompletionValues, named: Map<readonly string[], string>): string {
  if (v === 'file') return 'COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null';
  if (v === 'none' || v === 'any') return 'COMPREPLY=()';
  if ('csv' in v) return `_tokenspend_csv ${sq(words(v.csv))}`;
  const name = named.get(v.list);
  return `COMPREPLY=($(compgen -W ${name ? `"$${name}"` : sq(words(v.list))} -- "$cur"))`;
}

function bashCommand(c: CompletionCommand, named: Map<readonly string[], string>): string {
  const valued = c.options.filter((o) => o.values !== 'none');
  const cases = valued.map((o) => `        ${o.names.join('|')}) ${bashValues(o.values, named)}; return ;;`);
  const arg = c.argument ? bashValues(c.argument, named) : 'COMPREPLY=()';
  return [
    `    ${sq(c.path.join(' '))})`,
    '      case "$prev" in',
    ...cases,
    '      esac',
    `      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W ${sq(words(c.options.flatMap((o) => o.names)))} -- "$cur")); else ${arg}; fi`,
    '      ;;',
  ].join('\n');
}

/** bash: `source <(tokenspend completion bash)`. */
export function bashScript(m: CompletionModel): string {
  const named = longLists(m);
  const lists = [...named].map(([list, name]) => `${name}=${sq(words(list))}`).join('\n');
  const subs = [...children(m)].map(([path, kids]) => {
    const extra = path === '' ? ['--help', '--version'] : [];
    return `    ${sq(path)}) COMPREPLY=($(compgen -W ${sq(words([...kids.map((k) => k.name), ...extra]))} -- "$cur")); return ;;`;
  });
  const groups = m.groups.map((g) => sq(g.path.join(' '))).join('|');
  return `# bash completion for tokenspend: source <(tokenspend completion bash)
${lists}
_tokenspend_csv() {
  local pre="" last="$cur"
  if [[ $cur == *,* ]]; then pre="\${cur%,*},"; last="\${cur##*,}"; fi
  COMPREPLY=($(compgen -P "$pre" -W "$1" -- "$last"))
  compopt -o nospace 2>/dev/null
}
_tokenspend() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" group="" i=1 next
  # The command's words: groups (budget, pricing import…) then the command itself.
  while (( i < COMP_CWORD )); do
    next="\${group:+$group }\${COMP_WORDS[i]}"
    case "$next" in ${groups}) group="$next"; (( i++ )) ;; *) break ;; esac
  done
  if (( i == COMP_CWORD )); then
    case "$group" in
${subs.join('\n')}
    esac
  fi
  case "\${group:+$group }\${COMP_WORDS[i]}" in
${m.commands.map((c) => bashCommand(c, named)).join('\n')}
  esac
}
complete -F _tokenspend tokenspend
`;
}

/** Text inside an `_arguments` spec: no brackets or colons to end a field early. */
const zq = (s: string) =>
  short(s)
    .replace(/[[\]]/g, (c) => (c === '[' ? '(' : ')'))
    .replace(/:/g, '\\:')
    .replace(/'/g, `'\\''`);

function zshValues(v: CompletionValues, what: string, named: Map<readonly string[], string>): string {
  if (v === 'none') return '';
  if (v === 'file') return `:${what}:_files`;
  if (v === 'any') return `:${what}: `;
  if ('csv' in v) return `:${what}:_sequence compadd - ${words(v.csv)}`;
  const name = named.get(v.list);
  if (name) return `:${what}:compadd -a ${name}`;
  return `:${what}:(${v.list.map((x) => x.replace(/([\\ ():'])/g, '\\$1')).join(' ')})`;
}

function zshCommand(c: CompletionCommand, named: Map<readonly string[], string>): string {
  const specs = c.options.map((o) => {
    const name = o.names.find((n) => n.startsWith('--')) ?? (o.names[0] as string);
    return `'*${name}[${zq(o.description)}]${zshValues(o.values, name.slice(2), named)}'`;
  });
  if (c.argument) specs.push(`'1${zshValues(c.argument, 'argument', named)}'`);
  return `    (${sq(c.path.join(' '))}) _arguments -s ${specs.join(' \\\n      ')} ;;`;
}

/** zsh: save as `_tokenspend` on `$fpath`, or `source <(tokenspend completion zsh)`. */
export function zshScript(m: CompletionModel): string {
  const named = longLists(m);
  const lists = [...named].map(([list, name]) => `  local -a ${name}=(${list.map((x) => sq(x)).join(' ')})`).join('\n');
  const describe = (items: { name: string; description: string }[]) => items.map((i) => `'${i.name}:${zq(i.description)}'`).join(' ');
  const subs = [...children(m)].map(([path, kids]) => `      (${sq(path)}) subs=(${describe(kids)}) ;;`);
  const groups = m.groups.map((g) => sq(g.path.join(' '))).join('|');
  const commands = m.commands.map((c) => zshCommand(c, named));
  return `#compdef tokenspend
# zsh completion for tokenspend: save as _tokenspend in a directory on $fpath, or source it.
_tokenspend() {
${lists}
  local group="" next
  local -i i=2
  # The command's words: groups (budget, pricing import…) then the command itself.
  while (( i < CURRENT )); do
    next="\${group:+$group }\${words[i]}"
    case "$next" in (${groups}) group="$next"; (( i++ )) ;; (*) break ;; esac
  done
  if (( i == CURRENT )); then
    local -a subs
    case "$group" in
${subs.join('\n')}
    esac
    _describe command subs; return
  fi
  local cmd="\${group:+$group }\${words[i]}"
  words=("\${(@)words[i,-1]}"); (( CURRENT -= i - 1 ))
  case "$cmd" in
${commands.join('\n')}
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _tokenspend "$@"; else compdef _tokenspend tokenspend; fi
`;
}

const fishQuote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const fq = (s: string) => fishQuote(short(s));

function fishCondition(c: CompletionCommand): string {
  return `__tokenspend_is ${fishQuote(c.path.join(' '))}`;
}

function fishList(list: readonly string[], named: Map<readonly string[], string>): string {
  const name = named.get(list);
  return name ? `'(${name})'` : fishQuote(words(list));
}

function fishOption(c: CompletionCommand, o: CompletionCommand['options'][number], named: Map<readonly string[], string>): string {
  const long = o.names.filter((n) => n.startsWith('--')).map((n) => `-l ${n.slice(2)}`);
  const shortName = o.names.filter((n) => /^-[^-]$/.test(n)).map((n) => `-s ${n.slice(1)}`);
  const v = o.values;
  const values =
    v === 'none'
      ? ''
      : v === 'file'
        ? ' -r -F'
        : v === 'any'
          ? ' -x'
          : 'csv' in v
            ? ` -x -a '(__tokenspend_csv ${words(v.csv)})'`
            : ` -x -a ${fishList(v.list, named)}`;
  return `complete -c tokenspend -n ${fishQuote(fishCondition(c))} ${[...long, ...shortName].join(' ')}${values} -d ${fq(o.description)}`;
}

/** fish: `tokenspend completion fish > ~/.config/fish/completions/tokenspend.fish`. */
export function fishScript(m: CompletionModel): string {
  const paths = [...m.groups.map((g) => g.path.join(' ')), ...m.commands.map((c) => c.path.join(' '))];
  const lines = [
    '# fish completion for tokenspend',
    `set -g __tokenspend_paths ${paths.map(fishQuote).join(' ')}`,
    '# The command path typed so far: groups (budget, pricing import…) and the command.',
    'function __tokenspend_path',
    '  set -l words (commandline -opc)',
    '  set -l path',
    '  for w in $words[2..-1]',
    '    if contains -- (string join -- " " $path $w) $__tokenspend_paths',
    '      set path $path $w',
    '    else',
    '      break',
    '    end',
    '  end',
    '  string join -- " " $path',
    'end',
    'function __tokenspend_is',
    '  set -l path (__tokenspend_path)',
    '  test "$path" = "$argv[1]"',
    'end',
    'function __tokenspend_csv',
    "  set -l pre (string replace -r '[^,]*$' '' -- (commandline -ct))",
    '  for v in $argv; echo $pre$v; end',
    'end',
    'complete -c tokenspend -f',
  ];
  const named = longLists(m);
  for (const [list, name] of named) lines.push(`function ${name}`, `  printf '%s\\n' ${list.map(fishQuote).join(' ')}`, 'end');
  for (const [path, kids] of children(m)) {
    for (const k of kids)
      lines.push(
        `complete -c tokenspend -n ${fishQuote(`__tokenspend_is ${fishQuote(path)}`)} -a ${fishQuote(k.name)} -d ${fq(k.description)}`,
      );
  }
  for (const c of m.commands) {
    for (const o of c.options) lines.push(fishOption(c, o, named));
    const a = c.argument;
    if (a)
      lines.push(
        `complete -c tokenspend -n ${fishQuote(fishCondition(c))}${a === 'file' ? ' -F' : a === 'any' ? '' : ` -a ${fishList(a.list, named)}`}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

export const COMPLETION_SCRIPTS: Record<'bash' | 'zsh' | 'fish', (m: CompletionModel) => string> = {
  bash: bashScript,
  zsh: zshScript,
  fish: fishScript,
};
