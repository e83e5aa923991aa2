import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { longSpec, openMetricsLines, simulate, type Truth } from '../generators/history.js';
import { closedPort, run } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenspend-budget-'));
const DEMO = 'fixtures/demo/history.om.gz';

// List prices per 1M tokens (input, cached, cache write, output) of the demo's priced models,
// typed in from the providers' price pages, not read from pricing/default.yaml.
const PRICES: Record<string, [number, number, number, number]> = {
  'gpt-4o-2024-08-06': [2.5, 1.25, 0, 10],
  'gpt-4o-mini-2024-07-18': [0.15, 0.075, 0, 0.6],
  'claude-sonnet-4-5-20250929': [3, 0.3, 3.75, 15],
  // Gemini 2.5 Flash cache reads: $0.03 (90% off input) on Google's current page; $0.075 at launch.
  'gemini-2.5-flash': [0.3, 0.03, 0, 2.5],
  'claude-haiku-4-5-20251001': [1, 0.1, 1.25, 5],
};

/** Cost of the demo's truth for streams matching `keep`, days in [from, to] (YYYY-MM-DD). */
function truthCost(truth: Truth, keep: (gateway: string, model: string) => boolean, from = '0000', to = '9999'): number {
  let cost = 0;
  for (const [day, streams] of Object.entries(truth)) {
    if (day < from || day > to) continue;
    for (const [key, t] of Object.entries(streams)) {
      const [gateway, model] = key.split('|') as [string, string];
      const p = PRICES[model];
      if (!p || !keep(gateway, model)) continue;
      cost += (t.input * p[0] + t.cached_input * p[1] + t.cache_write * p[2] + t.output * p[3]) / 1e6;
    }
  }
  return cost;
}

function budgets(name: string, yaml: string): string {
  const p = join(dir, name);
  writeFileSync(p, yaml);
  return p;
}

// The simulation's own tally (test/scenario/history.test.ts holds it equal to the generator's output).
const truth: Truth = JSON.parse(readFileSync('fixtures/demo/truth.json', 'utf8'));
const NOVEMBER = '2026-11-01';
const priced = 'match: ["model!=llama-3.1-70b-instruct"]';

