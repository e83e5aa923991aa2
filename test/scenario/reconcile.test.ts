import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSpec } from '../generators/history.js';
import { runMain } from '../helpers/inprocess.js';

const LITELLM = 'fixtures/reconcile/litellm-spend.prom';
const DEMO = 'fixtures/demo/history.om.gz';
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const window = ['--since', '2026-11-20T00:00:00Z', '--until', '2026-11-21T00:00:00Z'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokenspend-reconcile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("reconcile against LiteLLM's own spend counter", () => {
  // Hand-worked from fixtures/reconcile/litellm-spend.prom over 2026-11-20 (prices per 1M tokens):
  //   team-a gpt-4o-mini: input 400,000 of which 100,000 cached → 300,000 × 0.15 + 100,000 × 0.075,
  //     output 60,000 × 0.60 = 0.045 + 0.0075 + 0.036 = 0.0885; its spend counter went 5.0 → 5.0885.
  //   team-b claude-3-7-sonnet: input 200,000 of which 40,000 cache writes → 160,000 × 3 + 40,000 × 3.75,
  //     output 20,000 × 15 = 0.48 + 0.15 + 0.30 = 0.93; its spend counter went 10.0 → 10.5, restarted,
  //     0.1 → 0.7: 0.5 + 0.1 + 0.6 = 1.20.
  it('matched and mismatched groups, the counter read across its restart; exit 1 on the mismatch', async () => {
    const res = await runMain(['reconcile', '--file', LITELLM, '--by', 'team,model', ...window, '--format', 'json']);
    expect(res.code).toBe(1);
    const json = JSON.parse(res.stdout);
    const rows = Object.fromEntries(json.rows.map((r: any) => [r.group.team, r]));
    expect(rows['team-a']).toMatchObject({ ours: 0.0885, theirs: 0.0885, difference: 0, class: 'matched', withinTolerance: true });
    expect(rows['team-b']).toMatchObject({
      ours: 0.93,
      theirs: 1.2,
      difference: -0.27,
      percent: -22.5,
      class: 'mismatch',
      withinTolerance: false,
    });
    expect(rows['team-b'].causes.join(' ')).toContain('tokenspend pricing show claude-3-7-sonnet-20250219');
    expect(json.against).toBe('litellm_spend_metric_total');
    expect(json.failing).toBe(1);
    expect(json.totals).toEqual({ ours: 1.0185, theirs: 1.2885, difference: -0.27 });
  });

  it('exit 0 when every group is within tolerance: one team, or a wider tolerance', async () => {
    const one = await runMain(['reconcile', '--file', LITELLM, '--by', 'team,model', ...window, '--match', 'team=team-a']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('1 matched');
    // 0.27 is 22.5% of 1.20: within 25%.
    const wide = await runMain(['reconcile', '--file', LITELLM, '--by', 'team', ...window, '--tolerance', '25%', '--format', 'csv']);
    expect(wide.code).toBe(0);
    const rows = parse(wide.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.team, r.ours, r.theirs, r.class])).toEqual([
      ['team-b', '0.930000', '1.200000', 'matched'],
      ['team-a', '0.088500', '0.088500', 'matched'],
    ]);
  });

  it('markdown and table say the same', async () => {
    const md = await runMain(['reconcile', '--file', LITELLM, '--by', 'team', ...window, '--format', 'markdown']);
    expect(md.stdout).toContain('❌ 1 beyond tolerance');
    expect(md.stdout).toMatch(/\| team-b \| \$0\.93 \| \$1\.20 \| −\$0\.27 \| −22\.5% \| ❌ mismatch \|/);
    const table = await runMain(['reconcile', '--file', LITELLM, '--by', 'team', ...window]);
    expect(table.stdout).toContain('1 matched · 1 mismatch — 1 beyond tolerance (1% or 0.01 USD)');
  });

  it('data without a cost counter of its own: exit 2 pointing at --invoice', async () => {
    const res = await runMain(['reconcile', '--file', DEMO]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('agentgateway_gen_ai_client_cost_usd_total');
    expect(res.stderr).toContain('--invoice');
  });
});

describe("reconcile against a provider's cost export", () => {
  const end = demoSpec().end;
  const days = ['--since', iso(end - 3 * DAY), '--until', iso(end), '--step', '1d'];
  let ours: { day: string; model: string; provider: string; cost: Record<string, number>; total: number }[];

  beforeAll(async () => {
    // Our side, per day and model, from a report on the same data: the export files are made from it.
    const json = JSON.parse(
      (await runMain(['report', '--file', DEMO, ...days, '--by', 'model,provider', '--format', 'json', '--decimals', '9'])).stdout,
    );
    ours = json.rows
      .filter((r: any) => r.priced)
      .map((r: any) => ({ day: r.start.slice(0, 10), model: r.group.model, provider: r.group.provider, cost: r.cost, total: r.totalCost }));
  });

  it('a generic export with a missing model, an extra model and a 5% difference: each classed, exit 1', async () => {
    const lines = ['Day,Model,Amount'];
    for (const r of ours) {
      if (r.model.startsWith('claude-sonnet')) continue; // missing from the export
      lines.push(`${r.day},${r.model},${(r.model.startsWith('gemini') ? r.total * 1.05 : r.total).toFixed(9)}`);
    }
    for (const d of new Set(ours.map((r) => r.day))) lines.push(`${d},mistral-large-latest,1.25`); // not in the gateway
    const path = join(dir, 'generic.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const res = await runMain([
      'reconcile',
      '--file',
      DEMO,
      ...days,
      '--invoice',
      path,
      '--invoice-columns',
      'date=Day,model=Model,cost=Amount',
      '--format',
      'json',
    ]);
    expect(res.code).toBe(1);
    const json = JSON.parse(res.stdout);
    const classOf = (m: RegExp) => new Set(json.rows.filter((r: any) => m.test(r.group.model)).map((r: any) => r.class));
    expect(classOf(/^gpt-4o/)).toEqual(new Set(['matched']));
    expect(classOf(/^claude-sonnet/)).toEqual(new Set(['only-ours']));
    expect(classOf(/^gemini/)).toEqual(new Set(['mismatch']));
    expect(classOf(/^mistral/)).toEqual(new Set(['only-theirs']));
    for (const r of json.rows.filter((x: any) => /^gemini/.test(x.group.model))) expect(r.percent).toBeCloseTo(-100 * (0.05 / 1.05), 2);
    expect(json.rows.filter((r: any) => r.class === 'only-theirs').length).toBe(3);
    expect(
      json.rows.filter((r: any) => /^gemini|^claude-sonnet|^mistral/.test(r.group.model)).every((r: any) => r.withinTolerance === false),
    ).toBe(true);
    // Unpriced usage has no money on our side: it is named as the cause, and an amount of 0 does not fail the gate.
    const llama = json.rows.filter((r: any) => /^llama/.test(r.group.model));
    expect(llama.length).toBe(3);
    expect(llama.every((r: any) => r.class === 'only-ours' && r.withinTolerance && r.causes[0].startsWith('unpriced model'))).toBe(true);
  });

  it("an OpenAI export: only OpenAI's models are compared; per token type, the cause points at the type", async () => {
    const lines = [
      'start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,line_item,project_id,organization_id,organization_name',
    ];
    const types: Record<string, string> = { input: 'input', cached_input: 'cached input', output: 'output' };
    for (const r of ours.filter((x) => x.provider === 'openai')) {
      const t0 = Date.parse(`${r.day}T00:00:00Z`) / 1000;
      for (const [type, name] of Object.entries(types)) {
        const c = (r.cost[type] ?? 0) * (r.model.startsWith('gpt-4o-mini') && type === 'cached_input' ? 1.5 : 1);
        lines.push(`${t0},${t0 + 86400},,,${c.toFixed(9)},usd,"${r.model}, ${name}",proj_1,org-1,Acme`);
      }
    }
    const path = join(dir, 'openai.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const res = await runMain(['reconcile', '--file', DEMO, ...days, '--invoice', path, '--format', 'json']);
    const json = JSON.parse(res.stdout);
    expect(new Set(json.rows.map((r: any) => r.group.model.replace(/-\d{4}-\d{2}-\d{2}$/, '')))).toEqual(
      new Set(['gpt-4o', 'gpt-4o-mini']),
    );
    const mini = json.rows.filter((r: any) => r.group.model.startsWith('gpt-4o-mini'));
    expect(
      mini.every(
        (r: any) =>
          r.class === 'mismatch' && r.causes.some((c: string) => c.startsWith('most of the difference is in cached_input tokens')),
      ),
    ).toBe(true);
    expect(json.rows.filter((r: any) => !r.group.model.startsWith('gpt-4o-mini')).every((r: any) => r.class === 'matched')).toBe(true);
    expect(json.notes).toContain('only our usage billed by openai is compared');
  });

  it('a window that is not whole UTC days, an export in another currency: exit 2', async () => {
    const path = join(dir, 'one.csv');
    writeFileSync(path, 'Day,Model,Amount,Currency\n2026-11-20,gpt-4o,1,EUR\n');
    const cols = ['--invoice', path, '--invoice-columns', 'date=Day,model=Model,cost=Amount'];
    const skew = await runMain([
      'reconcile',
      '--file',
      DEMO,
      '--since',
      '2026-11-20T06:00:00Z',
      '--until',
      '2026-11-21T00:00:00Z',
      ...cols,
    ]);
    expect(skew.code).toBe(2);
    expect(skew.stderr).toContain('whole UTC days');
    const eur = await runMain([
      'reconcile',
      '--file',
      DEMO,
      ...days,
      ...cols.slice(0, 3),
      'date=Day,model=Model,cost=Amount,currency=Currency',
    ]);
    expect(eur.code).toBe(2);
    expect(eur.stderr).toContain('one.csv: line 2: amounts in EUR, prices in USD');
  });
});

describe("Kong's and llm_tokens' own cost counters", () => {
  // fixtures/dialects/kong.prom (a snapshot: totals since the counters started), per 1M tokens:
  //   gpt-4o: 25 prompt × 2.50 + 12 completion × 10 = 0.0000625 + 0.00012 = 0.0001825; Kong says 0.00018
  //     (a difference of 0.0000025: within 0.01).
  //   mistral-large-latest: 1,000,000 × 0.50 + 250,000 × 1.50 = 0.875; Kong has no cost series for it.
  it('Kong: the matched model and the one its counter lacks', async () => {
    const res = await runMain(['reconcile', '--file', 'fixtures/dialects/kong.prom', '--by', 'model', '--format', 'json']);
    expect(res.code).toBe(1);
    const json = JSON.parse(res.stdout);
    expect(json.against).toBe('kong_ai_llm_cost_total');
    expect(json.rows.map((r: any) => [r.group.model, r.ours, r.theirs, r.class, r.causes])).toEqual([
      ['mistral-large-latest', 0.875, null, 'only-ours', ['no cost counter for this group']],
      ['gpt-4o', 0.000183, 0.00018, 'matched', []],
    ]);
  });

  // fixtures/dialects/llm-tokens.prom: search 1,000,000 in × 0.15 + 200,000 out × 0.60 = 0.27, which is
  // its llm_total_cost_usd; growth 400,000 × 0.15 + 100,000 × 0.60 = 0.12, with no cost series.
  it('llm_tokens: the cost gauge per team; by model it cannot be split, and says so', async () => {
    const res = await runMain(['reconcile', '--file', 'fixtures/dialects/llm-tokens.prom', '--by', 'team', '--format', 'json']);
    expect(res.code).toBe(1);
    const json = JSON.parse(res.stdout);
    expect(json.against).toBe('llm_total_cost_usd');
    expect(json.rows.map((r: any) => [r.group.team, r.ours, r.theirs, r.class])).toEqual([
      ['growth', 0.12, null, 'only-ours'],
      ['search', 0.27, 0.27, 'matched'],
    ]);
    const byModel = await runMain(['reconcile', '--file', 'fixtures/dialects/llm-tokens.prom', '--by', 'model']);
    expect(byModel.code).toBe(1);
    expect(byModel.stdout).toContain(
      "only-theirs (no model): the gateway's cost counter has no model label, so its cost cannot be split by it: reconcile without it in --by",
    );
  });
});

describe('likely causes', () => {
  const generic = (name: string, lines: string[]) => {
    const path = join(dir, name);
    writeFileSync(path, `Day,Model,Amount\n${lines.join('\n')}\n`);
    return ['--invoice', path, '--invoice-columns', 'date=Day,model=Model,cost=Amount'];
  };
  const causesOf = (json: any) => Object.fromEntries(json.rows.map((r: any) => [r.group.model, [r.class, r.causes]]));

  it('tier not modelled: theirs between the least long requests can cost (request-size histograms) and the most; not above it', async () => {
    // fixtures/chargeback/long-context.om: ours 6.2414425 with the surcharge of the request that surely
    // crossed (test/scenario/export.test.ts works it out).
    const lc = ['--file', 'fixtures/chargeback/long-context.om', ...window, '--max-staleness', '24h', '--format', 'json'];
    const between = await runMain(['reconcile', ...lc, ...generic('lc.csv', ['2026-11-20,gpt-5.4,7.50'])]);
    expect(between.code).toBe(1);
    const json = JSON.parse(between.stdout);
    expect(json.rows.map((r: any) => [r.group.model, r.ours, r.theirs, r.class])).toEqual([['gpt-5.4', 6.241443, 7.5, 'mismatch']]);
    expect(json.rows[0].causes[0]).toMatch(
      /^tier not modelled: long requests bill the whole request at a higher rate that token counters cannot see \(ours 6\.24 USD, the least long requests can cost; [\d.]+ USD if every request crossed the threshold\)$/,
    );
    // Every token at the long-context rate, $5 / $0.50 / $22.50, is at most 1,530,000 × 5 + 500,000
    // × 0.50 + 53,000 × 22.50 = 9.0925: 20.00 is beyond any tier.
    const above = await runMain(['reconcile', ...lc, ...generic('lc2.csv', ['2026-11-20,gpt-5.4,20.00'])]);
    const causes = JSON.parse(above.stdout).rows[0].causes as string[];
    expect(causes.some((c) => c.startsWith('tier not modelled'))).toBe(false);
  });

  it('tier not modelled: half of ours (batch, flex), twice ours (priority)', async () => {
    // The LiteLLM day: gpt-4o-mini 0.0885 (billed 0.04425), claude-3-7-sonnet 0.93 (billed 1.86). Rows are
    // keyed by the price entry both names resolve to (claude-3-7-sonnet-latest).
    const res = await runMain([
      'reconcile',
      '--file',
      LITELLM,
      ...window,
      ...generic('tiers.csv', ['2026-11-20,gpt-4o-mini,0.04425', '2026-11-20,claude-3-7-sonnet-20250219,1.86']),
      '--tolerance-amount',
      '0',
      '--format',
      'json',
    ]);
    expect(res.code).toBe(1);
    expect(causesOf(JSON.parse(res.stdout))).toEqual({
      'gpt-4o-mini': [
        'mismatch',
        ['tier not modelled: theirs is half of ours, as batch or flex pricing bills; the series carry no service tier label'],
      ],
      'claude-3-7-sonnet-latest': [
        'mismatch',
        ['tier not modelled: theirs is about twice ours, as priority pricing bills; the series carry no service tier label'],
      ],
    });
  });

  it('cache not reported: the gateway saw no cached tokens, the provider billed cache reads', async () => {
    // gpt-4o-2024-08-06 on 2026-11-20: 2,000,000 input (none cached, says the gateway) × 2.50 = 5.00 and 100,000
    // output × 10 = 1.00: ours 6.00. OpenAI bills 1,000,000 input × 2.50 = 2.50, 1,000,000 cached
    // × 1.25 = 1.25 and the output 1.00: 4.75.
    const t0 = Date.parse('2026-11-20T00:30:00Z');
    const t1 = Date.parse('2026-11-20T23:30:00Z');
    const prom = join(dir, 'no-cache.prom');
    writeFileSync(
      prom,
      [
        '# TYPE llm_tokens_in_total counter',
        `llm_tokens_in_total{model="gpt-4o-2024-08-06",team="search"} 0 ${t0}`,
        `llm_tokens_in_total{model="gpt-4o-2024-08-06",team="search"} 2000000 ${t1}`,
        '# TYPE llm_tokens_out_total counter',
        `llm_tokens_out_total{model="gpt-4o-2024-08-06",team="search"} 0 ${t0}`,
        `llm_tokens_out_total{model="gpt-4o-2024-08-06",team="search"} 100000 ${t1}`,
        '',
      ].join('\n'),
    );
    const day = Date.parse('2026-11-20T00:00:00Z') / 1000;
    const invoice = join(dir, 'openai-cache.csv');
    writeFileSync(
      invoice,
      [
        'start_time,end_time,amount_value,amount_currency,line_item,project_id',
        `${day},${day + 86400},2.50,usd,"gpt-4o-2024-08-06, input",proj_1`,
        `${day},${day + 86400},1.25,usd,"gpt-4o-2024-08-06, cached input",proj_1`,
        `${day},${day + 86400},1.00,usd,"gpt-4o-2024-08-06, output",proj_1`,
        '',
      ].join('\n'),
    );
    const res = await runMain(['reconcile', '--file', prom, ...window, '--max-staleness', '1h', '--invoice', invoice, '--format', 'json']);
    expect(res.code).toBe(1);
    const json = JSON.parse(res.stdout);
    expect(json.rows.map((r: any) => [r.ours, r.theirs, r.class])).toEqual([[6, 4.75, 'mismatch']]);
    expect(json.rows[0].causes).toEqual([
      'cache not reported: the gateway reported no cached tokens, so any the provider served from cache were priced as full input',
      'most of the difference is in input tokens (ours 5.00 USD, theirs 2.50 USD)',
    ]);
  });
});
