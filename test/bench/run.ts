/**
 * `npm run bench`: measures tokenspend against baselines run on the same machine, in the same
 * run, and prints Markdown rows for BENCHMARKS.md. Sizes can be cut for a quick look:
 * `BENCH_LINES=200000 npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExpositionParser } from '../../src/sources/exposition.js';
import { writeBigExposition } from './exposition-gen.js';
import { writeFileHistory } from './file-history.js';
import { bestBaseline, simpleQuality, type Tally, teamQuality, writeTeamFile } from './forecast.js';
import { BENCH_DAYS, BENCH_START, benchPrometheus } from './prometheus.js';
import { tableBench } from './table.js';
import { depsBench } from './deps.js';
import { rulesBench } from './rules.js';
import { closedPort } from '../helpers/cli.js';
import { measureChild, median } from './measure.js';
import { scaleBench } from './scale.js';
import { outputBench } from './output.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(root, 'bin', 'tokenspend.js');
const lines = Number(process.env.BENCH_LINES ?? 1_000_000);
const work = join(tmpdir(), 'tokenspend-bench');
mkdirSync(work, { recursive: true });
const big = join(work, `big-${lines}.prom`);

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

/** `npm run bench -- prometheus` runs one part; no argument runs all. */
const parts = new Set(process.argv.slice(2));
const want = (part: string) => parts.size === 0 || parts.has(part);

