import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'tokenspend.js');

/** `tokenspend forecast …` and `tokenspend budget …` commands of the README's shell blocks, continuation lines joined. */
function readmeExamples(): string[] {
  const out: string[] = [];
  for (const block of readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)) {
    const text = (block[1] as string).replace(/\\\n\s*/g, '');
    for (const line of text.split('\n')) if (/^tokenspend (forecast|budget)\b/.test(line)) out.push(line);
  }
  return out;
}

/** The `Examples:` lines of a command's `--help`. */
async function helpExamples(command: string[]): Promise<string[]> {
  const help = (await run([...command, '--help'])).stdout;
  const section = help.split('Examples:\n')[1]?.split('\n\n')[0] ?? '';
  return section.split('\n').map((l) => l.trim());
}

/** Runs one example in a shell from the repository root, as a user would type it (with the built binary). */
function shell(example: string, summary: string): Promise<{ code: number | null; stderr: string }> {
  const line = example.replace(/^tokenspend /, `node ${BIN} `);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', line], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', TZ: 'UTC', COLUMNS: '160', GITHUB_STEP_SUMMARY: summary },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('every forecast and budget example in the README and in --help runs as printed on the bundled demo', async () => {
  const examples = [...readmeExamples(), ...(await helpExamples(['forecast'])), ...(await helpExamples(['budget', 'check']))].filter((e) =>
    e.includes('fixtures/demo/history.om.gz'),
  );
  const summary = join(mkdtempSync(join(tmpdir(), 'tokenspend-examples-')), 'summary.md');

  it('finds the examples (README: three forecasts, three budget checks; --help: two and two)', () => {
    expect(examples).toHaveLength(10);
  });

  it.each(examples)('%s', async (example) => {
    const r = await shell(example, summary);
    // The example budgets pass on the demo, except that platform's forecast is over its limit: a
    // failure only where the example asks for one.
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, r.stderr).toBe(example.includes('--fail-on forecast') ? 1 : 0);
  });
});
