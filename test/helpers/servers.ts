import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type History, openMetricsLines } from '../generators/history.js';
import { closedPort } from './cli.js';

const exec = promisify(execFile);

export interface RunningServer {
  url: string;
  stop: () => Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${log()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} did not become ready: ${log()}`);
}

/**
 * Runs `cmd` until `readyUrl` answers 200; `stop` ends it (SIGTERM, then waits for the exit) and
 * removes `dir` when one is given (a server restarted on the same data keeps its directory).
 */
export function startProcess(cmd: string, args: string[], readyUrl: string, base: string, dir?: string): Promise<RunningServer> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  return waitReady(readyUrl, child, () => stderr).then(() => ({
    url: base,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  }));
}

/** Prometheus 2.x on 127.0.0.1 with `history` backfilled by promtool. */
export function startPrometheus(history: History): Promise<RunningServer> {
  return startPrometheusWith(openMetricsLines(history));
}

/** Prometheus 2.x on 127.0.0.1 with these OpenMetrics lines (timestamps in seconds) backfilled by promtool. */
export async function startPrometheusWith(lines: Iterable<string>): Promise<RunningServer> {
  const { dir, data } = await backfilledTsdb(lines);
  return startPrometheusOn(dir, data);
}

/** A fresh folder holding a TSDB (`data`) with these OpenMetrics lines backfilled by promtool. */
export async function backfilledTsdb(lines: Iterable<string>): Promise<{ dir: string; data: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tokenspend-prom-'));
  const om = join(dir, 'history.om');
  writeFileSync(om, `${[...lines].join('\n')}\n`);
  const data = join(dir, 'data');
  await exec('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=720h', om, data], { maxBuffer: 64 << 20 });
  rmSync(om);
  return { dir, data };
}

/**
 * Prometheus 2.x on 127.0.0.1 over the TSDB in `data` (inside `dir`), loading `ruleFiles`; `dir`
 * is removed when it stops unless `keep`.
 */
export async function startPrometheusOn(
  dir: string,
  data: string,
  options: { ruleFiles?: string[]; keep?: boolean } = {},
): Promise<RunningServer> {
  const rules = (options.ruleFiles ?? []).map((f) => `  - ${JSON.stringify(f)}\n`).join('');
  writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1h\n${rules ? `rule_files:\n${rules}` : ''}`);
  const port = await closedPort();
  const base = `http://127.0.0.1:${port}`;
  return startProcess(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=100y',
      '--log.level=warn',
    ],
    `${base}/-/ready`,
    base,
    options.keep ? undefined : dir,
  );
}

/** VictoriaMetrics single-node on 127.0.0.1 with `history` imported through its API. */
export function startVictoriaMetrics(history: History): Promise<RunningServer> {
  const first = Math.min(...history.series.map((s) => s.times[0] ?? Number.POSITIVE_INFINITY));
  return startVictoriaMetricsWith(openMetricsLines(history), history.series.length, first);
}

/**
 * VictoriaMetrics single-node on 127.0.0.1 with these OpenMetrics lines imported through its
 * API; waits until `seriesCount` series whose data starts at `firstMs` are searchable.
 */
export async function startVictoriaMetricsWith(lines: Iterable<string>, seriesCount: number, firstMs: number): Promise<RunningServer> {
  const server = await startEmptyVictoriaMetrics();
  const base = server.url;
  // Prometheus text with millisecond timestamps, one request.
  const text: string[] = [];
  for (const line of lines) {
    if (line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    text.push(`${line.slice(0, i)} ${Math.round(Number(line.slice(i + 1)) * 1000)}`);
  }
  const res = await fetch(`${base}/api/v1/import/prometheus`, { method: 'POST', body: `${text.join('\n')}\n` });
  if (!res.ok) throw new Error(`import failed: HTTP ${res.status} ${await res.text()}`);
  await fetch(`${base}/internal/force_flush`);
  // Wait until every series is searchable.
  const want = seriesCount;
  const first = firstMs / 1000;
  for (let i = 0; i < 100; i++) {
    const q = new URLSearchParams({ 'match[]': '{__name__=~".+"}', start: String(first) });
    const r = await fetch(`${base}/api/v1/series?${q}`);
    const body = (await r.json()) as { data: unknown[] };
    if (body.data.length >= want) return server;
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.stop();
  throw new Error('imported series did not become searchable');
}

/** An empty VictoriaMetrics single-node on 127.0.0.1 (it takes remote write at `/api/v1/write`); `flags` are added. */
export async function startEmptyVictoriaMetrics(flags: string[] = []): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tokenspend-vm-'));
  const port = await closedPort();
  const base = `http://127.0.0.1:${port}`;
  return startProcess(
    'victoria-metrics',
    [`-storageDataPath=${join(dir, 'data')}`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=100y', '-loggerLevel=ERROR', ...flags],
    `${base}/health`,
    base,
    dir,
  );
}
