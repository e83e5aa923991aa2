/**
 * `npm run bench`: measures tokenspend against baselines run on the same machine, in the same
 * run, and prints Markdown rows for BENCHMARKS.md. Sizes can be cut for a quick look:
 * `BENCH_LINES=200000 npm run bench`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExpositionParser } from '../../src/sources/exposition.js';
import { writeBigExposition } from './exposition-gen.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(root, 'bin', 'tokenspend.js');
const lines = Number(process.env.BENCH_LINES ?? 1_000_000);
const work = join(tmpdir(), 'tokenspend-bench');
mkdirSync(work, { recursive: true });
const big = join(work, `big-${lines}.prom`);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Runs a Node script in a child and returns wall time and the child's own peak RSS (MB). */
function measureChild(code: string, args: string[] = []): Promise<{ ms: number; rssMb: number; out: string }> {
  const wrapper = `const t0 = performance.now(); process.on('exit', () => { process.stderr.write('\\nBENCH ' + (performance.now() - t0) + ' ' + process.resourceUsage().maxRSS + '\\n'); }); ${code}`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', wrapper, '--', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (status) => {
      const m = /BENCH (\S+) (\d+)/.exec(err);
      if (!m || status !== 0) return reject(new Error(`child failed (${status}): ${err.slice(0, 500)}`));
      resolve({ ms: Number(m[1]), rssMb: Number(m[2]) / 1024, out });
    });
  });
}

async function parserThroughput(path: string): Promise<number> {
  let n = 0;
  const p = new ExpositionParser({ onSample: () => n++ });
  const t0 = performance.now();
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) p.push(chunk as Buffer);
  p.end();
  const s = (performance.now() - t0) / 1000;
  if (n === 0) throw new Error('parsed nothing');
  return statSync(path).size / 1e6 / s;
}

function startup(args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function main(): Promise<void> {
  if (!existsSync(big)) {
    process.stderr.write(`generating ${big} (${lines} lines)…\n`);
    await writeBigExposition(big, lines);
  }
  const mb = statSync(big).size / 1e6;
  const rows: string[] = [];
  const row = (what: string, value: string, baseline: string, ratio: string) =>
    rows.push(`| ${what} | ${value} | ${baseline} | ${ratio} |`);

  // 1. Parser alone, in-process, streaming (best of 3), against parse-prometheus-text-format.
  const ours = Math.max(await parserThroughput(big), await parserThroughput(big), await parserThroughput(big));
  const ppt = await measureChild(
    `import { readFileSync } from 'node:fs'; import parse from 'parse-prometheus-text-format'; const text = readFileSync(process.argv[1], 'utf8'); const t = performance.now(); const r = parse(text); process.stdout.write(String((performance.now() - t)) + ' ' + r.length);`,
    [big],
  );
  const pptMs = Number(ppt.out.split(' ')[0]);
  const pptMbs = mb / (pptMs / 1000);
  row(
    `parser throughput, ${mb.toFixed(0)} MB exposition (${lines.toLocaleString('en-US')} lines)`,
    `${ours.toFixed(0)} MB/s`,
    `parse-prometheus-text-format ${pptMbs.toFixed(0)} MB/s`,
    `${(ours / pptMbs).toFixed(1)}× faster`,
  );

  // 2. The whole report on that file, in a fresh process: wall time and peak RSS.
  const report = await measureChild(`process.argv.splice(1, 0, 'tokenspend'); await import(${JSON.stringify(bin)});`, [
    'report',
    '--file',
    big,
    '--by',
    'model',
    '--format',
    'json',
  ]);
  const json = JSON.parse(report.out) as { coverage: { series: number } };
  row(
    `\`tokenspend report --file big.prom --by model\` (${json.coverage.series.toLocaleString('en-US')} token series)`,
    `${(report.ms / 1000).toFixed(2)} s, peak RSS ${report.rssMb.toFixed(0)} MB`,
    `parse-prometheus-text-format alone: ${(pptMs / 1000).toFixed(2)} s parse, peak RSS ${ppt.rssMb.toFixed(0)} MB`,
    `${(ppt.rssMb / report.rssMb).toFixed(1)}× less memory`,
  );

  // 3. Start-up: --help and --version against bare `node -e 0`, interleaved.
  const runs = 25;
  const base: number[] = [];
  const help: number[] = [];
  const version: number[] = [];
  for (let i = 0; i < 3; i++) {
    base.push(startup(['-e', '0'], runs));
    help.push(startup([bin, '--help'], runs));
    version.push(startup([bin, '--version'], runs));
  }
  const b = median(base);
  row(
    '`tokenspend --help` start-up',
    `${median(help).toFixed(0)} ms`,
    `\`node -e 0\` ${b.toFixed(0)} ms`,
    `${(median(help) / b).toFixed(2)}×`,
  );
  row(
    '`tokenspend --version` start-up',
    `${median(version).toFixed(0)} ms`,
    `\`node -e 0\` ${b.toFixed(0)} ms`,
    `${(median(version) / b).toFixed(2)}×`,
  );

  const node = process.version;
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown CPU';
  process.stdout.write(
    `\nNode ${node}, ${cpu}, ${new Date().toISOString().slice(0, 10)}\n\n| measure | tokenspend | baseline (same run) | ratio |\n|---|---|---|---|\n${rows.join('\n')}\n`,
  );
}

await main();
