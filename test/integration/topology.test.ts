import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../generators/history.js';
import { FakeAgentgateway } from '../helpers/fake-gateway.js';
import { runMain } from '../helpers/inprocess.js';
import { type ScrapeSetup, startPrometheusAgent, startVmagent } from '../helpers/scrapers.js';
import { type RunningServer, startEmptyVictoriaMetrics } from '../helpers/servers.js';

// Past one machine: four live agentgateway endpoints, two scrapers that each scrape half of them
// (Prometheus in agent mode: gw-a1, gw-a2; vmagent: gw-b1, gw-b2), both remote-writing into one
// VictoriaMetrics, which tokenspend queries. Scrapes every second. While traffic runs, gw-a2
// restarts (its counters go back to 0), gw-b2's series appear mid-way, and the Prometheus agent is
// stopped and started again on the same WAL while its gateways keep counting (it is away ~7 s: its
// first scrape comes ~5 s after a start). The truth is the sum of the increments this test
// applied; tokenspend must match it to the token.
const MODELS = ['gpt-4o-2024-08-06', 'claude-sonnet-4-5-20250929'];
const SCRAPE_SECONDS = 1;

type Tokens = { input: number; output: number };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const iso = (ms: number) => new Date(ms).toISOString();

describe('two scrapers (Prometheus agent, vmagent) remote-writing into one VictoriaMetrics', () => {
  let vm: RunningServer;
  const scrapers: RunningServer[] = [];
  const dirs: string[] = [];
  const gateways: Record<string, FakeAgentgateway> = {};
  /** Tokens per `gateway|model`: every increment, and those applied after T0. */
  const all: Record<string, Tokens> = {};
  const afterT0: Record<string, Tokens> = {};
  let counting = false;
  let before = 0;
  let t0 = 0;
  let until = 0;
  let downFrom = 0;
  let downTo = 0;
  const random = rng(14);

  function request(gw: FakeAgentgateway): void {
    const model = MODELS[Math.floor(random() * MODELS.length)] as string;
    const input = 1 + Math.floor(random() * 400);
    const output = 1 + Math.floor(random() * 80);
    gw.add(model, 'input', input);
    gw.add(model, 'output', output);
    for (const t of counting ? [all, afterT0] : [all]) {
      const cell = (t[`${gw.name}|${model}`] ??= { input: 0, output: 0 });
      cell.input += input;
      cell.output += output;
    }
  }

  /** Requests on these gateways every 50 ms for at least `minMs`, and until `until` settles. */
  async function traffic(names: string[], minMs: number, until?: Promise<unknown>): Promise<void> {
    let settled = until === undefined;
    until?.then(
      () => (settled = true),
      () => (settled = true),
    );
    const end = Date.now() + minMs;
    while (!settled || Date.now() < end) {
      for (const n of names) request(gateways[n] as FakeAgentgateway);
      await sleep(50);
    }
    await until;
  }

  const scraped = (names: string[]) => Promise.all(names.map((n) => (gateways[n] as FakeAgentgateway).nextScrape()));

  /** Every gateway's current counter values, as the central store holds them now. */
  async function stored(): Promise<{ last: Record<string, number>; times: Record<string, number[]> }> {
    await fetch(`${vm.url}/internal/force_flush`);
    const q = new URLSearchParams({ 'match[]': 'agentgateway_gen_ai_client_token_usage_sum' });
    const text = await (await fetch(`${vm.url}/api/v1/export?${q}`)).text();
    const last: Record<string, number> = {};
    const times: Record<string, number[]> = {};
    for (const line of text.split('\n').filter(Boolean)) {
      const s = JSON.parse(line) as { metric: Record<string, string>; values: number[]; timestamps: number[] };
      const key = `${s.metric.gateway}|${s.metric.gen_ai_response_model}|${s.metric.gen_ai_token_type}`;
      last[key] = s.values[s.values.length - 1] as number;
      times[key] = s.timestamps;
    }
    return { last, times };
  }

  /** Waits until the store holds every gateway's current values (the last scrape is in). */
  async function settled(): Promise<void> {
    const want: Record<string, number> = {};
    for (const gw of Object.values(gateways)) for (const [k, v] of Object.entries(gw.values())) want[`${gw.name}|${k}`] = v;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { last } = await stored();
      if (JSON.stringify(Object.entries(last).sort()) === JSON.stringify(Object.entries(want).sort())) return;
      if (Date.now() > deadline) throw new Error(`the store did not catch up: ${JSON.stringify(last)} ≠ ${JSON.stringify(want)}`);
      await sleep(100);
    }
  }

  beforeAll(async () => {
    before = Date.now() - 1000;
    const names = ['gw-a1', 'gw-a2', 'gw-b1', 'gw-b2'];
    // VictoriaMetrics replaces range-query points within -search.latencyOffset (30 s) of now by
    // the previous point when the step is under -search.maxStepForPointsAdjustment (1 m); these
    // windows are seconds long and end seconds ago, so that adjustment is turned off.
    const started = await Promise.all([
      startEmptyVictoriaMetrics(['-search.maxStepForPointsAdjustment=1ms']),
      ...names.map((n) => FakeAgentgateway.start(n)),
    ]);
    vm = started[0];
    for (const gw of started.slice(1) as FakeAgentgateway[]) gateways[gw.name] = gw;
    const setup = (job: string, half: string[], labels: Record<string, string>): ScrapeSetup => {
      const dir = mkdtempSync(join(tmpdir(), `tokenspend-${job}-`));
      dirs.push(dir);
      const targets = half.map((n) => (gateways[n] as FakeAgentgateway).target);
      return { dir, job, targets, labels, remoteWrite: `${vm.url}/api/v1/write`, intervalSeconds: SCRAPE_SECONDS };
    };
    const agentSetup = setup('agent-a', ['gw-a1', 'gw-a2'], { scraper: 'prometheus-agent', cluster: 'east' });
    const vmagentSetup = setup('vmagent-b', ['gw-b1', 'gw-b2'], { scraper: 'vmagent', cluster: 'west' });
    [scrapers[0], scrapers[1]] = await Promise.all([startPrometheusAgent(agentSetup), startVmagent(vmagentSetup)]);

    // Traffic until gw-a1, gw-a2 and gw-b1 have been scraped (the agent's first scrape comes ~5 s
    // after it starts); then quiet until a scrape rendered after T0 is served, so every sample
    // stamped at or before T0 holds the values at rest (scrapes of one target never overlap).
    const early = ['gw-a1', 'gw-a2', 'gw-b1'];
    await traffic(early, 500, scraped(early));
    await scraped(names);
    t0 = Date.now();
    await scraped(names);
    counting = true;
    await traffic(early, 1000);

    // gw-a2 restarts: its last count is scraped, it comes back at 0 and serves one request (below
    // every counter's last value, so the drop is visible), which is scraped before any more.
    const a2 = gateways['gw-a2'] as FakeAgentgateway;
    await traffic(['gw-a1', 'gw-b1'], 0, a2.nextScrape());
    const lastScraped = a2.values();
    a2.restart();
    request(a2);
    for (const [k, v] of Object.entries(a2.values()))
      if (v >= (lastScraped[k] as number) && v > 0) throw new Error(`${k}: the reset would not show`);
    await traffic(['gw-a1', 'gw-b1'], 0, a2.nextScrape());

    // gw-b2 is born: its first requests arrive (its series appear) while the others keep going.
    await traffic(names, 1000);

    // The Prometheus agent stops; its gateways keep counting; it starts again on the same WAL and
    // scrapes them again (its first scrape comes ~5 s after the start, traffic all along).
    await (scrapers[0] as RunningServer).stop();
    downFrom = Date.now();
    await traffic(names, 1000);
    const again = startPrometheusAgent(agentSetup).then((s) => {
      scrapers[0] = s;
      downTo = Date.now();
      return scraped(['gw-a1', 'gw-a2']);
    });
    await traffic(names, 0, again);
    await traffic(names, 1000);

    // Traffic ends: every final value is scraped, the window closes, and the store catches up.
    await scraped(names);
    until = Date.now();
    await settled();
  }, 60_000);

  afterAll(async () => {
    for (const s of scrapers) await s?.stop();
    await vm?.stop();
    for (const gw of Object.values(gateways)) await gw.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** `report --format json` on the central store over (since, until]. */
  async function report(since: number, by: string): Promise<any> {
    const r = await runMain([
      'report',
      '--prometheus',
      vm.url,
      '--since',
      iso(since),
      '--until',
      iso(until),
      '--by',
      by,
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  }

  const tokensOf = (json: any) =>
    Object.fromEntries(
      json.rows.map((r: any) => [`${r.group.gateway}|${r.group.model}`, { input: r.tokens.input, output: r.tokens.output }]),
    );

  it('the scenario happened: every series reached the store, and the agent left a gap its gateways counted through', async () => {
    const { times } = await stored();
    expect(Object.keys(times).sort()).toEqual(
      ['gw-a1', 'gw-a2', 'gw-b1', 'gw-b2'].flatMap((g) => MODELS.flatMap((m) => [`${g}|${m}|input`, `${g}|${m}|output`])).sort(),
    );
    const during = (key: string) => (times[key] as number[]).filter((t) => t >= downFrom && t <= downTo).length;
    const after = (key: string) => (times[key] as number[]).filter((t) => t > downTo).length;
    expect(during(`gw-a1|${MODELS[0]}|input`)).toBe(0);
    expect(after(`gw-a1|${MODELS[0]}|input`)).toBeGreaterThan(0);
    expect(during(`gw-b1|${MODELS[0]}|input`)).toBeGreaterThan(0);
  });

  it('every gateway and model over the whole run is exact to the token', async () => {
    const json = await report(before, 'gateway,model');
    expect(tokensOf(json)).toEqual(all);
    // All 16 series were born inside this window.
    expect(json.coverage.births).toBe(16);
  });

  it('from T0 mid-traffic: baselines before it, gw-a2 reset, gw-b2 born, all exact', async () => {
    const json = await report(t0, 'gateway,model');
    expect(tokensOf(json)).toEqual(afterT0);
    // gw-a2's four series restarted once; gw-b2's four were born; nothing else was either.
    expect(json.coverage.resets).toBe(4);
    expect(json.coverage.births).toBe(4);
  });

  it('the scrapers’ own labels (job, instance, external labels) split nothing: by model, and by cluster', async () => {
    const byModel = await report(t0, 'model');
    const want: Record<string, Tokens> = {};
    for (const [k, v] of Object.entries(afterT0)) {
      const cell = (want[k.split('|')[1] as string] ??= { input: 0, output: 0 });
      cell.input += v.input;
      cell.output += v.output;
    }
    expect(Object.fromEntries(byModel.rows.map((r: any) => [r.group.model, { input: r.tokens.input, output: r.tokens.output }]))).toEqual(
      want,
    );
    const byCluster = await report(t0, 'cluster');
    const half = (prefix: string) =>
      Object.entries(afterT0)
        .filter(([k]) => k.startsWith(prefix))
        .reduce((a, [, v]) => a + v.input, 0);
    const clusters = Object.fromEntries(byCluster.rows.map((r: any) => [r.group.cluster, r.tokens.input]));
    expect(clusters).toEqual({ east: half('gw-a'), west: half('gw-b') });
  });

  it('right after the traffic, a budget gate sees fresh data and exact money; a strict report sees no stale data', async () => {
    // Test prices: $1 per 1M input and $2 per 1M output tokens, so each token is a whole micro-dollar.
    const dir = dirs[0] as string;
    const prices = join(dir, 'prices.yaml');
    const rates = '    prices:\n      - { from: 2020-01-01, input: "1.00", output: "2.00" }\n';
    const entry = (m: string) => `  ${m}:\n    provider: ${m.startsWith('claude') ? 'anthropic' : 'openai'}\n${rates}`;
    writeFileSync(prices, `version: test\ncurrency: USD\nmodels:\n${MODELS.map(entry).join('')}`);
    const budgets = join(dir, 'budgets.yaml');
    writeFileSync(budgets, 'budgets:\n  - name: per-gateway\n    period: 1h\n    limit: 1000000\n    each: gateway\n');
    const pricing = ['--pricing', prices, '--no-default-pricing'];
    const gate = await runMain(['budget', 'check', '--budgets', budgets, '--prometheus', vm.url, ...pricing, '--format', 'json']);
    expect(gate.code, gate.stderr).toBe(0);
    const got = Object.fromEntries(JSON.parse(gate.stdout).budgets.map((b: any) => [b.instance, [b.status, Math.round(b.spent * 1e6)]]));
    const want: Record<string, [string, number]> = {};
    for (const [k, v] of Object.entries(all)) {
      const cell = (want[`per-gateway[gateway=${k.split('|')[0]}]`] ??= ['ok', 0]);
      cell[1] += v.input + 2 * v.output;
    }
    expect(got).toEqual(want);
    const strict = await runMain(['report', '--prometheus', vm.url, '--window', '1h', '--strict', ...pricing, '--format', 'json']);
    expect(strict.code, strict.stderr).toBe(0);
    expect(JSON.parse(strict.stdout).warnings.map((w: any) => w.code)).not.toContain('STALE_DATA');
  });
});