describe('budget check on the demo history (as of its last sample, 2026-11-21 23:00 UTC)', () => {
  it('exits 0 within budget, and reports the exact month-to-date spend', async () => {
    const f = budgets('within.yaml', `budgets:\n  - name: all-monthly\n    period: month\n    limit: 100000\n    ${priced}\n`);
    const r = await run(['budget', 'check', '--budgets', f, '--file', DEMO, '--format', 'json']);
    expect(r.code).toBe(0);
    const [b] = JSON.parse(r.stdout).budgets;
    expect(b.status).toBe('ok');
    expect(b.period).toEqual({ label: 'month', start: '2026-11-01T00:00:00Z', end: '2026-12-01T00:00:00Z' });
    expect(b.spent).toBeCloseTo(
      truthCost(truth, () => true, NOVEMBER),
      4,
    );
  });

  it('exits 1 on an actual breach, prints the table first, and says when the money ran out', async () => {
    const f = budgets('breach.yaml', `budgets:\n  - name: us-weekly\n    period: week\n    limit: 500\n    match: { gateway: gw-us }\n`);
    const r = await run(['budget', 'check', '--budgets', f, '--file', DEMO]);
    expect(r.code).toBe(1);
    // The ISO week of 2026-11-21 starts on Monday 2026-11-16.
    const spent = truthCost(truth, (g) => g === 'gw-us', '2026-11-16', '2026-11-21');
    // The table rounds the share to a whole percent.
    expect(r.stdout).toContain(`spent ${Math.round((spent / 500) * 100)}%`);
    expect(r.stdout).toMatch(/us-weekly\s+│ gateway=gw-us │ week: 2026-11-16 00:00 → 2026-11-23 00:00/);
    expect(r.stdout).toContain('breached');
    // Running totals per day: the first day whose cumulative spend reaches $500.
    let cumulative = 0;
    let day = '';
    for (const d of ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21']) {
      cumulative += truthCost(truth, (g) => g === 'gw-us', d, d);
      if (cumulative >= 500) {
        day = d;
        break;
      }
    }
    expect(r.stdout).toContain(day);
  });

  it('a forecast breach fails only when asked (budget forecast: true, or --fail-on forecast)', async () => {
    // Month to date is about $4,380 (20 days of $220); the month-end forecast, 9 days more, is well above $5,500.
    expect(truthCost(truth, () => true, NOVEMBER)).toBeLessThan(5500);
    const yaml = (forecast: boolean) =>
      `budgets:\n  - name: month\n    period: month\n    limit: 5500\n    ${priced}\n${forecast ? '    forecast: true\n' : ''}`;
    const plain = await run(['budget', 'check', '--budgets', budgets('fc.yaml', yaml(false)), '--file', DEMO, '--format', 'json']);
    expect(plain.code).toBe(0);
    const b = JSON.parse(plain.stdout).budgets[0];
    expect(b.status).toBe('breached-by-forecast');
    expect(b.forecast.total).toBeGreaterThan(5500);
    expect(b.forecast.lower).toBeLessThanOrEqual(b.forecast.total);
    expect(b.forecast.upper).toBeGreaterThanOrEqual(b.forecast.total);
    expect(Object.keys(b.forecast.weights).sort()).toEqual(['holt-winters', 'run-rate', 'seasonal']);
    expect(b.exhaustion).toMatch(/^2026-11-2\d/);
    const failOn = await run(['budget', 'check', '--budgets', budgets('fc.yaml', yaml(false)), '--file', DEMO, '--fail-on', 'forecast']);
    expect(failOn.code).toBe(1);
    const own = await run(['budget', 'check', '--budgets', budgets('fc2.yaml', yaml(true)), '--file', DEMO]);
    expect(own.code).toBe(1);
  });

  it('a warning fails only with --fail-on warn', async () => {
    // The last 7 days cost about $1,540 (without the unpriced model): past 80% of $1,800.
    const week = truthCost(truth, () => true, '2026-11-15', '2026-11-21');
    expect(week).toBeGreaterThan(0.8 * 1800);
    expect(week).toBeLessThan(1800);
    const f = budgets('warn.yaml', `budgets:\n  - name: rolling\n    period: 7d\n    limit: 1800\n    warn: 80%\n    ${priced}\n`);
    const plain = await run(['budget', 'check', '--budgets', f, '--file', DEMO, '--format', 'json']);
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout).budgets[0].status).toBe('warn');
    const strict = await run(['budget', 'check', '--budgets', f, '--file', DEMO, '--fail-on', 'warn']);
    expect(strict.code).toBe(1);
  });

  it('each: expands to one budget per gateway', async () => {
    const f = budgets(
      'each.yaml',
      `budgets:\n  - name: per-gateway\n    period: month\n    limit: 1000\n    each: gateway\n    ${priced}\n`,
    );
    const r = await run(['budget', 'check', '--budgets', f, '--file', DEMO, '--format', 'json']);
    const byInstance = Object.fromEntries(JSON.parse(r.stdout).budgets.map((b: any) => [b.instance, b]));
    expect(Object.keys(byInstance).sort()).toEqual([
      'per-gateway[gateway=gw-batch]',
      'per-gateway[gateway=gw-eu]',
      'per-gateway[gateway=gw-us]',
    ]);
    expect(byInstance['per-gateway[gateway=gw-us]'].status).toBe('breached');
    expect(byInstance['per-gateway[gateway=gw-eu]'].spent).toBeCloseTo(
      truthCost(truth, (g) => g === 'gw-eu', NOVEMBER),
      4,
    );
    expect(r.code).toBe(1);
  });

  it('exits 4 when a scope matches no data, or holds unpriced usage', async () => {
    const none = budgets('none.yaml', `budgets:\n  - name: mars\n    period: month\n    limit: 10\n    match: { gateway: gw-mars }\n`);
    const r = await run(['budget', 'check', '--budgets', none, '--file', DEMO]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('mars: no series match its scope (gateway=gw-mars)');
    const unpriced = budgets(
      'unpriced.yaml',
      `budgets:\n  - name: batch\n    period: month\n    limit: 100000\n    match: { gateway: gw-batch }\n`,
    );
    const u = await run(['budget', 'check', '--budgets', unpriced, '--file', DEMO, '--format', 'json']);
    expect(u.code).toBe(4);
    expect(JSON.parse(u.stdout).budgets[0].status).toBe('incomplete');
    expect(u.stderr).toContain('tokens in scope have no price');
  });

  it('exits 4 when a forecast the gate depends on has too little history', async () => {
    // Claude Haiku on gw-batch started five days before the end of the demo.
    const f = budgets(
      'short.yaml',
      `budgets:\n  - name: haiku\n    period: month\n    limit: 100000\n    forecast: true\n    match: { model: claude-haiku-4-5-20251001 }\n`,
    );
    const r = await run(['budget', 'check', '--budgets', f, '--file', DEMO]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/haiku: \d days of spend history, a forecast needs 7/);
  });

  it('a burn-rate budget breaches when every window burns faster than the factor allows', async () => {
    // A $30 monthly budget (30 days) allows $1 a day: the ratio over 1d is the day's spend in
    // dollars, over 6h four times the spend. The demo ends on a Saturday: gw-us spent ~$50 that day.
    const f = budgets(
      'burn.yaml',
      `budgets:\n  - name: us-month\n    period: month\n    limit: 30\n    match: { gateway: gw-us }\n  - name: runaway\n    burn_rate: { windows: [1d, 6h], factor: 14.4, of: us-month }\n`,
    );
    const r = await run(['budget', 'check', '--budgets', f, '--file', DEMO, '--format', 'json']);
    const burn = JSON.parse(r.stdout).budgets.find((b: any) => b.budget === 'runaway');
    expect(burn.status).toBe('breached');
    expect(burn.burn.windows.map((w: any) => w.window)).toEqual(['1d', '6h']);
    expect(burn.burn.windows[0].ratio).toBeCloseTo(burn.burn.windows[0].spent, 4);
    expect(burn.burn.windows[1].ratio).toBeCloseTo(4 * burn.burn.windows[1].spent, 4);
    expect(burn.burn.windows[1].ratio).toBeGreaterThan(14.4);
    expect(r.code).toBe(1);
  });

  it('exits 2 on an invalid budgets file, one line per problem with its path', async () => {
    const f = budgets(
      'bad.yaml',
      'budgets:\n  - name: a\n    period: fortnight\n    limit: -5\n  - name: b\n    burn_rate: { windows: [1h], factor: 2, of: nope }\n',
    );
    const r = await run(['budget', 'check', '--budgets', f, '--file', DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}: budgets[0].period: expected day, week, month, quarter, year or a rolling duration like 7d`);
    expect(r.stderr).toContain(`${f}: budgets[0].limit: Too small`);
  });

  it('exits 3 when Prometheus is unreachable', async () => {
    const f = budgets('prom.yaml', 'budgets:\n  - name: all\n    period: month\n    limit: 10\n');
    const port = await closedPort();
    const r = await run(['budget', 'check', '--budgets', f, '--prometheus', `http://127.0.0.1:${port}`, '--retries', '0']);
    expect(r.code).toBe(3);
  });

  it('writes a Markdown summary for a GitHub job', async () => {
    const f = budgets(
      'md.yaml',
      `budgets:\n  - name: us-weekly\n    period: week\n    limit: 500\n    match: { gateway: gw-us }\n  - name: eu-monthly\n    period: month\n    limit: 100000\n    match: { gateway: gw-eu }\n`,
    );
    const r = await run(['budget', 'check', '--budgets', f, '--file', DEMO, '--format', 'markdown']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('### LLM budgets: ❌ 1 failing');
    expect(r.stdout).toContain('| ❌ breached | `us-weekly` | gateway=gw-us |');
    expect(r.stdout).toContain('| ✅ ok | `eu-monthly` | gateway=gw-eu |');
  });
});

describe('forecast', () => {
  let long: string;
  beforeAll(() => {
    long = join(dir, 'long.om');
    writeFileSync(long, `${[...openMetricsLines(simulate(longSpec()))].join('\n')}\n`);
  });

  it('forecasts the month end per group with an interval around the point forecast', async () => {
    const r = await run(['forecast', '--file', long, '--by', 'gateway', '--format', 'json', '--at', '2026-11-10T12:00:00Z']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.period).toEqual({ label: 'month', start: '2026-11-01T00:00:00Z', end: '2026-12-01T00:00:00Z' });
    for (const g of json.groups) {
      expect(g.forecast.total).toBeGreaterThan(g.spent);
      expect(g.forecast.lower).toBeLessThanOrEqual(g.forecast.total);
      expect(g.forecast.upper).toBeGreaterThanOrEqual(g.forecast.total);
    }
    expect(json.groups.map((g: any) => g.group.gateway).sort()).toEqual(['gw-a', 'gw-b']);
    // Under the table and the Markdown: what the intervals were calibrated on, as in the JSON.
    const c = json.groups[0].forecast.calibration;
    const note = `Intervals calibrated on ${c.origins} back-tests of the rest of the month (all groups pooled); 80% intervals held ${(c.coverage * 100).toFixed(1)}% of them.`;
    const args = ['forecast', '--file', long, '--by', 'gateway', '--at', '2026-11-10T12:00:00Z'];
    expect((await run([...args, '--format', 'markdown'])).stdout).toContain(`\n\n${note}\n`);
    expect((await run(args)).stdout).toContain(`┘\n${note}\n`);
  });

  it('counts whole local days across a DST change (Europe/Berlin, 25 October)', async () => {
    const at = ['--at', '2026-11-10T12:00:00Z', '--format', 'json', '--history', '56d'];
    const berlin = JSON.parse((await run(['forecast', '--file', long, '--timezone', 'Europe/Berlin', ...at])).stdout);
    const utc = JSON.parse((await run(['forecast', '--file', long, ...at])).stdout);
    expect(berlin.period.start).toBe('2026-10-31T23:00:00Z');
    expect(berlin.groups[0].forecast.method).toBe(utc.groups[0].forecast.method);
    expect(berlin.groups[0].forecast.total / utc.groups[0].forecast.total).toBeGreaterThan(0.9);
    expect(berlin.groups[0].forecast.total / utc.groups[0].forecast.total).toBeLessThan(1.1);
  });

  it('--budget says per group: already reached, the day it will be, or not this period', async () => {
    const r = await run(['forecast', '--file', DEMO, '--by', 'gateway', '--force', '--budget', '1300', '--format', 'json']);
    const byGateway = Object.fromEntries(JSON.parse(r.stdout).groups.map((g: any) => [g.group.gateway, g]));
    // Spent so far in November, from the simulation's own tally: gw-us is past $1,300; gw-eu below it
    // with about $50 a day for 9 more days; gw-batch far below.
    expect(truthCost(truth, (g) => g === 'gw-us', NOVEMBER)).toBeGreaterThan(1300);
    expect(truthCost(truth, (g) => g === 'gw-eu', NOVEMBER)).toBeLessThan(1300);
    expect(byGateway['gw-us'].budgetOutcome).toBe('reached');
    expect(byGateway['gw-us'].exhaustion).toBeNull();
    expect(byGateway['gw-batch'].forecast.total).toBeLessThan(1300);
    expect(byGateway['gw-batch'].budgetOutcome).toBe('not-this-period');
    // Five days of history: --force holds their mean, with no interval (nothing to calibrate it on).
    expect(byGateway['gw-batch'].forecast.weights).toEqual({ 'run-rate': 1 });
    expect(byGateway['gw-batch'].forecast.lower).toBeNull();
    expect(byGateway['gw-eu'].budgetOutcome).toBe('projected');
    expect(byGateway['gw-eu'].exhaustion).toMatch(/^2026-11-(2[2-9]|30)T/);
  });

  it('refuses (exit 4) with too little history unless --force', async () => {
    const r = await run(['forecast', '--file', DEMO, '--by', 'gateway']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('gateway=gw-batch: 5 days of spend history, a forecast needs 7');
    const forced = await run(['forecast', '--file', DEMO, '--by', 'gateway', '--force', '--format', 'json']);
    expect(forced.code).toBe(0);
  });

  // The long history runs from Monday 2026-09-14 to 2026-11-16: October is the one whole month.
  // Every method is scored from each October day with three weeks of history before it: 5…31.
  it('--backtest scores every method on all the history, whatever --history says', async () => {
    for (const history of ['60d', '14d']) {
      const r = await run([
        'forecast',
        '--file',
        long,
        '--backtest',
        '--history',
        history,
        '--format',
        'json',
        '--at',
        '2026-11-16T00:00:00Z',
      ]);
      expect(r.code).toBe(0);
      const json = JSON.parse(r.stdout);
      expect(json.from).toBe('2026-09-14T00:00:00Z');
      expect(json.pooled.map((m: any) => m.method)).toEqual(['auto', 'seasonal', 'holt-winters', 'run-rate']);
      for (const m of json.pooled) {
        expect(m.origins).toBe(27);
        expect(m.error).toBeGreaterThan(0);
        expect(m.mase).toBeGreaterThan(0);
        expect(m.coverage).toBeGreaterThanOrEqual(0);
        expect(m.coverage).toBeLessThanOrEqual(1);
      }
      expect(json.groups).toHaveLength(1);
      expect(json.groups[0].methods).toEqual(json.pooled);
    }
  });

  it('--backtest --by scores each group, and all groups pooled, in every format', async () => {
    const args = ['forecast', '--file', long, '--backtest', '--by', 'gateway', '--at', '2026-11-16T00:00:00Z'];
    const json = JSON.parse((await run([...args, '--format', 'json'])).stdout);
    expect(json.groups.map((g: any) => g.group.gateway).sort()).toEqual(['gw-a', 'gw-b']);
    for (const g of json.groups) for (const m of g.methods) expect(m.origins).toBe(27);
    for (const m of json.pooled) expect(m.origins).toBe(54);
    const csv = (await run([...args, '--format', 'csv'])).stdout.trim().split('\n');
    expect(csv[0]).toBe('scope,gateway,method,error,bias,mase,coverage,origins,period,level');
    // Pooled and each group, four methods each.
    expect(csv).toHaveLength(1 + 3 * 4);
    expect(csv[1]).toMatch(/^pooled,,auto,/);
    expect(csv.filter((l) => l.startsWith('group,gw-a,'))).toHaveLength(4);
    const md = (await run([...args, '--format', 'markdown'])).stdout;
    expect(md).toContain('| all groups | auto |');
    expect(md).toContain('| gateway=gw-b | auto |');
    const table = await run(args);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/gateway=gw-a\s+│ auto/);
  });

  it('shows per group how auto combined the methods, their back-test errors, and what calibrated the interval', async () => {
    const r = await run(['forecast', '--file', long, '--by', 'gateway', '--format', 'json', '--at', '2026-11-10T12:00:00Z']);
    for (const g of JSON.parse(r.stdout).groups) {
      const f = g.forecast;
      expect(f.method).toBe('auto');
      expect(Object.values(f.weights).reduce((a: number, b: any) => a + b, 0)).toBeCloseTo(1, 5);
      expect(Object.keys(f.backtest.methods).sort()).toEqual(['auto', 'holt-winters', 'run-rate', 'seasonal']);
      expect(f.backtest.error).toBe(f.backtest.methods.auto.error);
      expect(f.backtest.origins).toBeGreaterThan(10);
      // Both gateways' back-test origins, pooled.
      expect(f.calibration.origins).toBe(2 * f.backtest.origins);
      expect(f.calibration.coverage).toBeGreaterThan(0.5);
      expect(f.calibration.groupOrigins).toBe(f.backtest.origins);
      expect(f.calibration.groupCoverage).toBeGreaterThanOrEqual(0);
      expect(f.calibration.groupCoverage).toBeLessThanOrEqual(1);
    }
  });

  it('draws a chart only on a terminal', async () => {
    const r = await run(['forecast', '--file', long, '--at', '2026-11-10T12:00:00Z']);
    expect(r.stdout).not.toContain('● spent per day');
  });
});
