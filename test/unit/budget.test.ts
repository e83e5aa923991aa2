import { describe, expect, it } from 'vitest';
import { gateExitCode, type BudgetResult } from '../../src/budget/evaluate.js';
import { periodBounds } from '../../src/ledger/periods.js';
import { parseBudgets } from '../../src/budget/load.js';
import { finding, type FindingCode } from '../../src/findings.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('budgets file', () => {
  it('reads warn levels as shares and matchers in both forms', () => {
    const b = parseBudgets(
      'timezone: Europe/Berlin\nbudgets:\n  - name: a\n    period: month\n    limit: 500\n    warn: 80%\n    match: { team: search }\n  - name: b\n    period: 7d\n    limit: 5.5\n    warn: 0.9\n    match: ["model=~gpt-4.*", "gateway!=dev"]\n',
      'b.yaml',
    );
    expect(b.timezone).toBe('Europe/Berlin');
    expect(b.budgets.map((x) => x.warn)).toEqual([0.8, 0.9]);
    expect(b.budgets[1]?.labels).toEqual(['model', 'gateway']);
    expect(b.budgets[1]?.matchers[0]?.test('gpt-4o')).toBe(true);
    expect(b.budgets[1]?.period).toEqual({ kind: 'rolling', ms: 7 * 86_400_000, label: '7d' });
  });

  it.each([
    [
      'budgets:\n  - name: a\n    period: month\n    limit: 5\n  - name: a\n    period: day\n    limit: 1\n',
      'budgets[1].name: "a" is already the name of budgets[0]',
    ],
    ['budgets:\n  - name: a\n    period: month\n', 'budgets[0].limit: expected a limit'],
    [
      'budgets:\n  - name: a\n    period: month\n    limit: 5\n    warn: 180%\n',
      'budgets[0].warn: expected a share of the limit like 80% or 0.8, got "180%"',
    ],
    [
      'budgets:\n  - name: a\n    period: month\n    limit: 5\n    match: ["team=~("]\n',
      'budgets[0].match[0]: team=~(: invalid regular expression',
    ],
    ['timezone: Mars/Olympus\nbudgets:\n  - name: a\n    period: month\n    limit: 5\n', 'timezone: unknown time zone "Mars/Olympus"'],
    ['budgets:\n  - name: a\n    period: month\n    limit: 5\n    colour: red\n', 'budgets[0]: unknown key "colour"'],
  ])('rejects a bad file with its path (%#)', (text, expected) => {
    expect(() => parseBudgets(text, 'b.yaml')).toThrow(expected);
  });
});

describe('periods', () => {
  const at = Date.parse('2026-11-21T23:40:00Z');
  it('calendar periods in the zone, rolling periods ending now', () => {
    const m = periodBounds({ kind: 'calendar', unit: 'month', label: 'month' }, at, 'Asia/Tokyo');
    // 23:40 UTC on the 21st is the 22nd in Tokyo: still November there.
    expect([iso(m.start), iso(m.end)]).toEqual(['2026-10-31T15:00:00.000Z', '2026-11-30T15:00:00.000Z']);
    const w = periodBounds({ kind: 'calendar', unit: 'week', label: 'week' }, at, 'UTC');
    expect(iso(w.start)).toBe('2026-11-16T00:00:00.000Z');
    const r = periodBounds({ kind: 'rolling', ms: 3_600_000, label: '1h' }, at, 'UTC');
    expect(r.end - r.start).toBe(3_600_000);
  });

  it('an instant exactly at a period edge belongs to the period that ends there', () => {
    const d = periodBounds({ kind: 'calendar', unit: 'day', label: 'day' }, Date.parse('2026-11-22T00:00:00Z'), 'UTC');
    expect(iso(d.start)).toBe('2026-11-21T00:00:00.000Z');
  });
});

describe('the gate', () => {
  const result = (status: BudgetResult['status'], fails: boolean, codes: FindingCode[] = []): BudgetResult =>
    ({ status, fails, findings: codes.map((c) => finding(c, 'error', c)) }) as unknown as BudgetResult;
  it('a certain breach is 1 even when other data is missing; missing data beats a forecast breach', () => {
    expect(gateExitCode([result('ok', false)])).toBe(0);
    expect(gateExitCode([result('breached', true), result('no-data', true, ['NO_DATA'])])).toBe(1);
    expect(gateExitCode([result('breached-by-forecast', true), result('no-data', true, ['NO_DATA'])])).toBe(4);
    expect(gateExitCode([result('breached-by-forecast', true)])).toBe(1);
    expect(gateExitCode([result('breached-by-forecast', false), result('warn', false)])).toBe(0);
  });
});

describe('the documented example', () => {
  it('docs/examples/budgets.yaml is a valid budgets file', async () => {
    const { readFileSync } = await import('node:fs');
    const b = parseBudgets(readFileSync('docs/examples/budgets.yaml', 'utf8'), 'docs/examples/budgets.yaml');
    expect(b.budgets.map((x) => x.name)).toEqual([
      'api-daily',
      'search-team-monthly',
      'platform-monthly',
      'per-team-weekly',
      'runaway-loop',
    ]);
    expect(b.budgets[4]?.burn?.windowsMs).toEqual([3_600_000, 300_000]);
  });
});
