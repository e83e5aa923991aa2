/**
 * `npm run bench -- output`: building and writing a report of 300k rows (50k groups of model ×
 * feature × team, 6 daily buckets) as JSON and CSV to `--output`, this build against the renderers
 * before streaming (commit BASELINE_COMMIT, extracted with `git archive` and built in the bench's
 * temp folder; `BENCH_BASELINE=/path/to/checkout` uses a built checkout instead), in fresh
 * processes, alternating, several rounds. Both must write the same bytes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** main before report output streamed: buildCostReport and the whole-string JSON and CSV renderers. */
export const BASELINE_COMMIT = '5ac1e608b72ec5cc66c94060b730bcd24b6c7856';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GROUPS = Number(process.env.BENCH_OUTPUT_GROUPS ?? 50_000);
const DAYS = 6;

type Row = (what: string, value: string, baseline: string, ratio: string) => void;

interface Run {
  buildMs: number;
  writeMs: number;
  rssMb: number;
  rows: number;
  bytes: number;
  sha: string;
}

/** A built checkout of the baseline commit (cached in the bench folder). */
function baselineCheckout(root: string, work: string): string {
  if (process.env.BENCH_BASELINE) return process.env.BENCH_BASELINE;
  const dir = join(work, `baseline-${BASELINE_COMMIT.slice(0, 12)}`);
  if (existsSync(join(dir, 'dist', 'cost', 'report.js'))) return dir;
  process.stderr.write(`building the baseline (${BASELINE_COMMIT.slice(0, 12)}) in ${dir}…\n`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const sh = (cmd: string, cwd: string) => {
    const r = spawnSync('sh', ['-c', cmd], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status})`);
  };
  sh(`git archive ${BASELINE_COMMIT} | tar -x -C '${dir}'`, root);
  sh('npm ci --silent && npm run build --silent', dir);
  return dir;
}

/** One fresh process: build the report from generated usage with `impl`'s code, write it as `format` to a file the way `--output` does. */
function measure(root: string, impl: string, format: string, out: string, groups: number): Promise<Run> {
  const gen = join(root, 'dist-test', 'test', 'bench', 'output-gen.js');
  const code = `
    const [impl, gen, format, out, groups, days] = process.argv.slice(1);
    const { outputUsage, outputCostOptions } = await import(gen);
    const { buildCostReport } = await import(impl + '/dist/cost/report.js');
    const { loadPriceBook } = await import(impl + '/dist/pricing/load.js');
    const { REPORT_RENDERERS } = await import(impl + '/dist/render/report/index.js');
    const { writeAtomic } = await import(impl + '/dist/files/write.js');
    const size = { groups: Number(groups), days: Number(days) };
    const usage = outputUsage(size);
    const book = await loadPriceBook([], {});
    let t = performance.now();
    const report = buildCostReport(usage, book, outputCostOptions(size));
    const buildMs = performance.now() - t;
    t = performance.now();
    await writeAtomic(out, REPORT_RENDERERS[format](report, { color: false, width: 120, decimals: undefined }));
    const writeMs = performance.now() - t;
    process.stdout.write(JSON.stringify({ buildMs, writeMs, rows: report.rows.length, rssMb: process.resourceUsage().maxRSS / 1024 }));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code, '--', impl, gen, format, out, String(groups), String(DAYS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
    });
    child.on('error', reject);
    child.on('close', (status) => {
      if (status !== 0) return reject(new Error(`${impl} ${format}: exit ${status}`));
      const file = readFileSync(out);
      const sha = createHash('sha256').update(file).digest('hex');
      rmSync(out);
      resolve({ ...(JSON.parse(text) as Omit<Run, 'bytes' | 'sha'>), bytes: file.length, sha });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The baseline's name in the table: its commit (a `BENCH_BASELINE` checkout's own, where git can tell). */
function baselineName(dir: string): string {
  if (!process.env.BENCH_BASELINE) return BASELINE_COMMIT.slice(0, 7);
  const r = spawnSync('git', ['-C', dir, 'rev-parse', '--short=7', 'HEAD'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : dir;
}

export async function outputBench(root: string, work: string, row: Row): Promise<void> {
  const base = baselineCheckout(root, work);
  const name = baselineName(base);
  // A tenth of the size too: time per row that stays flat from 30k to 300k rows is linear.
  for (const groups of [GROUPS / 10, GROUPS]) {
    for (const format of ['json', 'csv']) {
      const ours: Run[] = [];
      const old: Run[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        old.push(await measure(root, base, format, join(work, `output-old.${format}`), groups));
        ours.push(await measure(root, root, format, join(work, `output-new.${format}`), groups));
      }
      outputRow(row, format, groups, ours, old, name);
    }
  }
}

function outputRow(row: Row, format: string, groups: number, ours: Run[], old: Run[], name: string): void {
  const o = ours[0] as Run;
  for (const r of [...ours, ...old]) {
    if (r.sha !== o.sha || r.rows !== o.rows) throw new Error(`${format}: the output differs from the baseline's`);
  }
  const total = (xs: Run[]) => median(xs.map((x) => x.buildMs + x.writeMs));
  const perRow = (xs: Run[]) => `${((total(xs) * 1000) / o.rows).toFixed(1)} µs/row`;
  const part = (xs: Run[]) => `build ${s(median(xs.map((x) => x.buildMs)))} + write ${s(median(xs.map((x) => x.writeMs)))}`;
  const rss = (xs: Run[]) => Math.max(...xs.map((x) => x.rssMb)).toFixed(0);
  row(
    `\`report --format ${format} --output\`, ${o.rows.toLocaleString('en-US')} rows (${groups.toLocaleString('en-US')} groups × ${DAYS} days, ${(o.bytes / 1e6).toFixed(0)} MB, same bytes as the baseline)`,
    `${s(total(ours))} (${part(ours)}; ${perRow(ours)}), peak RSS ${rss(ours)} MB`,
    `${name}: ${s(total(old))} (${part(old)}; ${perRow(old)}), peak RSS ${rss(old)} MB`,
    `${(total(old) / total(ours)).toFixed(2)}× faster, ${(Number(rss(old)) / Number(rss(ours))).toFixed(2)}× less memory`,
  );
}