async function prometheusBench(row: (what: string, value: string, baseline: string, ratio: string) => void): Promise<void> {
  const server = await benchPrometheus(work, await closedPort());
  try {
    const start = BENCH_START;
    const end = BENCH_START + BENCH_DAYS * 86_400_000;
    const since = new Date(start).toISOString();
    const until = new Date(end).toISOString();
    const naiveQuery = 'sum by (model) (increase(llm_tokens_in_total[30d])) + sum by (model) (increase(llm_tokens_out_total[30d]))';
    const baseline = async () => {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/v1/query`, {
        method: 'POST',
        body: new URLSearchParams({ query: naiveQuery, time: String(end / 1000) }),
      });
      const body = (await res.json()) as { status: string; data: { result: { value: [number, string] }[] } };
      if (body.status !== 'success') throw new Error(`baseline query failed: ${JSON.stringify(body).slice(0, 300)}`);
      return { ms: performance.now() - t0, total: body.data.result.reduce((a, r) => a + Number(r.value[1]), 0) };
    };
    const report = async (by: string) => {
      const r = await measureChild(`process.argv.splice(1, 0, 'tokenspend'); await import(${JSON.stringify(bin)});`, [
        'report',
        '--prometheus',
        server.url,
        '--since',
        since,
        '--until',
        until,
        '--step',
        '1d',
        '--by',
        by,
        '--format',
        'json',
      ]);
      const json = JSON.parse(r.out) as {
        totals: { tokens: { input: number; output: number } };
        source: { requests: { requests: number; bytes: number } }[];
        coverage: { series: number };
      };
      const src = json.source[0]?.requests ?? { requests: 0, bytes: 0 };
      return {
        ms: r.ms,
        rssMb: r.rssMb,
        requests: src.requests,
        bytes: src.bytes,
        total: json.totals.tokens.input + json.totals.tokens.output,
        series: json.coverage.series,
      };
    };
    await baseline(); // warm the page cache for both
    const b: number[] = [];
    const m: Awaited<ReturnType<typeof report>>[] = [];
    const a: Awaited<ReturnType<typeof report>>[] = [];
    let naiveTotal = 0;
    for (let i = 0; i < 3; i++) {
      const x = await baseline();
      b.push(x.ms);
      naiveTotal = x.total;
      m.push(await report('model'));
      a.push(await report('model,feature,gateway'));
    }
    const base = median(b);
    const mid = (xs: { ms: number }[]) => median(xs.map((x) => x.ms));
    const first = m[0] as Awaited<ReturnType<typeof report>>;
    const all = a[0] as Awaited<ReturnType<typeof report>>;
    row(
      `30-day daily report on Prometheus, \`--by model\` (${first.series} series, 86.4 M samples)`,
      `${(mid(m) / 1000).toFixed(2)} s, ${first.requests} requests, ${(first.bytes / 1e6).toFixed(2)} MB received`,
      `one \`sum by (model) (increase(…[30d]))\`: ${(base / 1000).toFixed(2)} s`,
      `${(mid(m) / base).toFixed(2)}×`,
    );
    row(
      '… `--by model,feature,gateway` (500 groups)',
      `${(mid(a) / 1000).toFixed(2)} s, ${all.requests} requests, ${(all.bytes / 1e6).toFixed(2)} MB received`,
      `same: ${(base / 1000).toFixed(2)} s`,
      `${(mid(a) / base).toFixed(2)}×`,
    );
    // The recipe users copy for daily numbers: increase(…[1d]) at each midnight, summed.
    const daily = await fetch(`${server.url}/api/v1/query_range`, {
      method: 'POST',
      body: new URLSearchParams({
        query: 'sum(increase(llm_tokens_in_total[1d])) + sum(increase(llm_tokens_out_total[1d]))',
        start: String(start / 1000 + 86_400),
        end: String(end / 1000),
        step: '86400',
      }),
    });
    const dailyBody = (await daily.json()) as { data: { result: { values: [number, string][] }[] } };
    const dailyTotal = (dailyBody.data.result[0]?.values ?? []).reduce((s2, [, v]) => s2 + Number(v), 0);
    const diff = (x: number) =>
      `${x - first.total >= 0 ? '+' : ''}${Math.round(x - first.total).toLocaleString('en-US')} tokens (${(((x - first.total) / first.total) * 100).toFixed(4)}%)`;
    row(
      'tokens counted over the 30 days (input + output), exact',
      first.total.toLocaleString('en-US'),
      `\`increase(…[30d])\`: ${diff(naiveTotal)}; 30 daily \`increase(…[1d])\`: ${diff(dailyTotal)}`,
      'tokenspend: integer, reset- and birth-aware',
    );
    // Budget check: one budget against twenty over different scopes, same periods.
    const one = join(work, 'budgets-1.yaml');
    const twenty = join(work, 'budgets-20.yaml');
    writeFileSync(one, 'budgets:\n  - name: m0\n    period: month\n    limit: 1000000\n    match: { gateway: gw-0 }\n');
    const lines = ['budgets:'];
    for (let i = 0; i < 20; i++)
      lines.push(
        `  - name: m${i}\n    period: month\n    limit: ${100000 + i}\n    match: { ${i % 2 ? 'model' : 'gateway'}: ${i % 2 ? `model-${i}` : `gw-${i % 5}`} }`,
      );
    writeFileSync(twenty, `${lines.join('\n')}\n`);
    const check = async (file: string) => {
      const r = await measureChild(
        `process.argv.splice(1, 0, 'tokenspend'); await import(${JSON.stringify(bin)});`,
        ['budget', 'check', '--budgets', file, '--prometheus', server.url, '--at', until, '--format', 'json', '--history', '28d'],
        true,
      );
      const j = JSON.parse(r.out) as { source: { requests: { requests: number; bytes: number } }[] };
      return { ms: r.ms, requests: j.source[0]?.requests.requests ?? 0 };
    };
    const c1 = await check(one);
    const c20 = await check(twenty);
    row(
      '`budget check`, 1 budget (30-day data, month period, 28 days of forecast history)',
      `${(c1.ms / 1000).toFixed(2)} s, ${c1.requests} requests`,
      '–',
      '–',
    );
    row(
      '… 20 budgets over 20 scopes (gateways and models)',
      `${(c20.ms / 1000).toFixed(2)} s, ${c20.requests} requests`,
      `1 budget: ${c1.requests} requests`,
      `${(c20.requests / c1.requests).toFixed(2)}× requests`,
    );
  } finally {
    await server.stop();
  }
}

/** Seeds the forecast was never tuned on (tuning used 1 and 2, and 101–106 for the issue-4 generator). */
const HELD_OUT = [11, 12, 13, 14];
const HELD_OUT_SIMPLE = [201, 202, 203, 204, 205, 206, 207, 208];

