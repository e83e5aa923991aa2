/**
 * `npm run bench -- rules`: how the generated rules grow with the number of models. For 10, 100
 * and 1,000 models (agentgateway histograms, two gateways, input / cached / output, 15 s scrapes
 * over 4 hours, a price file with one entry per model), it measures the size of the hourly cost
 * rule and the time Prometheus 2.42 takes to evaluate it, against the time it takes to evaluate a
 * bare `sum by (model) (increase(…[1h]))` over the same series (the least any cost rule reads).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startPrometheusOn } from '../helpers/servers.js';
import { rng } from '../generators/history.js';

const START = Date.UTC(2026, 8, 1, 8); // 2026-09-01 08:00
const HOURS = 4;
const SCRAPE_MS = 15_000;
const METRIC = 'agentgateway_gen_ai_client_token_usage_sum';
const TYPES = ['input', 'input_cache_read', 'output'] as const;

async function writeHistory(path: string, models: number): Promise<number> {
  const out = createWriteStream(path, { highWaterMark: 1 << 22 });
  const r = rng(models);
  let series = 0;
  let buf = `# TYPE ${METRIC} unknown\n`;
  for (let m = 0; m < models; m++) {
    for (const gw of ['gw-a', 'gw-b']) {
      for (const type of TYPES) {
        series++;
        const labels = `{gen_ai_token_type="${type}",gen_ai_system="acme",gen_ai_response_model="bench-model-${m}",gateway="${gw}"}`;
        let v = 0;
        for (let t = START + 3_000; t < START + HOURS * 3_600_000; t += SCRAPE_MS) {
          v += Math.floor(r() * (type === 'output' ? 300 : 1500));
          buf += `${METRIC}${labels} ${v} ${t / 1000}\n`;
        }
        if (buf.length > 1 << 22) {
          if (!out.write(buf)) await once(out, 'drain');
          buf = '';
        }
      }
    }
  }
  out.write(`${buf}# EOF\n`);
  out.end();
  await once(out, 'finish');
  return series;
}

function pricing(models: number): string {
  const lines = ['version: bench', 'currency: USD', 'models:'];
  for (let m = 0; m < models; m++) {
    const input = (1 + m / 1000).toFixed(3);
    lines.push(
      `  bench-model-${m}:`,
      '    provider: acme',
      `    prices:\n      - { input: "${input}", cached_input: "0.1", output: "${(4 * Number(input)).toFixed(3)}" }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function timeQuery(
  url: string,
  expr: string,
  at: number,
): Promise<{ ms: number; result: { metric: Record<string, string>; value: [number, string] }[] }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: expr, time: String(at / 1000) }) });
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== 'success') throw new Error(`query failed: ${body.error}`);
  return { ms: performance.now() - t0, result: body.data.result };
}

type Row = (what: string, value: string, baseline: string, ratio: string) => void;

/** One size: backfilled once into the bench folder, then measured. */
async function measure(work: string, bin: string, models: number, row: Row): Promise<void> {
  const dir = join(work, `rules-${models}`);
  const data = join(dir, 'data');
  let series = models * 2 * TYPES.length;
  if (!existsSync(join(dir, 'ready'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const om = join(dir, 'history.om');
    process.stderr.write(`writing and backfilling the ${models}-model history…\n`);
    series = await writeHistory(om, models);
    execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', om, data], { stdio: 'ignore' });
    rmSync(om);
    writeFileSync(join(dir, 'ready'), '');
  }
  const prices = join(dir, 'prices.yaml');
  writeFileSync(prices, pricing(models));
  const server = await startPrometheusOn(dir, data, { keep: true });
  try {
    const rulesFile = join(dir, 'rules.yaml');
    const t0 = performance.now();
    const gen = spawnSync(
      process.execPath,
      [bin, 'rules', '--prometheus', server.url, '--lookback', '3650d', '--pricing', prices, '--no-default-pricing', '--output', rulesFile],
      { encoding: 'utf8' },
    );
    const genMs = performance.now() - t0;
    if (gen.status !== 0) throw new Error(`tokenspend rules failed: ${gen.stderr}`);
    const doc = parse(readFileSync(rulesFile, 'utf8')) as { groups: { rules: { record?: string; expr: string }[] }[] };
    const cost = doc.groups[0]?.rules.find((r) => r.record === 'model:tokenspend_cost_usd:increase1h')?.expr as string;
    const at = START + HOURS * 3_600_000 - 60_000;
    const baseline = `sum by (gen_ai_response_model) (increase(${METRIC}[1h]))`;
    const ours: number[] = [];
    const base: number[] = [];
    let priced = 0;
    await timeQuery(server.url, cost, at);
    for (let i = 0; i < 5; i++) {
      const o = await timeQuery(server.url, cost, at);
      priced = o.result.length;
      ours.push(o.ms);
      base.push((await timeQuery(server.url, baseline, at)).ms);
    }
    const o = median(ours);
    const b = median(base);
    row(
      `\`model:tokenspend_cost_usd:increase1h\`, ${models.toLocaleString('en-US')} models (${series.toLocaleString('en-US')} series, ${priced} cost series)`,
      `expression ${(cost.length / 1024).toFixed(1)} KiB, evaluation ${o.toFixed(0)} ms; file generated in ${(genMs / 1000).toFixed(2)} s`,
      `\`sum by (model) (increase(…[1h]))\`: ${b.toFixed(0)} ms`,
      `${(o / b).toFixed(1)}×`,
    );
  } finally {
    await server.stop();
  }
}

/** The rules part of `npm run bench`. */
export async function rulesBench(work: string, bin: string, row: Row): Promise<void> {
  for (const models of [10, 100, 1000]) await measure(work, bin, models, row);
}
