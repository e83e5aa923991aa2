/**
 * Loads the scale data (`scale-data.ts`) into a real server once and keeps it in the bench folder:
 * VictoriaMetrics through its JSON import API (a line per series, streamed), Prometheus by a
 * promtool backfill of an OpenMetrics file. Later runs start the server on the kept data.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SCALE_START, scaleSeries } from './scale-data.js';

const exec = promisify(execFile);

export interface ScaleServer {
  url: string;
  /** Seconds it took to load the data (0 when it was already there). */
  loadSeconds: number;
  /** CPU time (user + system, every thread) the server has used so far, in ms; NaN where /proc cannot tell. */
  cpuMs: () => number;
  stop: () => Promise<void>;
}

let ticksPerSecond: number | undefined;

/** A process's CPU time from `/proc/PID/stat` (utime + stime, in clock ticks, for all its threads). */
function cpuOf(child: ChildProcess): () => number {
  return () => {
    try {
      ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      // The fields after the command name (which may hold spaces) start at the state, field 3.
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
    } catch {
      return Number.NaN;
    }
  };
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  };
}

/** VictoriaMetrics single-node with `count` series, imported on first use. */
export async function scaleVictoriaMetrics(work: string, count: number, port: number): Promise<ScaleServer> {
  const dir = join(work, `scale-vm-${count}`);
  const ready = existsSync(join(dir, 'ready'));
  if (!ready) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    'victoria-metrics',
    [
      `-storageDataPath=${join(dir, 'data')}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      '-retentionPeriod=100y',
      '-loggerLevel=ERROR',
      // The baseline's increase(…[30d]) reads every sample at once.
      '-search.maxSamplesPerQuery=2000000000',
      '-search.maxUniqueTimeseries=10000000',
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/health`, child);
  let loadSeconds = 0;
  if (!ready) {
    log(`importing ${count} series × 30 days into VictoriaMetrics…`);
    const t0 = performance.now();
    await importJson(`${url}/api/v1/import`, count);
    await fetch(`${url}/internal/force_flush`);
    await waitForSeries(url, count);
    loadSeconds = (performance.now() - t0) / 1000;
    log(`imported in ${loadSeconds.toFixed(0)} s`);
    writeFileSync(join(dir, 'ready'), `${loadSeconds.toFixed(1)}\n`);
  }
  return { url, loadSeconds, cpuMs: cpuOf(child), stop: stopper(child) };
}

/** Streams one JSON line per series into VictoriaMetrics' import API. */
async function importJson(url: string, count: number): Promise<void> {
  const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } });
  const done = new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () =>
        res.statusCode === 204 || res.statusCode === 200 ? resolve() : reject(new Error(`import: ${res.statusCode} ${body}`)),
      );
    });
    req.on('error', reject);
  });
  for (const s of scaleSeries(count)) {
    const line = `{"metric":${JSON.stringify({ __name__: s.name, ...s.labels })},"values":[${s.values.join(',')}],"timestamps":[${s.times.join(',')}]}\n`;
    if (!req.write(line)) await once(req, 'drain');
  }
  req.end();
  await done;
}

async function waitForSeries(url: string, count: number): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    const q = new URLSearchParams({ query: 'count({__name__=~"llm_tokens_(in|out)_total"})', time: String(SCALE_START / 1000 + 86_400) });
    const body = (await (await fetch(`${url}/api/v1/query?${q}`)).json()) as { data: { result: { value: [number, string] }[] } };
    // Series born later (model-19) are not there yet on day 1: wait for the others.
    if (Number(body.data.result[0]?.value[1] ?? 0) >= count * 0.9) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('imported series did not become searchable');
}

/** Prometheus with `count` series, backfilled by promtool on first use. */
export async function scalePrometheus(work: string, count: number, port: number): Promise<ScaleServer> {
  const dir = join(work, `scale-prom-${count}`);
  const data = join(dir, 'data');
  let loadSeconds = 0;
  if (!existsSync(join(dir, 'ready'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const om = join(dir, 'history.om');
    log(`writing ${count} series × 30 days as OpenMetrics…`);
    const t0 = performance.now();
    await writeOpenMetrics(om, count);
    log('backfilling with promtool…');
    await exec('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=744h', om, data], { maxBuffer: 64 << 20 });
    rmSync(om);
    loadSeconds = (performance.now() - t0) / 1000;
    log(`loaded in ${loadSeconds.toFixed(0)} s`);
    writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
    writeFileSync(join(dir, 'ready'), `${loadSeconds.toFixed(1)}\n`);
  }
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=100y',
      '--query.max-samples=2000000000',
      '--log.level=error',
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/-/ready`, child);
  return { url, loadSeconds, cpuMs: cpuOf(child), stop: stopper(child) };
}

async function writeOpenMetrics(path: string, count: number): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 22 });
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('# TYPE llm_tokens_in counter\n# TYPE llm_tokens_out counter\n');
  for (const s of scaleSeries(count)) {
    const head = `${s.name}{${Object.entries(s.labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',')}} `;
    let buf = '';
    for (let i = 0; i < s.times.length; i++) buf += `${head}${s.values[i]} ${(s.times[i] as number) / 1000}\n`;
    await write(buf);
  }
  await write('# EOF\n');
  out.end();
  await once(out, 'finish');
}
