import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closedPort } from './cli.js';
import { type RunningServer, startProcess } from './servers.js';

/** What a scraper scrapes, how often, and where it remote-writes to. */
export interface ScrapeSetup {
  /** Its own directory (WAL or write-ahead buffer, config): kept across a restart; the caller removes it. */
  dir: string;
  job: string;
  /** `host:port` of each /metrics endpoint. */
  targets: string[];
  /** Labels the scraper adds to everything it sends (Prometheus `external_labels`, vmagent `-remoteWrite.label`). */
  labels: Record<string, string>;
  /** The remote-write endpoint, e.g. VictoriaMetrics' `http://127.0.0.1:PORT/api/v1/write`. */
  remoteWrite: string;
  intervalSeconds: number;
}

function scrapeConfig(s: ScrapeSetup): string {
  const targets = s.targets.map((t) => `'${t}'`).join(', ');
  const interval = `${s.intervalSeconds}s`;
  return `scrape_configs:\n  - job_name: ${s.job}\n    scrape_interval: ${interval}\n    scrape_timeout: ${interval}\n    static_configs:\n      - targets: [${targets}]\n`;
}

/**
 * Prometheus in agent mode (`--enable-feature=agent`): scrapes, keeps a WAL in `dir/wal`, and
 * remote-writes with a short batch deadline. Start it again on the same `dir` to restart it.
 */
export async function startPrometheusAgent(s: ScrapeSetup): Promise<RunningServer> {
  const external = Object.entries(s.labels)
    .map(([k, v]) => `    ${k}: '${v}'\n`)
    .join('');
  const config = join(s.dir, 'agent.yml');
  writeFileSync(
    config,
    `global:\n  external_labels:\n${external}${scrapeConfig(s)}remote_write:\n  - url: ${s.remoteWrite}\n    queue_config:\n      batch_send_deadline: 100ms\n      min_backoff: 50ms\n      max_backoff: 500ms\n`,
  );
  const port = await closedPort();
  const base = `http://127.0.0.1:${port}`;
  return startProcess(
    'prometheus',
    [
      '--enable-feature=agent',
      `--config.file=${config}`,
      `--storage.agent.path=${join(s.dir, 'wal')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    `${base}/-/ready`,
    base,
  );
}

/** vmagent: scrapes, buffers in `dir/buffer`, and remote-writes every 100 ms. Start it again on the same `dir` to restart it. */
export async function startVmagent(s: ScrapeSetup): Promise<RunningServer> {
  const config = join(s.dir, 'scrape.yml');
  writeFileSync(config, scrapeConfig(s));
  const port = await closedPort();
  const base = `http://127.0.0.1:${port}`;
  return startProcess(
    'vmagent',
    [
      `-promscrape.config=${config}`,
      `-remoteWrite.url=${s.remoteWrite}`,
      `-remoteWrite.tmpDataPath=${join(s.dir, 'buffer')}`,
      '-remoteWrite.flushInterval=100ms',
      ...Object.entries(s.labels).map(([k, v]) => `-remoteWrite.label=${k}=${v}`),
      `-httpListenAddr=127.0.0.1:${port}`,
      '-loggerLevel=ERROR',
    ],
    `${base}/health`,
    base,
  );
}
