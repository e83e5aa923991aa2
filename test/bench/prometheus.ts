/**
 * The Prometheus benchmark: 1,000 token series (500 model × feature × gateway combinations, input
 * and output) over 30 days at a 30 s scrape (86.4 M samples), backfilled once with promtool and
 * kept in the bench folder. It compares tokenspend's 30-day daily report with the wall time of
 * Prometheus answering a single `sum by (model) (increase(…[30d]))` on the same data.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { rng } from '../generators/history.js';

const DAY = 86_400_000;
export const BENCH_START = Date.UTC(2026, 8, 1); // 2026-09-01
export const BENCH_DAYS = 30;
const SCRAPE_MS = 30_000;

async function writeHistory(path: string): Promise<number> {
  const out = createWriteStream(path, { highWaterMark: 1 << 22 });
  const r = rng(1234);
  let lines = 0;
  let buf = '# TYPE llm_tokens_in counter\n# TYPE llm_tokens_out counter\n';
  const flush = async (force = false) => {
    if (buf.length > 1 << 22 || force) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  };
  for (const kind of ['in', 'out']) {
    for (let m = 0; m < 20; m++) {
      for (let f = 0; f < 5; f++) {
        for (let g = 0; g < 5; g++) {
          const labels = `{model="model-${m}",feature="feature-${f}",gateway="gw-${g}"}`;
          // One model launches on day 12; gateway gw-3 restarts on day 20 at 10:17.
          const born = m === 19 ? BENCH_START + 12 * DAY + 3_600_000 : BENCH_START;
          const restart = g === 3 ? BENCH_START + 20 * DAY + 37_020_000 : Number.POSITIVE_INFINITY;
          const rate = (kind === 'in' ? 400 : 60) * (1 + m / 5);
          let v = 0;
          let restarted = false;
          for (let t = born + 7_000; t < BENCH_START + BENCH_DAYS * DAY; t += SCRAPE_MS) {
            if (!restarted && t >= restart) {
              v = 0;
              restarted = true;
            }
            v += Math.floor(r() * rate);
            buf += `llm_tokens_${kind}_total${labels} ${v} ${t / 1000}\n`;
            lines++;
            await flush();
          }
        }
      }
    }
  }
  buf += '# EOF\n';
  await flush(true);
  out.end();
  await once(out, 'finish');
  return lines;
}

export interface BenchServer {
  url: string;
  stop: () => Promise<void>;
}

/** Starts Prometheus on the 30-day history, backfilling it the first time. */
export async function benchPrometheus(work: string, port: number): Promise<BenchServer> {
  const dir = join(work, 'prometheus-30d');
  const data = join(dir, 'data');
  if (!existsSync(join(dir, 'ready'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const om = join(dir, 'history.om');
    process.stderr.write('writing the 30-day history (86.4 M samples)…\n');
    await writeHistory(om);
    process.stderr.write('backfilling it with promtool…\n');
    execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=744h', om, data], { stdio: 'ignore' });
    rmSync(om);
    writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
    writeFileSync(join(dir, 'ready'), '');
  }
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=100y',
      // The baseline's increase(…[30d]) touches all 86.4 M samples at once; tokenspend's queries
      // stay under the default limit of 50 M.
      '--query.max-samples=200000000',
      '--log.level=error',
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
