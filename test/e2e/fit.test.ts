import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/render/terminal.js';
import { run } from '../helpers/cli.js';

// Every table of the demo fits 80 and 100 columns: no line is wider, and what matters is still there.

const DEMO = 'fixtures/demo/history.om.gz';
const dir = mkdtempSync(join(tmpdir(), 'tokenspend-fit-'));
const BUDGETS = join(dir, 'budgets.yaml');

beforeAll(() => {
  writeFileSync(
    BUDGETS,
    [
      'budgets:',
      '  - { name: all-gateways-daily, period: day, limit: 50, warn: 80% }',
      '  - { name: per-gateway-weekly-with-a-long-name, each: gateway, period: week, limit: 200 }',
      '  - { name: search-team-monthly, match: { team: search }, period: month, limit: 500, forecast: true }',
      '',
    ].join('\n'),
  );
});

function widest(text: string): number {
  return Math.max(...text.split('\n').map(displayWidth));
}

const money = (x: number) => `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

const WIDTHS = [80, 100];

/** The table at each width, and the JSON of the same command, all at once. */
async function tables(args: string[]) {
  const [json, ...at] = await Promise.all([
    run([...args, '--format', 'json']),
    ...WIDTHS.map((w) => run(args, { env: { COLUMNS: String(w) } })),
  ]);
  return { json, at: at.map((r, i) => ({ ...r, width: WIDTHS[i] as number })) };
}

describe('every table fits 80 and 100 columns on the demo', () => {
  it('report by gateway and model', async () => {
    const { json, at } = await tables(['report', '--file', DEMO, '--window', '7d', '--by', 'gateway,model']);
    const j = JSON.parse(json.stdout);
    for (const table of at) {
      expect(table.code).toBe(0);
      expect(widest(table.stdout), `${table.width}`).toBeLessThanOrEqual(table.width);
      // Every group and the total are on the table.
      expect(table.stdout).toContain(money(j.totals.totalCost));
      expect(table.stdout.split('\n').filter((l) => l.startsWith('│ gw-'))).toHaveLength(j.rows.length);
    }
  });

  it('budget check with three budgets', async () => {
    const { json, at } = await tables(['budget', 'check', '--budgets', BUDGETS, '--file', DEMO]);
    const j = JSON.parse(json.stdout);
    expect(j.budgets.length).toBeGreaterThanOrEqual(3);
    for (const table of at) {
      expect(table.code).toBe(json.code);
      expect(widest(table.stdout), `${table.width}`).toBeLessThanOrEqual(table.width);
      // A cut name keeps its start and its end: the `[gateway=…]` that tells the rows apart.
      const names = (b: { instance: string }) => (cell: string) => {
        const [head = '', tail] = cell.split('…');
        return tail === undefined ? cell === b.instance : b.instance.startsWith(head) && b.instance.endsWith(tail) && tail.length >= 6;
      };
      const rows = table.stdout.split('\n').filter((l) => /^│ \S/.test(l) && !l.startsWith('│ Budget '));
      expect(rows).toHaveLength(j.budgets.length);
      for (const b of j.budgets) {
        // Each budget's row, named so it is told apart from the others: the spend and the status, whatever else had to go.
        const named = rows.filter((l) => names(b)((l.split('│')[1] ?? '').trim()));
        expect(named, `${table.width}: ${b.instance}`).toHaveLength(1);
        expect(named[0]).toContain(money(b.spent));
        expect(named[0]).toContain(b.status);
      }
    }
  });

  it('forecast by gateway', async () => {
    const { json, at } = await tables(['forecast', '--file', DEMO, '--by', 'gateway', '--force', '--budget', '2000']);
    for (const table of at) {
      expect(table.code).toBe(0);
      expect(widest(table.stdout), `${table.width}`).toBeLessThanOrEqual(table.width);
      for (const g of JSON.parse(json.stdout).groups) expect(table.stdout).toContain(money(g.forecast.total));
    }
  });

  it('forecast --backtest by team', async () => {
    const { json, at } = await tables(['forecast', '--backtest', '--file', DEMO, '--by', 'team']);
    const j = JSON.parse(json.stdout);
    // Pooled rows first (several groups), then each team's: every method's row with its MASE, the label on the first.
    const sections: { label: string; methods: { method: string; mase: number }[] }[] = [
      { label: 'all groups', methods: j.pooled },
      ...j.groups.map((g: { group: { team: string }; methods: { method: string; mase: number }[] }) => ({
        label: `team=${g.group.team}`,
        methods: g.methods,
      })),
    ];
    expect(sections).toHaveLength(6);
    for (const table of at) {
      expect(table.code).toBe(0);
      expect(widest(table.stdout), `${table.width}`).toBeLessThanOrEqual(table.width);
      const rows = table.stdout.split('\n').filter((l) => /^│ /.test(l) && !l.startsWith('│ Group '));
      expect(rows).toHaveLength(sections.reduce((n, x) => n + x.methods.length, 0));
      let r = 0;
      for (const { label, methods } of sections)
        for (const [i, m] of methods.entries()) {
          const name = i === 0 ? label : '';
          expect(rows[r++], `${table.width}: ${label} ${m.method}`).toMatch(
            new RegExp(`^│ ${name} +│ ${m.method} +│ .* │ +${m.mase.toFixed(2)} │`),
          );
        }
    }
  });
});

describe('narrow terminals', () => {
  it('fall back to one block per row when even the cost does not fit', async () => {
    const r = await run(['report', '--file', DEMO, '--window', '7d', '--by', 'gateway,model'], { env: { COLUMNS: '30' } });
    expect(r.code).toBe(0);
    expect(widest(r.stdout)).toBeLessThanOrEqual(30);
    expect(r.stdout).toMatch(/^gateway +gw-us$/m);
    expect(r.stdout).toMatch(/^Cost +\$\d/m);
  });
});
