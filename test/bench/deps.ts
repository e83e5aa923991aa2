/**
 * What each runtime dependency costs: its install size (the package and the packages it pulls in,
 * from package-lock.json) and the start-up time of importing it in a fresh node, against
 * importing a node built-in (`node:util`, whose styleText replaced chalk), interleaved, medians.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

type Lock = Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }>;

function closure(lock: Lock, name: string, seen = new Set<string>()): Set<string> {
  const key = `node_modules/${name}`;
  if (seen.has(key) || !lock[key]) return seen;
  seen.add(key);
  for (const d of Object.keys({ ...lock[key].dependencies, ...lock[key].optionalDependencies })) closure(lock, d, seen);
  return seen;
}

function kib(paths: string[]): number {
  const r = spawnSync('du', ['-skc', ...paths], { encoding: 'utf8' });
  return Number(r.stdout.trim().split('\n').at(-1)?.split('\t')[0]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Rows for BENCHMARKS.md: one per runtime dependency, plus cli-table3 (what the table renderer replaced). */
export function depsBench(row: (what: string, value: string, baseline: string, ratio: string) => void, rounds = 31): void {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
  const lock = (JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Lock }).packages;
  const names = [...Object.keys(pkg.dependencies), 'cli-table3'];
  const code: Record<string, string> = { base: "await import('node:util')" };
  for (const n of names) code[n] = `await import('${n}')`;
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(code).map((k) => [k, []]));
  for (let i = 0; i < rounds; i++) {
    for (const [k, c] of Object.entries(code)) {
      const t0 = performance.now();
      spawnSync(process.execPath, ['--input-type=module', '-e', c]);
      times[k]?.push(performance.now() - t0);
    }
  }
  const base = median(times.base as number[]);
  for (const n of names) {
    const pkgs = [...closure(lock, n)];
    const extra = median(times[n] as number[]) - base;
    row(
      `dependency \`${n}\`${n === 'cli-table3' ? ' (before; now bench only)' : ''}`,
      `${(kib(pkgs) / 1024).toFixed(2)} MB installed (${pkgs.length} package${pkgs.length === 1 ? '' : 's'}); import +${extra.toFixed(0)} ms`,
      `\`import('node:util')\` ${base.toFixed(0)} ms`,
      `${(median(times[n] as number[]) / base).toFixed(2)}×`,
    );
  }
}
