import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serve } from '../helpers/cli.js';
import { runMain } from '../helpers/inprocess.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenspend-hostile-'));
const file = (name: string, text: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const closers: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

/** A timestamped counter of gpt-4o-mini input tokens: values at minutes 1, 2, 3… */
function history(values: string[]): string {
  return values.map((v, i) => `llm_tokens_in_total{model="gpt-4o-mini"} ${v} ${1_763_600_000 + 60 * (i + 1)}`).join('\n') + '\n# EOF\n';
}

describe('values no counter can hold', () => {
  it.each([
    ['+Inf', '+Inf'],
    ['inf', 'inf'],
    ['Infinity', 'Infinity'],
    ['1e309', '1e309'],
    ['a million digits', '9'.repeat(1_000_000)],
    ['-Inf', '-Inf'],
  ])('%s between 100 and 110 is skipped: 10 tokens, not 210, and an INVALID_SAMPLES error', async (_label, bad) => {
    const f = file('inf.om', history(['100', bad, '110']));
    const r = await runMain(['report', '--file', f, '--format', 'json', '--lookback', '1d']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    // The series is born with the window (no sample before it): 100 + (110 − 100).
    expect(json.totals.tokens.input).toBe(110);
    expect(json.coverage.invalidSamples).toBe(1);
    expect(json.coverage.resets).toBe(0);
    expect(json.warnings.map((w: any) => w.code)).toContain('INVALID_SAMPLES');
    const strict = await runMain(['report', '--file', f, '--strict']);
    expect(strict.code).toBe(4);
  });

  it('NaN (a staleness marker) is skipped without an error', async () => {
    const f = file('nan.om', history(['100', 'NaN', '110']));
    const r = await runMain(['report', '--file', f, '--format', 'json', '--strict']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).totals.tokens.input).toBe(110);
  });

  it('a negative or out-of-range value in a snapshot is not billed', async () => {
    const f = file(
      'neg.prom',
      'llm_tokens_in_total{model="gpt-4o-mini"} -5\nllm_tokens_in_total{model="gpt-4o"} 9007199254740994\nllm_tokens_out_total{model="gpt-4o"} 7\n',
    );
    const r = await runMain(['report', '--file', f, '--format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.totals.tokens).toEqual({ input: 0, cached_input: 0, cache_write: 0, output: 7 });
    expect(json.coverage.invalidSamples).toBe(2);
  });

  it('a timestamp outside any date is a malformed file (exit 3, with the line)', async () => {
    const f = file(
      'ts.prom',
      'llm_tokens_in_total{model="gpt-4o"} 5 1700000000000\nllm_tokens_in_total{model="gpt-4o"} 6 8640000000000001\n',
    );
    const r = await runMain(['report', '--file', f]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ts.prom:2: metric "llm_tokens_in_total" has timestamp "8640000000000001", outside any date');
  });

  it('a UTF-8 byte-order mark at the start is accepted', async () => {
    const f = file('bom.prom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('llm_tokens_in_total{model="gpt-4o"} 5\n')]));
    const r = await runMain(['report', '--file', f, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).totals.tokens.input).toBe(5);
  });
});

describe('invalid configuration is exit 2 with file and path', () => {
  const KONG = 'fixtures/dialects/kong.prom';
  const budgets = (name: string, yaml: string) => file(name, `budgets:\n${yaml}`);

  it.each([
    [
      'period: 0d',
      '  - { name: a, period: 0d, limit: 1 }\n',
      'budgets[0].period: expected day, week, month, quarter, year or a rolling duration',
    ],
    ['a century-long period', '  - { name: a, period: 99999999999999d, limit: 1 }\n', 'budgets[0].period: expected day'],
    [
      'burn windows [0m]',
      '  - { name: a, period: day, limit: 1 }\n  - { name: b, burn_rate: { windows: [0m], factor: 2, of: a } }\n',
      'budgets[1].burn_rate.windows[0]: expected a duration like 1h or 5m (longer than zero)',
    ],
    ['a catastrophic regex', '  - { name: a, period: day, limit: 1, match: ["team=~(a+)+$"] }\n', 'could take exponential time'],
    ['an absurd limit', '  - { name: a, period: day, limit: 1e300 }\n', 'budgets[0].limit: expected a limit below 10^15'],
  ])('budgets: %s', async (_label, yaml, message) => {
    const f = budgets(`b-${Math.random()}.yaml`, yaml);
    const r = await runMain(['budget', 'check', '--budgets', f, '--file', KONG]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(f);
    expect(r.stderr).toContain(message);
  });

  const price = (models: string) => file(`p-${Math.random()}.yaml`, `version: "1"\ncurrency: USD\nmodels:\n${models}`);

  it.each([
    [
      'from: 2024-02-30',
      '  a:\n    provider: x\n    prices:\n      - { from: 2024-02-30, input: "1" }\n',
      'models.a.prices[0].from: expected a date like 2025-01-31',
    ],
    [
      'an alias that is another model',
      '  a:\n    provider: x\n    aliases: [b]\n    prices: [{ from: 2024-01-01, input: "1" }]\n  b:\n    provider: x\n    prices: [{ from: 2024-01-01, input: "2" }]\n',
      'models.a.aliases[0]: "b" is the id of another model',
    ],
    [
      'a catastrophic pattern',
      '  a:\n    provider: x\n    patterns: ["(x+x+)+y"]\n    prices: [{ from: 2024-01-01, input: "1" }]\n',
      'models.a.patterns[0]: the regular expression "(x+x+)+y" could take exponential time',
    ],
    [
      'a YAML alias bomb',
      `  a:\n    provider: x\n    note: &a [x, x, x, x, x, x, x, x, x]\n    prices: [{ from: 2024-01-01, input: "1" }]\n${Array.from({ length: 120 }, (_, i) => `  m${i}: { provider: *a }\n`).join('')}`,
      'cannot be read',
    ],
  ])('pricing: %s', async (_label, models, message) => {
    const f = price(models);
    const r = await runMain(['report', '--file', KONG, '--pricing', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}: `);
    expect(r.stderr).toContain(message);
  });

  it.each([
    [['--decimals', '16'], '--decimals: expected 0 to 15 digits'],
    [['--match', 'model=~(a*)*b'], 'could take exponential time'],
    [['--window', '99999999999d'], '--window: expected a duration like 24h or 7d'],
    [['--header', 'X-Evil: a\u0000b', '--scrape', 'http://127.0.0.1:1/metrics'], 'the value of header X-Evil has a control character'],
    [['--header', 'Bad Name: x', '--scrape', 'http://127.0.0.1:1/metrics'], '"Bad Name" is not a valid header name'],
  ])('flags %j', async (flags, message) => {
    const r = await runMain(['report', '--file', KONG, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('label values cannot reach a terminal, spreadsheet or Markdown page as control', () => {
  const hostile = [
    '\u001b[2J', // clear screen
    '\u001b]52;c;aGVsbG8=\u0007', // OSC 52: write the clipboard
    '\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\', // OSC 8 hyperlink
    'a\rb', // bare carriage return
    '\u0007', // bell
    '\u009b31m', // C1 CSI
    'abc\u202edef', // right-to-left override
  ];
  // A Prometheus label value escapes \\ \" and \n; other bytes stand as themselves.
  const exposition = (team: string) =>
    `llm_tokens_in_total{model="gpt-4o-mini",team="${team.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"} 1000\n`;

  it.each(hostile)('table and stderr show %j escaped', async (value) => {
    const f = file(`t-${Math.random()}.prom`, exposition(value));
    const r = await runMain(['report', '--file', f, '--by', 'team']);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    const missing = await runMain(['report', '--file', f, '--match', `team=${value}x`]);
    expect(missing.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it('a newline in a value starts no line of stderr: warnings and errors are one line each', async () => {
    const forged = 'x\ntokenspend: info: all budgets passed';
    const f = file(
      `n-${Math.random()}.prom`,
      `llm_tokens_in_total{model="${forged.replace(/\n/g, '\\n')}",team="${forged.replace(/\n/g, '\\n')}"} 1000\n`,
    );
    const unpriced = await runMain(['report', '--file', f, '--by', 'team']);
    expect(unpriced.code).toBe(0);
    const missing = await runMain(['report', '--file', f, '--match', 'team=y']);
    expect(missing.code).toBe(4);
    // export names unpriced models in a warning, and under --strict in its error.
    const t0 = Date.parse('2026-11-10T00:30:00Z') / 1000;
    const model = forged.replace(/\n/g, '\\n');
    const hourly = Array.from({ length: 24 }, (_, h) => `llm_tokens_in_total{model="${model}"} ${1000 * (h + 1)} ${t0 + 3600 * h}`);
    const history = file(`nh-${Math.random()}.om`, ['# TYPE llm_tokens_in counter', ...hourly, '# EOF', ''].join('\n'));
    const exportArgs = ['export', '--file', history, '--at', '2026-11-11T00:00:00Z', '--output', join(dir, `n-${Math.random()}.csv`)];
    const exported = await runMain(exportArgs);
    expect(exported.code, exported.stderr).toBe(0);
    const strict = await runMain([...exportArgs, '--strict']);
    expect(strict.code).toBe(4);
    for (const stderr of [unpriced.stderr, missing.stderr, exported.stderr, strict.stderr]) {
      expect(stderr).toContain('x\\ntokenspend: info: all budgets passed');
      expect(stderr.split('\n').filter((l) => l.startsWith('tokenspend: info: all budgets'))).toEqual([]);
    }
  });

  it('CSV neutralises formulas and quotes CR and LF, so no value starts a row', async () => {
    for (const value of ['\r=1+1', '=HYPERLINK("http://x")', '+1', '-1+1', '@SUM(A1)', '\t=1', 'a\n=1+1']) {
      const f = file(`c-${Math.random()}.prom`, exposition(value));
      const r = await runMain(['report', '--file', f, '--by', 'team', '--format', 'csv']);
      expect(r.code).toBe(0);
      // Exactly two records: the header and one row; the team cell starts with an apostrophe.
      const { parse } = await import('csv-parse/sync');
      const rows = parse(r.stdout, { relax_column_count: false }) as string[][];
      expect(rows).toHaveLength(2);
      expect(rows[1]?.[2]).toBe(value.startsWith('a') ? value : `'${value}`);
    }
  });

  // Each value and its cell as a CSV reader returns it (checked by hand): controls but tab, CR and
  // LF written as JSON's \\uXXXX escapes.
  it.each([
    ['\u001b[2J', '\\u001b[2J'],
    ['\u001b]52;c;aGVsbG8=\u0007', '\\u001b]52;c;aGVsbG8=\\u0007'],
    ['\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\', '\\u001b]8;;http://x\\u001b\\link\\u001b]8;;\\u001b\\'],
    ['a\rb', 'a\rb'],
    ['\u0007', '\\u0007'],
    ['\u009b31m', '\\u009b31m'],
    ['abc\u202edef', 'abc\\u202edef'],
    ['a\u0000b', 'a\\u0000b'],
  ])('CSV writes %j as %j', async (value, cell) => {
    const f = file(`x-${Math.random()}.prom`, exposition(value));
    const r = await runMain(['report', '--file', f, '--by', 'team', '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/,
    );
    const { parse } = await import('csv-parse/sync');
    const rows = parse(r.stdout, { relax_column_count: false }) as string[][];
    expect(rows).toHaveLength(2);
    expect(rows[1]?.[2]).toBe(cell);
  });

  it.each(['a\u202eb', 'a\u0085b', 'a\u007fb', 'a\u001b[2Jb'])('FOCUS Tags holding %j stay JSON that reads back to it', async (value) => {
    const t0 = Date.parse('2026-11-10T00:00:00Z') / 1000;
    const team = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    const history = file(
      `focus-${Math.random()}.om`,
      [
        '# TYPE llm_tokens_in counter',
        ...Array.from(
          { length: 24 },
          (_, h) => `llm_tokens_in_total{model="gpt-4o-mini",team="${team}"} ${1000 * (h + 1)} ${t0 + 3600 * h}`,
        ),
        '# EOF',
        '',
      ].join('\n'),
    );
    const out = join(dir, `focus-${Math.random()}.csv`);
    const r = await runMain([
      'export',
      '--file',
      history,
      '--at',
      '2026-11-11T00:00:00Z',
      '--format',
      'focus',
      '--billing-account-id',
      'acme',
      '--by',
      'team',
      '--output',
      out,
    ]);
    expect(r.code).toBe(0);
    const { parse } = await import('csv-parse/sync');
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(JSON.parse(row.Tags as string)).toEqual({ team: value });
  });

  it('Markdown escapes pipes, backticks, newlines and HTML in every cell, budget scopes too', async () => {
    const value = 'a|b`c\n<img src=x onerror=alert(1)>';
    const f = file('md.prom', exposition(value));
    const r = await runMain(['report', '--file', f, '--by', 'team', '--format', 'markdown']);
    expect(r.code).toBe(0);
    const row = r.stdout.split('\n').find((l) => l.includes('img')) as string;
    expect(row).toContain('a\\|b\\`c &lt;img src=x onerror=alert(1)&gt;');
    expect(row).not.toContain('<img');
    // The row still has exactly as many cells as the header.
    const cells = (line: string) => line.split(/(?<!\\)\|/).length;
    const header = r.stdout.split('\n').find((l) => l.startsWith('| team')) as string;
    expect(cells(row)).toBe(cells(header));
    const b = file('md-budgets.yaml', `budgets:\n  - name: "x|y"\n    period: month\n    limit: 1\n    match: ["team=~.*<b>.*"]\n`);
    const budget = await runMain(['budget', 'check', '--budgets', b, '--file', f, '--format', 'markdown']);
    expect(budget.stdout).toContain('team=\\~.\\*&lt;b&gt;.\\*');
    expect(budget.stdout).toContain('`x\\|y`');
  });
});

describe('network edges', () => {
  it('--timeout also bounds the TLS handshake of a server that accepts and then says nothing', async () => {
    const silent = createTcpServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    closers.push(() => silent.close());
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    const r = await runMain(['report', '--scrape', `https://127.0.0.1:${port}/metrics`, '--timeout', '300ms']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no answer within 0.3s (--timeout)');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a redirect is named and not followed; a body over --max-response-size is refused', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/old') {
        res.statusCode = 302;
        res.setHeader('location', 'http://user:secret@127.0.0.1:9/new');
        return res.end();
      }
      res.end(`${'# padding\n'.repeat(200_000)}llm_tokens_in_total{model="gpt-4o"} 5\n`);
    });
    closers.push(s.close);
    const moved = await runMain(['report', '--scrape', `${s.url}/old`]);
    expect(moved.code).toBe(3);
    expect(moved.stderr).toContain('HTTP 302: redirected to http://***@127.0.0.1:9/new, not followed');
    expect(moved.stderr).not.toContain('secret');
    const big = await runMain(['report', '--scrape', `${s.url}/big`, '--max-response-size', '1MiB']);
    expect(big.code).toBe(3);
    expect(big.stderr).toContain('the response is larger than 1 MiB (--max-response-size)');
    const fine = await runMain(['report', '--scrape', `${s.url}/big`, '--format', 'json']);
    expect(JSON.parse(fine.stdout).totals.tokens.input).toBe(5);
  });

  it('a --ca-file that holds no certificate is exit 2', async () => {
    const ca = file('garbage.pem', 'not a certificate\n');
    const r = await runMain(['report', '--scrape', 'https://127.0.0.1:1/metrics', '--ca-file', ca]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--ca-file ${ca}: no PEM certificate in it`);
  });
});

describe('--output', () => {
  const args = (out: string) => ['report', '--file', 'fixtures/dialects/kong.prom', '--format', 'csv', '--output', out];

  it('refuses to replace a symbolic link or something that is not a regular file', async () => {
    const target = file('target.csv', 'keep me\n');
    const link = join(dir, 'link.csv');
    symlinkSync(target, link);
    const r = await runMain(args(link));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is a symbolic link; refusing to replace it');
    expect(readFileSync(target, 'utf8')).toBe('keep me\n');
    const folder = join(dir, 'folder.csv');
    mkdirSync(folder);
    const d = await runMain(args(folder));
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('is not a regular file');
  });

  it('keeps the permissions of a file it replaces', async () => {
    const out = file('private.csv', 'old\n');
    chmodSync(out, 0o600);
    const r = await runMain(args(out));
    expect(r.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toContain('period_start,');
  });
});
