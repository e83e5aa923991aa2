import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

// zsh and fish completion in the real shells (Debian's zsh and fish; .ci/run installs them).

const dir = mkdtempSync(join(tmpdir(), 'tokenspend-shells-'));
const zsh = join(dir, '_tokenspend');
const fish = join(dir, 'tokenspend.fish');

beforeAll(async () => {
  const [z, f] = await Promise.all([run(['completion', 'zsh']), run(['completion', 'fish'])]);
  writeFileSync(zsh, z.stdout);
  writeFileSync(fish, f.stdout);
});

function shell(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('fish', () => {
  const complete = (line: string) =>
    shell('fish', ['--no-config', '-c', `source ${fish}; complete -C ${JSON.stringify(line)}`])
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t')[0]);

  it('completes commands, options, choices, --by lists and model ids', () => {
    expect(complete('tokenspend pricing ').sort()).toEqual(['diff', 'drift', 'import', 'list', 'show', 'validate']);
    expect(complete('tokenspend pricing import ').sort()).toEqual(['genai-prices', 'litellm']);
    expect(complete('tokenspend budget check --fail-on ')).toEqual(['breach', 'forecast', 'warn']);
    expect(complete('tokenspend report --by model,ga')).toEqual(['model,gateway']);
    expect(complete('tokenspend pricing show gpt-4o-mini-')).toContain('gpt-4o-mini-tts');
    expect(complete('tokenspend doctor --fi')).toEqual([]);
  });
});

describe('zsh', () => {
  /** Runs `_tokenspend` with zsh's completion helpers replaced by ones that print what they were given. */
  const offered = (...words: string[]) =>
    shell('zsh', [
      '-f',
      '-c',
      `_describe() { print -r -- "\${(P)2}" }; _arguments() { print -rl -- "$@" }; compdef() { : }; source ${zsh}; words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _tokenspend`,
    ]);

  it('parses, and hands _arguments the options, choices and values of the command being completed', () => {
    shell('zsh', ['-n', zsh]);
    expect(offered('tokenspend', 'pricing', '')).toMatch(/^list:.* show:.* validate:.* import:/);
    expect(offered('tokenspend', 'pricing', 'import', '')).toMatch(/^litellm:.* genai-prices:/);
    const budget = offered('tokenspend', 'budget', 'check', '--fail-on', '').split('\n');
    expect(budget).toContain('*--fail-on[also fail on a forecast breach or a warning]:fail-on:(breach forecast warn)');
    expect(budget).toContain('*--budgets[budgets file]:budgets:_files');
    expect(offered('tokenspend', 'report', '').split('\n')).toContain(
      '*--by[group by\\: model, provider, operation, gateway, dialect or any label]:by:_sequence compadd - model provider operation gateway dialect',
    );
    expect(offered('tokenspend', 'pricing', 'show', '').split('\n')).toContain('1:argument:compadd -a _tokenspend_list1');
  });
});