async function forecastBench(row: (what: string, value: string, baseline: string, ratio: string) => void): Promise<void> {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const quality = (label: string, t: Tally) => {
    const [name, best] = bestBaseline(t);
    const ours = (t.ape.tokenspend as number) / t.cases;
    row(
      label,
      `MAPE ${pct(ours)}, bias ${pct((t.signed.tokenspend as number) / t.cases)}, 80% interval held ${((t.covered / t.withInterval) * 100).toFixed(1)}%`,
      `best baseline: ${name} ${pct(best)} (oracle ${pct((t.ape.oracle as number) / t.cases)})`,
      `${(ours / best).toFixed(3)}×`,
    );
  };
  for (const [day, t] of teamQuality(HELD_OUT, [4, 8, 12, 16, 20, 24])) {
    quality(
      `month total as of day ${day}: \`teamSpend\`, seeds ${HELD_OUT.join(', ')} (${t.cases} team-months, ${t.refused} too young)`,
      t,
    );
  }
  quality(
    `month total as of day 16: \`spendSeries\` (issue 4), seeds ${HELD_OUT_SIMPLE[0]}–${HELD_OUT_SIMPLE.at(-1)}`,
    simpleQuality(HELD_OUT_SIMPLE),
  );
  // Speed: 60 teams × 84 days from a file, against reading the same file into a daily report.
  const file = join(work, 'teams-60x84.prom');
  const at = new Date(writeTeamFile(file, 60, 84, 60)).toISOString();
  const cli = (args: string[]) => measureChild(`process.argv.splice(1, 0, 'tokenspend'); await import(${JSON.stringify(bin)});`, args);
  const forecast: number[] = [];
  const report: number[] = [];
  for (let i = 0; i < 5; i++) {
    forecast.push((await cli(['forecast', '--file', file, '--by', 'team', '--format', 'json', '--at', at])).ms);
    report.push((await cli(['report', '--file', file, '--by', 'team', '--step', '1d', '--format', 'json'])).ms);
  }
  row(
    '`forecast --by team`, 60 teams × 84 days from a file (hourly samples), median of 5',
    `${(median(forecast) / 1000).toFixed(2)} s`,
    `\`report --by team --step 1d\` on the same file: ${(median(report) / 1000).toFixed(2)} s`,
    `${(median(forecast) / median(report)).toFixed(2)}×`,
  );
}

/** `tokenspend ARGS` in a fresh process: wall time and peak RSS (any exit code: reconcile gates). */
const tokenspend = (args: string[]) =>
  measureChild(`process.argv.splice(1, 0, 'tokenspend'); await import(${JSON.stringify(bin)});`, args, true);

/** A and B in turn, `runs` times after one warm-up each: medians of A/B per pair, and of each side. */
async function paired(a: (i: number) => string[], b: (i: number) => string[], runs: number) {
  await tokenspend(a(-1));
  await tokenspend(b(-1));
  const ratios: number[] = [];
  const as: number[] = [];
  const bs: number[] = [];
  const rss = { a: 0, b: 0 };
  for (let i = 0; i < runs; i++) {
    const x = await tokenspend(a(i));
    const y = await tokenspend(b(i));
    ratios.push(x.ms / y.ms);
    as.push(x.ms);
    bs.push(y.ms);
    rss.a = Math.max(rss.a, x.rssMb);
    rss.b = Math.max(rss.b, y.rssMb);
  }
  return { ratio: median(ratios), a: median(as), b: median(bs), rss };
}

/**
 * `npm run bench -- chargeback`: export and reconcile on the demo history against the report they
 * build on (same data, same grouping), fresh output files each run unless said otherwise.
 */
