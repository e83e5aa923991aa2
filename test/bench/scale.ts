/**
 * `npm run bench -- scale`: 30-day daily reports on real servers holding the scale data
 * (`scale-data.ts`: 20 models × 10 features × 50 teams × 10 gateways, 5-minute samples, a launch,
 * a restart and a team that stops), against the wall time of one baseline query answering
 * `sum by (model) (increase(in[30d])) + sum by (model) (increase(out[30d]))`. Each round runs the
 * baseline, `--by model` and `--by model,feature,team` back to back; the series-by-series path
 * (`--per-series`) runs once for its bytes and memory. Every report is checked against the
 * generator's truth per model. The CPU time of the server (from `/proc`) and of the report's
 * process is measured too: on a machine that runs both, their sum over the cores bounds the wall
 * time from below. `BENCH_SCALE=prom:1000,vm:10000` picks data sets (default: the
 * issue's four); loading is done once and kept in the bench folder.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { closedPort } from '../helpers/cli.js';
import { measureChild, median } from './measure.js';
import { SCALE_DAYS, SCALE_START, scaleSeries } from './scale-data.js';
import { scalePrometheus, scaleVictoriaMetrics, type ScaleServer } from './scale-servers.js';

type Row = (what: string, value: string, baseline: string, ratio: string) => void;

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SINCE = new Date(SCALE_START).toISOString();
const UNTIL = new Date(SCALE_START + SCALE_DAYS * 86_400_000).toISOString();
const BASELINE = 'sum by (model) (increase(llm_tokens_in_total[30d])) + sum by (model) (increase(llm_tokens_out_total[30d]))';

/** Tokens per model the generator put in the window (kept next to the data: 50k series take a while). */
function truthByModel(work: string, count: number): Record<string, number> {
  const file = join(work, `scale-truth-${count}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
  const truth: Record<string, number> = {};
  for (const s of scaleSeries(count)) truth[s.labels.model as string] = (truth[s.labels.model as string] ?? 0) + s.used;
  writeFileSync(file, JSON.stringify(truth));
  return truth;
}

interface Run {
  ms: number;
  /** CPU time of the report's process, and of the server while it ran. */
  cpuMs: number;
  serverCpuMs: number;
  rssMb: number;
  requests: number;
  bytes: number;
  byModel: Record<string, number>;
}

async function report(bin: string, server: ScaleServer, by: string, extra: string[] = []): Promise<Run> {
  const url = server.url;
  const args = [
    'report',
    '--prometheus',
    url,
    '--since',
    SINCE,
    '--until',
    UNTIL,
    '--step',
    '1d',
    '--by',
    by,
    '--format',
    'json',
    '--timeout',
    '10m',
    ...extra,
  ];
  const cpu0 = server.cpuMs();
  const r = await measureChild(`process.argv.splice(1, 0, 'tokenspend'); await import(${JSON.stringify(bin)});`, args);
  const serverCpuMs = server.cpuMs() - cpu0;
  const json = JSON.parse(r.out) as {
    rows: { group: { model: string }; tokens: { input: number; output: number } }[];
    source: { requests: { requests: number; bytes: number } }[];
  };
  const byModel: Record<string, number> = {};
  for (const row of json.rows) byModel[row.group.model] = (byModel[row.group.model] ?? 0) + row.tokens.input + row.tokens.output;
  const src = json.source[0]?.requests ?? { requests: 0, bytes: 0 };
  return { ms: r.ms, cpuMs: r.cpuMs, serverCpuMs, rssMb: r.rssMb, requests: src.requests, bytes: src.bytes, byModel };
}

/** The baseline query's wall time and the server's CPU time for it. */
async function baseline(server: ScaleServer): Promise<{ ms: number; serverCpuMs: number }> {
  const url = server.url;
  const cpu0 = server.cpuMs();
  const t0 = performance.now();
  const end = (SCALE_START + SCALE_DAYS * 86_400_000) / 1000;
  const res = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    body: new URLSearchParams({ query: BASELINE, time: String(end), nocache: '1' }),
  });
  const body = (await res.json()) as { status: string };
  if (body.status !== 'success') throw new Error(`baseline query failed: ${JSON.stringify(body).slice(0, 300)}`);
  return { ms: performance.now() - t0, serverCpuMs: server.cpuMs() - cpu0 };
}

function exact(run: Run, truth: Record<string, number>, what: string): void {
  for (const [model, tokens] of Object.entries(truth)) {
    if (run.byModel[model] !== tokens) throw new Error(`${what}: ${model} has ${run.byModel[model]} tokens, the truth is ${tokens}`);
  }
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e6 ? 2 : 1)} MB`;

async function oneSet(row: Row, work: string, bin: string, kind: 'prom' | 'vm', count: number): Promise<void> {
  const port = await closedPort();
  const server: ScaleServer = kind === 'vm' ? await scaleVictoriaMetrics(work, count, port) : await scalePrometheus(work, count, port);
  const name = `${kind === 'vm' ? 'VictoriaMetrics' : 'Prometheus'}, ${count.toLocaleString('en-US')} series`;
  try {
    const truth = truthByModel(work, count);
    await baseline(server); // the page cache warm for everyone
    const b: { ms: number; serverCpuMs: number }[] = [];
    const m: Run[] = [];
    const a: Run[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      b.push(await baseline(server));
      m.push(await report(bin, server, 'model'));
      a.push(await report(bin, server, 'model,feature,team'));
    }
    const per = await report(bin, server, 'model', ['--per-series']);
    for (const r of [...m, ...a, per]) exact(r, truth, name);
    const base = median(b.map((x) => x.ms));
    const t = (xs: Run[]) => median(xs.map((x) => x.ms));
    const peak = (xs: Run[]) => Math.max(...xs.map((x) => x.rssMb));
    const first = m[0] as Run;
    const wide = a[0] as Run;
    row(
      `${name}: \`--by model\` (exact to the truth per model)`,
      `${(t(m) / 1000).toFixed(2)} s, ${first.requests} requests, ${mb(first.bytes)} received, peak RSS ${peak(m).toFixed(0)} MB`,
      `baseline ${(base / 1000).toFixed(2)} s; \`--per-series\` ${(per.ms / 1000).toFixed(2)} s, ${mb(per.bytes)}, ${per.rssMb.toFixed(0)} MB`,
      `${(t(m) / base).toFixed(2)}× baseline; ${(per.bytes / first.bytes).toFixed(0)}× fewer bytes than per series`,
    );
    row(
      `${name}: \`--by model,feature,team\``,
      `${(t(a) / 1000).toFixed(2)} s, ${wide.requests} requests, ${mb(wide.bytes)} received, peak RSS ${peak(a).toFixed(0)} MB`,
      `baseline ${(base / 1000).toFixed(2)} s`,
      `${(t(a) / base).toFixed(2)}×`,
    );
    cpuRow(row, name, base, b, m, a);
    if (server.loadSeconds > 0) row(`${name}: loading the data`, `${server.loadSeconds.toFixed(0)} s`, '–', '–');
  } finally {
    await server.stop();
  }
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * Where the time goes on a machine that runs both the server and the report: CPU time (user +
 * system, medians) of the server and of the report's process. With every core busy throughout,
 * a report can take no less than their sum over the cores; that floor, over the baseline's wall
 * time, is the least ratio this machine allows for that much work.
 */
function cpuRow(row: Row, name: string, base: number, b: { serverCpuMs: number }[], m: Run[], a: Run[]): void {
  const cores = availableParallelism();
  const part = (xs: Run[], what: string) => {
    const server = median(xs.map((x) => x.serverCpuMs));
    const client = median(xs.map((x) => x.cpuMs));
    return `${what}: server ${sec(server)} + report ${sec(client)} (floor ${((server + client) / cores / base).toFixed(2)}×)`;
  };
  row(
    `${name}: CPU time (${cores} cores shared by server and report)`,
    `${part(m, '`--by model`')}; ${part(a, 'wide')}`,
    `baseline: server ${sec(median(b.map((x) => x.serverCpuMs)))} in ${sec(base)}`,
    '–',
  );
}

export async function scaleBench(row: Row, work: string, bin: string): Promise<void> {
  const sets = (process.env.BENCH_SCALE ?? 'prom:1000,prom:10000,vm:10000,vm:50000').split(',');
  for (const set of sets) {
    const [kind, n] = set.split(':');
    if ((kind !== 'prom' && kind !== 'vm') || !Number.isInteger(Number(n)))
      throw new Error(`BENCH_SCALE: expected prom:N or vm:N, got ${set}`);
    await oneSet(row, work, bin, kind, Number(n));
  }
}
