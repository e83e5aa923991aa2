import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { run, serve } from '../helpers/cli.js';

// A progress line is drawn only where a person watches: stderr a terminal. `script` (util-linux)
// gives the command a pseudo-terminal, as a shell would.

const servers: { close: () => Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function target() {
  let n = 0;
  const s = await serve((_req, res) => {
    n++;
    res.end(`llm_tokens_in{model="gpt-4o-mini"} ${1000 * n}\n`);
  });
  servers.push(s);
  return `${s.url}/metrics`;
}

/** Runs the binary under a pseudo-terminal (async: the test's own server must keep answering). */
function inTerminal(args: string[]): Promise<string> {
  const command = ['node', 'bin/tokenspend.js', ...args].map((a) => `'${a}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: { PATH: process.env.PATH, TZ: 'UTC', COLUMNS: '100' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${out}`))));
  });
}

describe('progress', () => {
  it('counts down the --interval wait on a terminal, then clears the line before the report', async () => {
    const out = await inTerminal(['report', '--scrape', await target(), '--interval', '2s', '--by', 'model']);
    expect(out).toContain('waiting 0:02 for the second scrape of 1 target (--interval)');
    expect(out).toContain('waiting 0:01 for the second scrape');
    // The line is erased, then the report starts on a clean line.
    expect(out).toMatch(/\r\u001b\[K(\u001b\[1m)?Cost report/);
    expect(out).toContain('1,000');
  });

  it('draws nothing with --quiet, or when stderr is not a terminal', async () => {
    const quiet = await inTerminal(['report', '--scrape', await target(), '--interval', '1s', '--quiet']);
    expect(quiet).not.toContain('waiting');
    expect(quiet).toContain('Cost report');
    const piped = await run(['report', '--scrape', await target(), '--interval', '1s']);
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
  });
});
