import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/inprocess.js';
import { apply, mutation } from './mutate.js';

// `npm test` tries a short, seeded run; `npm run fuzz` a long one (FUZZ_RUNS, FUZZ_SEED).
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const DOCUMENTED = [0, 2, 3, 4];
/** `budget check` may also say a budget is breached. */
const allowed = (args: string[]) => (args[0] === 'budget' ? [1, ...DOCUMENTED] : DOCUMENTED);
const HANG_MS = 15_000;

const seeds: Buffer[] = [
  ...readdirSync('fixtures/dialects').map((f) => readFileSync(join('fixtures/dialects', f))),
  // The first 3,000 lines of the demo history: timestamps, a restart, births.
  Buffer.from(gunzipSync(readFileSync('fixtures/demo/history.om.gz')).toString('utf8').split('\n').slice(0, 3000).join('\n')),
];

const BUDGETS = join(import.meta.dirname, 'budgets.yaml');
const COMMANDS: string[][] = [
  ['report', '--file', '-', '--format', 'json'],
  ['report', '--file', '-', '--by', 'model,gateway', '--format', 'csv'],
  ['report', '--file', '-', '--by', 'team', '--format', 'markdown', '--strict'],
  ['report', '--file', '-', '--window', '7d', '--step', '1d', '--by', 'feature'],
  ['budget', 'check', '--budgets', BUDGETS, '--file', '-', '--format', 'json'],
  ['forecast', '--file', '-', '--force', '--by', 'gateway', '--format', 'json'],
];

async function exitCode(args: string[], stdin: Buffer): Promise<{ code: number | null; stderr: string }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<{ code: null; stderr: string }>((resolve) => {
    timer = setTimeout(() => resolve({ code: null, stderr: `no answer within ${HANG_MS} ms` }), HANG_MS);
  });
  const result = await Promise.race([runMain(args, { stdin }), hang]);
  clearTimeout(timer);
  return result;
}

describe('fuzzing the exposition parser and everything behind it', () => {
  it(
    `${RUNS} mutated inputs: every exit is a documented code (never 70), none hangs`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.nat(seeds.length - 1),
          fc.array(mutation, { minLength: 1, maxLength: 4 }),
          fc.nat(COMMANDS.length - 1),
          async (seed, mutations, command) => {
            const input = mutations.reduce((b, m) => apply(b, m), seeds[seed] as Buffer);
            const { code, stderr } = await exitCode(COMMANDS[command] as string[], input);
            if (!allowed(COMMANDS[command] as string[]).includes(code as number)) throw new Error(`exit ${code}: ${stderr.slice(0, 2000)}`);
          },
        ),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    },
    RUNS * 2_000 + 60_000,
  );

  it('every input kept in fixtures/fuzz (past findings) exits with a documented code', async () => {
    const corpus = readdirSync('fixtures/fuzz').filter((f) => !f.endsWith('.md'));
    expect(corpus.length).toBeGreaterThan(5);
    for (const f of corpus) {
      const input = readFileSync(join('fixtures/fuzz', f));
      for (const args of COMMANDS) {
        const { code, stderr } = await exitCode(args, input);
        expect({ file: f, args, code, stderr: code === 70 || code === null ? stderr : '' }).toEqual({
          file: f,
          args,
          code: expect.toSatisfy((c: number) => allowed(args).includes(c)),
          stderr: '',
        });
      }
    }
  }, 120_000);
});
