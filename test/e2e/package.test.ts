import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/index.js';

// The package as a user installs it: packed, installed into an empty prefix, run from a directory
// that has nothing of ours. (`npm test` has just built dist/; `.ci/run` packs a fresh clone with
// its prepack build.)

const dir = mkdtempSync(join(tmpdir(), 'tokenspend-pack-'));
const prefix = join(dir, 'prefix');
const elsewhere = join(dir, 'elsewhere');
const env = { PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, HOME: dir, NO_COLOR: '1', TZ: 'UTC', COLUMNS: '100' };
let packed: { filename: string; size: number; files: { path: string }[] };

/** Runs a command line in bash from the directory with nothing of ours (async: many at once). */
function sh(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { cwd: elsewhere, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(() => {
  mkdirSync(elsewhere, { recursive: true });
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { encoding: 'utf8' });
  packed = JSON.parse(out.slice(out.indexOf('[')))[0];
  execFileSync(
    'npm',
    ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(dir, packed.filename)],
    {
      stdio: 'ignore',
    },
  );
}, 120_000);

// Each test below starts a dozen or more processes at once: on a shared, loaded machine that
// takes longer than the suite's default 30 s (a timeout, not a speed check).
describe('the packed package', () => {
  it('ships the build, prices, licence, demo history and the files its examples name; no sources or tests', async () => {
    const files = packed.files.map((f) => f.path);
    for (const f of ['bin/tokenspend.js', 'dist/cli.js', 'dist/pricing/default.json', 'LICENSE', 'README.md', 'pricing/default.yaml'])
      expect(files).toContain(f);
    // Every file a --help example names.
    const named = new Set<string>();
    for (const entry of COMMANDS) {
      for (const e of (await entry.load()).examples)
        for (const m of e.matchAll(/(?:^|[\s=])((?:fixtures|docs\/examples|pricing)\/[\w./-]+)/g)) named.add(m[1] as string);
    }
    expect([...named]).toContain('fixtures/demo/history.om.gz');
    for (const f of named) expect(files, f).toContain(f);
    expect(files.filter((f) => /^(src|test|dist-test)\//.test(f) || f.endsWith('.ts'))).toEqual([]);
    expect(readFileSync('LICENSE', 'utf8')).toContain('Apache License\n                           Version 2.0, January 2004');
    // Small: the demo history is most of it.
    expect(packed.size).toBeLessThan(2_000_000);
  });

  it('runs `tokenspend --help` and `tokenspend demo` from another directory', async () => {
    const [help, demo] = await Promise.all([sh('tokenspend --help'), sh('tokenspend demo')]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('demo [options]');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/│ Total +│/);
    // The next steps it prints run as printed.
    const next = demo.stdout.split('Next, on the same data')[1] ?? '';
    const commands = next
      .replace(/\\\n\s*/g, '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('tokenspend '));
    expect(commands).toHaveLength(3);
    const results = await Promise.all(commands.map(sh));
    results.forEach((r, i) => expect([0, 1], `${commands[i]}\n${r.stderr}`).toContain(r.code));
  }, 180_000);

  it('runs every --help example that needs no server, as printed, from another directory', async () => {
    const helps = await Promise.all(COMMANDS.map((entry) => sh(`tokenspend ${entry.name} --help`)));
    const examples: string[] = [];
    for (const help of helps) {
      expect(help.code).toBe(0);
      const block = help.stdout.split('Examples:\n')[1]?.split('\n\n')[0] ?? '';
      examples.push(...block.split('\n').map((l) => l.trim()));
    }
    // Those that read shipped files (or nothing): the others need a server or the user's own files.
    const needsServer = (e: string) =>
      /--prometheus|--scrape/.test(e) || (/^tokenspend (report|forecast|budget check|doctor)\b/.test(e) && !e.includes('--file '));
    const usersOwnFile = (e: string) => /my-prices\.yaml|--budgets budgets\.yaml/.test(e);
    // Redirections write into the user's shell set-up (completion scripts): not run here.
    const local = examples.filter((e) => e.startsWith('tokenspend ') && !needsServer(e) && !usersOwnFile(e) && !e.includes('>'));
    expect(local.length).toBeGreaterThanOrEqual(8);
    const results = await Promise.all(local.map(sh));
    results.forEach((r, i) => {
      const e = local[i] as string;
      // 1 from a gate: the example company prices drift from LiteLLM's, and the reconcile fixtures
      // (LiteLLM's spend, an OpenAI cost export) differ from our costs, as they are meant to (the
      // example budgets file passes on the demo data).
      const ok = r.code === 0 || (r.code === 1 && /^tokenspend (pricing drift|reconcile) /.test(e));
      expect(ok, `${e}: exit ${r.code}\n${r.stderr}`).toBe(true);
    });
  }, 180_000);
});