async function chargebackBench(row: (what: string, value: string, baseline: string, ratio: string) => void): Promise<void> {
  const demo = join(root, 'fixtures', 'demo', 'history.om.gz');
  const invoice = join(root, 'fixtures', 'reconcile', 'openai-costs.csv');
  const out = (name: string, i: number) => {
    const path = join(work, `chargeback-${name}-${i}.csv`);
    rmSync(path, { force: true });
    return path;
  };
  const day = ['--since', '2026-11-20T00:00:00Z', '--until', '2026-11-21T00:00:00Z'];
  const days = ['--since', '2026-11-18T00:00:00Z', '--until', '2026-11-21T00:00:00Z', '--step', '1d'];
  const runs = 7;
  const text = (r: Awaited<ReturnType<typeof paired>>, a: string, b: string) => ({
    value: `${a} ${(r.a / 1000).toFixed(2)} s, peak RSS ${r.rss.a.toFixed(0)} MB`,
    baseline: `${b} ${(r.b / 1000).toFixed(2)} s, peak RSS ${r.rss.b.toFixed(0)} MB`,
    ratio: `${r.ratio.toFixed(2)}×`,
  });
  const report = (i: number) => [
    'report',
    '--file',
    demo,
    ...day,
    '--by',
    'gateway,model',
    '--format',
    'csv',
    '--output',
    out('report', i),
  ];
  const fresh = await paired((i) => ['export', '--file', demo, '--by', 'gateway,model', '--output', out('export', i)], report, runs);
  const f = text(fresh, '`export`', '`report --format csv`');
  row('`export` of the last complete day into a new ledger, `--by gateway,model` (demo history, 13 weeks)', f.value, f.baseline, f.ratio);
  const kept = join(work, 'chargeback-kept.csv');
  rmSync(kept, { force: true });
  const again = await paired(() => ['export', '--file', demo, '--by', 'gateway,model', '--output', kept], report, runs);
  const g = text(again, 're-run', '`report --format csv`');
  row('… the same export again into that ledger (a no-op: not a byte written)', g.value, g.baseline, g.ratio);
  const focus = await paired(
    (i) => ['export', '--file', demo, '--by', 'feature', '--format', 'focus', '--billing-account-id', 'acme', '--output', out('focus', i)],
    (i) => ['export', '--file', demo, '--by', 'feature', '--output', out('ledger', i)],
    runs,
  );
  const h = text(focus, '`--format focus`', 'CSV ledger');
  row('`export --format focus --by feature` against the CSV ledger', h.value, h.baseline, h.ratio);
  const rec = await paired(
    () => ['reconcile', '--file', demo, '--invoice', invoice, ...days, '--format', 'json'],
    () => ['report', '--file', demo, ...days, '--by', 'model,provider', '--format', 'json'],
    runs,
  );
  const k = text(rec, '`reconcile --invoice`', '`report --by model,provider`');
  row('`reconcile --invoice` (OpenAI cost export, 3 days, `--step 1d`) against the report it compares', k.value, k.baseline, k.ratio);
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const row = (what: string, value: string, baseline: string, ratio: string) =>
    rows.push(`| ${what} | ${value} | ${baseline} | ${ratio} |`);
  if (want('parser') || want('report') || want('startup')) await fileBench(row);
  if (want('table')) await tableBench(work, row);
  if (want('deps')) depsBench(row);
  if (want('file')) {
    await fileHistoryBench(row, []);
    // Anchored to the data's last sample (no --now): read twice, streamed on the second pass.
    await fileHistoryBench(row, ['--window', '7d']);
  }
  if (want('forecast')) await forecastBench(row);
  if (want('prometheus')) await prometheusBench(row);
  if (want('scale')) await scaleBench(row, work, bin);
  if (want('output')) await outputBench(root, work, row);
  if (want('chargeback')) await chargebackBench(row);
  if (want('rules')) await rulesBench(work, bin, row);
  const node = process.version;
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown CPU';
  process.stdout.write(
    `\nNode ${node}, ${cpu}, ${new Date().toISOString().slice(0, 10)}\n\n| measure | tokenspend | baseline (same run) | ratio |\n|---|---|---|---|\n${rows.join('\n')}\n`,
  );
}

