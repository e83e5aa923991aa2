import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/index.js';
import { buildProgram } from '../../src/commands/program.js';
import { shellWords, tokenspendCommands } from '../helpers/shell.js';

// Every `tokenspend …` line in README.md, in docs/ (Markdown code blocks, example scripts and
// workflows), in action.yml and in each command's --help examples is parsed with the real
// command definitions: unknown options, missing values, bad choices and stray arguments fail.

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** Code blocks of a Markdown file (the text between ``` fences). */
function codeBlocks(markdown: string): string {
  return markdown
    .split(/^```.*$/m)
    .filter((_, i) => i % 2 === 1)
    .join('\n');
}

function documented(): { where: string; command: string }[] {
  const out: { where: string; command: string }[] = [];
  const sources = ['README.md', 'action.yml', ...files('docs').filter((f) => !f.endsWith('.json'))];
  for (const path of sources) {
    const text = readFileSync(path, 'utf8');
    // Markdown: its code blocks; scripts and YAML: all but comments.
    const code = path.endsWith('.md') ? codeBlocks(text) : text.replace(/(^|\s)#(?!!).*$/gm, '$1');
    // A usage synopsis (`[--flag …]`) says what may be given, not a command to run.
    for (const command of tokenspendCommands(code)) if (!/\[--/.test(command)) out.push({ where: path, command });
  }
  return out;
}

/** Parses one command line with the real program; returns commander's complaint, or undefined. */
async function complaint(words: string[]): Promise<string | undefined> {
  let err = '';
  const program = await buildProgram({
    version: '0.0.0',
    write: { writeOut: () => undefined, writeErr: (s) => (err += s) },
    helpAfter: '',
    load: () => true,
    action: async () => undefined,
  });
  try {
    await program.parseAsync(words.slice(1), { from: 'user' });
    return undefined;
  } catch (e) {
    if (e instanceof CommanderError && e.exitCode === 0) return undefined;
    return `${(e as Error).message} ${err}`.trim();
  }
}

describe('documented command lines', () => {
  const docs = documented();

  it('finds the examples (README tour, forecasts, budgets, CI examples)', () => {
    const commands = docs.map((d) => d.command);
    expect(docs.length).toBeGreaterThanOrEqual(30);
    expect(commands.some((c) => c.startsWith('tokenspend report --file fixtures/demo/history.om.gz --window 7d --by gateway,model'))).toBe(
      true,
    );
    expect(new Set(docs.map((d) => d.where))).toEqual(
      new Set([
        'README.md',
        'docs/chargeback.md',
        'docs/examples/cron.sh',
        'docs/examples/github-actions.yml',
        'docs/examples/gitlab-ci.yml',
        'docs/examples/cronjob.yaml',
        'docs/pricing.md',
      ]),
    );
  });

  it('parse with the real flags of their command', async () => {
    const bad: string[] = [];
    for (const { where, command } of docs) {
      const problem = await complaint(shellWords(command));
      if (problem) bad.push(`${where}: ${command}\n  → ${problem}`);
    }
    expect(bad).toEqual([]);
  });

  it("so do the commands' own --help examples", async () => {
    const bad: string[] = [];
    let n = 0;
    for (const entry of COMMANDS) {
      for (const example of (await entry.load()).examples) {
        n++;
        const problem = await complaint(shellWords(example));
        if (problem) bad.push(`${entry.name}: ${example}\n  → ${problem}`);
      }
    }
    expect(n).toBeGreaterThanOrEqual(15);
    expect(bad).toEqual([]);
  });

  it('a line that no longer parses is caught', async () => {
    expect(await complaint(shellWords('tokenspend report --by model --windw 7d'))).toContain("unknown option '--windw'");
    expect(await complaint(shellWords('tokenspend budget check --fail-on never # comment'))).toContain("'never' is invalid");
    expect(await complaint(shellWords('tokenspend report --format "json" | jq .totals'))).toBeUndefined();
  });
});

describe('shell words', () => {
  it('splits like a shell: quotes, variables, continuations, operators, comments', () => {
    expect(shellWords(`tokenspend report --header 'X-Scope-OrgID: acme' --since "$FROM" >> "$GITHUB_STEP_SUMMARY"`)).toEqual([
      'tokenspend',
      'report',
      '--header',
      'X-Scope-OrgID: acme',
      '--since',
      'VALUE',
    ]);
    const found = tokenspendCommands(
      '  run: |\n    tokenspend demo \\\n      --format html # the page\n    npx tokenspend doctor\n    cd tokenspend && echo "tokenspend x"',
    );
    expect(found.map(shellWords)).toEqual([
      ['tokenspend', 'demo', '--format', 'html'],
      ['tokenspend', 'doctor'],
    ]);
    expect(shellWords('tokenspend demo --format html # the page')).toEqual(['tokenspend', 'demo', '--format', 'html']);
  });
});
