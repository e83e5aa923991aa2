import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { exportCommand } from '../../src/commands/export.js';
import { reconcile } from '../../src/commands/reconcile.js';
import { runMain } from '../helpers/inprocess.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenspend-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `tokenspend …` commands of the ```sh blocks of a Markdown file, continuation lines joined. */
function shellCommands(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  return blocks
    .flatMap((b) => b.replace(/\\\n\s*/g, '').split('\n'))
    .map((l) => l.replace(/^\d+ \d+ \* \* \* /, '').trim())
    .filter((l) => l.startsWith('tokenspend '));
}

/** Splits a command line the way a shell would for these examples (single and double quotes). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? (m[3] as string));
}

const flagsOf = (options: readonly { flags: string }[]) =>
  new Set(options.map((o) => (o.flags.split(' ')[0] as string).replace(/^--no-/, '--')));

describe('docs/chargeback.md and the chargeback examples', () => {
  it('every command on the bundled data runs as printed (ledgers written to a temporary folder)', async () => {
    const local = shellCommands('docs/chargeback.md').filter((c) => c.includes('fixtures/'));
    expect(local.length).toBeGreaterThanOrEqual(4);
    for (const line of local) {
      const args = words(line).slice(1);
      const out = args.indexOf('--output');
      if (out >= 0) args[out + 1] = join(dir, args[out + 1] as string);
      const res = await runMain(args);
      // reconcile exits 1 on the walkthrough's mismatches, by design.
      expect([line, res.code]).toEqual([line, args[0] === 'reconcile' ? 1 : 0]);
    }
  });

  it('every flag the docs, the cron script and the CronJob give export and reconcile exists', () => {
    const known = { export: flagsOf(exportCommand.options), reconcile: flagsOf(reconcile.options) };
    const lines = [...shellCommands('docs/chargeback.md'), ...shellCommands('README.md')];
    lines.push(
      ...readFileSync('docs/examples/cron.sh', 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('tokenspend export')),
    );
    const [, job] = parseAllDocuments(readFileSync('docs/examples/chargeback-cronjob.yaml', 'utf8')).map((d) => d.toJS());
    const args = job.spec.jobTemplate.spec.template.spec.containers[0].args as string[];
    lines.push(`tokenspend ${args.join(' ')}`);
    let checked = 0;
    for (const line of lines) {
      const [, command, ...rest] = words(line);
      if (command !== 'export' && command !== 'reconcile') continue;
      for (const w of rest) if (w.startsWith('--')) expect([line, known[command].has(w)]).toEqual([line, true]);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });
});