/**
 * `npm run bench -- file`: a report over a timestamped OpenMetrics history (1,000 series × 28
 * days by default; BENCH_FILE_SERIES, BENCH_FILE_DAYS), this build against a baseline build
 * (BENCH_BASELINE: a checkout of main with its dist built), in turn, BENCH_ROUNDS rounds (3):
 * throughput and peak RSS of each, and whether they report the same usage. Twice: over all the
 * data, and over `--window 7d` anchored to the data's last sample (read twice since this pass).
 */
async function fileHistoryBench(
  row: (what: string, value: string, baseline: string, ratio: string) => void,
  window: string[],
): Promise<void> {
  const count = Number(process.env.BENCH_FILE_SERIES ?? 1000);
  const days = Number(process.env.BENCH_FILE_DAYS ?? 28);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const path = join(work, `history-${count}x${days}d.om`);
  if (!existsSync(path)) {
    process.stderr.write(`generating ${path}…\n`);
    await writeFileHistory(path, count, days);
  }
  const mb = statSync(path).size / 1e6;
  const args = ['report', '--file', path, ...window, '--by', 'model', '--format', 'json'];
  const run = (binPath: string) => measureChild(`process.argv.splice(1, 0, 'tokenspend'); await import(${JSON.stringify(binPath)});`, args);
  const baseline = process.env.BENCH_BASELINE ? join(process.env.BENCH_BASELINE, 'bin', 'tokenspend.js') : undefined;
  type Run = { ms: number; cpuMs: number; rssMb: number };
  const ours: Run[] = [];
  const theirs: Run[] = [];
  let same = true;
  for (let i = 0; i < rounds; i++) {
    const a = await run(bin);
    ours.push(a);
    if (baseline) {
      const b = await run(baseline);
      theirs.push(b);
      same &&= JSON.stringify(usageOf(a.out)) === JSON.stringify(usageOf(b.out));
    }
    process.stderr.write(
      `file round ${i + 1}: ${(mb / (a.ms / 1000)).toFixed(0)} MB/s ${a.rssMb.toFixed(0)} MB${theirs[i] ? ` | baseline ${(mb / ((theirs[i] as { ms: number }).ms / 1000)).toFixed(0)} MB/s ${(theirs[i] as { rssMb: number }).rssMb.toFixed(0)} MB` : ''}\n`,
    );
  }
  // Wall time on a shared machine measures the neighbours too; CPU time (user + system) is the work done.
  const speed = (xs: Run[]) =>
    `wall ${xs.map((x) => (mb / (x.ms / 1000)).toFixed(0)).join(', ')} MB/s; CPU ${xs.map((x) => (mb / (x.cpuMs / 1000)).toFixed(0)).join(', ')} MB/s`;
  const rss = (xs: Run[]) => xs.map((x) => x.rssMb.toFixed(0)).join(', ');
  const med = (xs: Run[]) => median(xs.map((x) => x.cpuMs));
  row(
    `\`report --file${window.length > 0 ? ` ${window.join(' ')}` : ''}\` on a ${mb.toFixed(0)} MB timestamped OpenMetrics history (${count.toLocaleString('en-US')} series × ${days} days, 5-minute samples), MB/s per round`,
    `${speed(ours)}; peak RSS ${rss(ours)} MB`,
    theirs.length > 0 ? `baseline: ${speed(theirs)}; peak RSS ${rss(theirs)} MB` : 'no BENCH_BASELINE',
    theirs.length > 0 ? `${(med(theirs) / med(ours)).toFixed(2)}× less CPU (medians); ${same ? 'same usage' : 'USAGE DIFFERS'}` : '',
  );
}

/** The parts of a JSON report that must not change: rows, totals and coverage. */
function usageOf(out: string): unknown {
  const r = JSON.parse(out) as Record<string, unknown>;
  return { rows: r.rows, totals: r.totals, coverage: r.coverage, findings: r.findings };
}

async function fileBench(row: (what: string, value: string, baseline: string, ratio: string) => void): Promise<void> {
  if (!existsSync(big)) {
    process.stderr.write(`generating ${big} (${lines} lines)…\n`);
    await writeBigExposition(big, lines);
  }
  const mb = statSync(big).size / 1e6;

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
}

await main();
