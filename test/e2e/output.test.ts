import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenspend-output-'));
const DEMO = ['--file', 'fixtures/demo/history.om.gz', '--window', '7d', '--step', '1d', '--by', 'model,feature'];

describe('report --format jsonl', () => {
  it('one object per row with every key, worked by hand (1M input at $0.15/M + 200k output at $0.60/M = $0.27)', async () => {
    const args = ['report', '--file', 'fixtures/dialects/llm-tokens.prom', '--by', 'team'];
    const [r, json] = await Promise.all([run([...args, '--format', 'jsonl']), run([...args, '--format', 'json'])]);
    expect(r.code).toBe(0);
    const version = JSON.parse(json.stdout).pricing.version as string;
    expect(version).toMatch(/^@pydantic\/genai-prices@/);
    const base = { start: null, end: null, priced: true, unpricedReason: null, costHigh: null, currency: 'USD', pricingVersion: version };
    const lines = r.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        ...base,
        group: { team: 'search' },
        tokens: { input: 1_000_000, cached_input: 0, cache_write: 0, output: 200_000 },
        cost: { input: 0.15, cached_input: 0, cache_write: 0, output: 0.12 },
        totalCost: 0.27,
      },
      {
        ...base,
        group: { team: 'growth' },
        tokens: { input: 400_000, cached_input: 0, cache_write: 0, output: 100_000 },
        cost: { input: 0.06, cached_input: 0, cache_write: 0, output: 0.06 },
        totalCost: 0.12,
      },
    ]);
    expect(Object.keys(JSON.parse(lines[0] as string))).toEqual([
      'start',
      'end',
      'group',
      'priced',
      'unpricedReason',
      'tokens',
      'cost',
      'totalCost',
      'costHigh',
      'currency',
      'pricingVersion',
    ]);
  });

  it('stepped: a line per JSON row with its bucket, the same to stdout and to --output', async () => {
    const out = join(dir, 'week.jsonl');
    const [r, file, json] = await Promise.all([
      run(['report', ...DEMO, '--format', 'jsonl']),
      run(['report', ...DEMO, '--format', 'jsonl', '--output', out]),
      run(['report', ...DEMO, '--format', 'json']),
    ]);
    expect([r.code, file.code, json.code]).toEqual([0, 0, 0]);
    expect(file.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
    expect(readdirSync(dir)).toEqual(['week.jsonl']);
    const rows = JSON.parse(json.stdout).rows as { start: string; end: string; group: object; totalCost: number | null }[];
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as (typeof rows)[number]);
    expect(lines.length).toBe(rows.length);
    expect(lines.length).toBeGreaterThan(40);
    lines.forEach((l, i) => {
      const row = rows[i] as (typeof rows)[number];
      expect([l.start, l.end, l.group, l.totalCost]).toEqual([row.start, row.end, row.group, row.totalCost]);
    });
    expect(new Set(lines.map((l) => l.start)).size).toBe(7);
  });

  it('is a report format only', async () => {
    const r = await run(['forecast', ...DEMO.slice(0, 2), '--format', 'jsonl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("argument 'jsonl' is invalid");
    expect(r.stdout).toBe('');
  });
});

describe('row order whatever the locale', () => {
  it('orders tied rows by code unit, the same under LANG=C, en_US, sv_SE and da_DK', async () => {
    // Four teams with the same tokens of one model: the same cost, so their order is by name.
    // Collation would put `å` first in English, `aa` after `z` in Danish.
    const text = ['aa', 'z', 'å', 'B']
      .map((team) => `llm_tokens_in{model="gpt-4o-mini",team="${team}"} 1000\nllm_tokens_out{model="gpt-4o-mini",team="${team}"} 100\n`)
      .join('');
    const args = ['report', '--file', '-', '--by', 'team', '--format', 'csv'];
    const runs = await Promise.all(
      ['C', 'en_US.UTF-8', 'sv_SE.UTF-8', 'da_DK.UTF-8'].map((lang) => run(args, { stdin: text, env: { LANG: lang, LC_ALL: lang } })),
    );
    for (const r of runs) {
      expect(r.code).toBe(0);
      expect(
        r.stdout
          .split('\n')
          .slice(1, 5)
          .map((l) => l.split(',')[2]),
      ).toEqual(['B', 'aa', 'z', 'å']);
    }
  });
});
