import { describe, expect, it } from 'vitest';
import { parseAmount, parseInvoice, modelIdOf } from '../../src/chargeback/invoice.js';
import { mergeLedger, newestComplete, parseLedger, type LedgerLayout } from '../../src/chargeback/ledger.js';
import { choosePeriods, exportPlan, type ExportSchedule } from '../../src/chargeback/periods.js';
import { within } from '../../src/chargeback/reconcile.js';
import { TokenspendError } from '../../src/errors.js';

const T = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const day = (schedule: Partial<ExportSchedule> = {}): ExportSchedule => ({
  unit: 'day',
  zone: 'UTC',
  choice: { kind: 'last', count: 1 },
  includeCurrent: false,
  ...schedule,
});
const bounds = (ps: { start: number; end: number; complete: boolean }[]) =>
  ps.map((p) => `${iso(p.start)}..${iso(p.end)}${p.complete ? '' : ' partial'}`);

describe('which periods an export writes', () => {
  const long = T('2026-01-01T00:00:00Z');

  it('the last complete day before the anchor; a day ending exactly at the anchor is complete', () => {
    expect(bounds(choosePeriods(day(), T('2026-11-21T23:40:37Z'), long))).toEqual(['2026-11-20T00:00:00Z..2026-11-21T00:00:00Z']);
    expect(bounds(choosePeriods(day(), T('2026-11-21T00:00:00Z'), long))).toEqual(['2026-11-20T00:00:00Z..2026-11-21T00:00:00Z']);
  });

  it('the last N, oldest first; the current one only when asked, marked partial', () => {
    const s = day({ choice: { kind: 'last', count: 3 }, includeCurrent: true });
    expect(bounds(choosePeriods(s, T('2026-11-21T05:00:00Z'), long))).toEqual([
      '2026-11-18T00:00:00Z..2026-11-19T00:00:00Z',
      '2026-11-19T00:00:00Z..2026-11-20T00:00:00Z',
      '2026-11-20T00:00:00Z..2026-11-21T00:00:00Z',
      '2026-11-21T00:00:00Z..2026-11-22T00:00:00Z partial',
    ]);
  });

  it('catch-up: every complete period from the ledger newest end on; none when it is up to date', () => {
    const s = day({ choice: { kind: 'catch-up', since: T('2026-11-18T00:00:00Z') } });
    expect(bounds(choosePeriods(s, T('2026-11-21T02:00:00Z'), long))).toEqual([
      '2026-11-18T00:00:00Z..2026-11-19T00:00:00Z',
      '2026-11-19T00:00:00Z..2026-11-20T00:00:00Z',
      '2026-11-20T00:00:00Z..2026-11-21T00:00:00Z',
    ]);
    const upToDate = day({ choice: { kind: 'catch-up', since: T('2026-11-21T00:00:00Z') } });
    expect(choosePeriods(upToDate, T('2026-11-21T02:00:00Z'), long)).toEqual([]);
  });

  it('ISO weeks (Monday) and months, and days in a zone with a DST change (a 25-hour day)', () => {
    // 2026-11-25 is a Wednesday: the last complete week is Mon 16th to Mon 23rd.
    expect(bounds(choosePeriods(day({ unit: 'week' }), T('2026-11-25T12:00:00Z'), long))).toEqual([
      '2026-11-16T00:00:00Z..2026-11-23T00:00:00Z',
    ]);
    expect(bounds(choosePeriods(day({ unit: 'month' }), T('2026-11-25T12:00:00Z'), long))).toEqual([
      '2026-10-01T00:00:00Z..2026-11-01T00:00:00Z',
    ]);
    // Berlin leaves summer time on 2026-10-25: that day runs from 22:00Z on the 24th to 23:00Z on the 25th.
    const berlin = day({ zone: 'Europe/Berlin' });
    expect(bounds(choosePeriods(berlin, T('2026-10-26T08:00:00Z'), long))).toEqual(['2026-10-24T22:00:00Z..2026-10-25T23:00:00Z']);
  });

  it('--periods N beyond the history read is an error, not a shorter ledger', () => {
    const s = day({ choice: { kind: 'last', count: 3 } });
    expect(() => choosePeriods(s, T('2026-11-21T05:00:00Z'), T('2026-11-19T00:00:00Z'))).toThrow(/only 2 complete days/);
  });

  it('the history read reaches the oldest period wanted', () => {
    expect(exportPlan(day({ choice: { kind: 'last', count: 3 } }), T('2026-11-21T05:00:00Z')).historyDays).toBeGreaterThanOrEqual(4);
    const catchUp = exportPlan(day({ choice: { kind: 'catch-up', since: T('2026-11-01T00:00:00Z') } }), T('2026-11-21T05:00:00Z'));
    expect(catchUp.historyDays).toBeGreaterThanOrEqual(21);
  });
});

const layout: LedgerLayout = {
  kind: 'csv',
  header: 'row_id,period,period_start,period_end,complete,team,total_cost,exported_at\n',
  fields: { start: 'period_start', end: 'period_end', unit: 'period', complete: 'complete', exportedAt: 'exported_at' },
  unit: 'day',
};
const D1 = ['2026-11-19T00:00:00Z', '2026-11-20T00:00:00Z'] as const;
const D2 = ['2026-11-20T00:00:00Z', '2026-11-21T00:00:00Z'] as const;
const row = (id: string, [s, e]: readonly string[], team: string, cost: string, at: string) =>
  `${id},day,${s},${e},true,${team},${cost},${at}\n`;
const block = ([start, end]: readonly string[], rows: [string, string, string][]) => ({
  start: start as string,
  end: end as string,
  render: (at: string) => rows.map(([id, team, cost]) => row(id, [start as string, end as string], team, cost, at)),
});

describe('the ledger merge', () => {
  // A hand-edited file: a quoted cell with a comma, CRLF kept as is in a record the merge must not touch.
  const existing = `${layout.header}${row('a1', D1, '"search, eu"', '1.50', '2026-11-20T01:00:00Z')}${row('a2', D1, 'ads', '0.25', '2026-11-20T01:00:00Z')}`;

  it('adds a new period after the old ones and leaves the old records byte for byte', () => {
    const records = parseLedger(existing, layout, 'ledger.csv');
    const merged = mergeLedger(records, layout, [block(D2, [['b1', 'ads', '3.00']])], '2026-11-21T01:00:00Z');
    expect(merged.text).toBe(`${existing}${row('b1', D2, 'ads', '3.00', '2026-11-21T01:00:00Z')}`);
    expect(merged.written).toEqual([`${D2[0]}..${D2[1]}`]);
  });

  it('replaces exactly the rows of a period exported again with other numbers, in period order', () => {
    const withD2 = `${existing}${row('b1', D2, 'ads', '3.00', '2026-11-21T01:00:00Z')}`;
    const merged = mergeLedger(parseLedger(withD2, layout, 'l'), layout, [block(D1, [['a2', 'ads', '0.30']])], '2026-11-22T09:00:00Z');
    expect(merged.text).toBe(
      `${layout.header}${row('a2', D1, 'ads', '0.30', '2026-11-22T09:00:00Z')}${row('b1', D2, 'ads', '3.00', '2026-11-21T01:00:00Z')}`,
    );
  });

  it('a period exported again with the same rows keeps its old bytes, export time included', () => {
    const again = block(D1, [
      ['a1', '"search, eu"', '1.50'],
      ['a2', 'ads', '0.25'],
    ]);
    const merged = mergeLedger(parseLedger(existing, layout, 'l'), layout, [again], '2026-11-23T00:00:00Z');
    expect(merged.text).toBe(existing);
    expect(merged.unchanged).toEqual([`${D1[0]}..${D1[1]}`]);
  });

  it('a period that now reads as no usage keeps its old rows and says so', () => {
    const merged = mergeLedger(parseLedger(existing, layout, 'l'), layout, [block(D1, [])], '2026-11-23T00:00:00Z');
    expect(merged.text).toBe(existing);
    expect(merged.keptEmpty).toEqual([`${D1[0]}..${D1[1]}`]);
  });

  it('the newest complete period is where --catch-up starts', () => {
    const partial = row('p', D2, 'ads', '1', 'x').replace(',true,', ',false,');
    expect(newestComplete(parseLedger(`${existing}${partial}`, layout, 'l'))).toBe(T(D1[1]));
  });

  it('a file of other columns or another period unit is a usage error naming it', () => {
    const other = existing.replace('team', 'feature');
    expect(() => parseLedger(other, layout, 'ledger.csv')).toThrow(/ledger.csv: its columns are not the ones this export writes/);
    const weekly = existing.replace(/,day,/g, ',week,');
    expect(() => parseLedger(weekly, layout, 'ledger.csv')).toThrow(/holds week periods; this export writes day periods/);
    try {
      parseLedger(other, layout, 'ledger.csv');
    } catch (e) {
      expect((e as TokenspendError).exitCode).toBe(2);
    }
  });
});

describe('provider cost exports', () => {
  it('amounts exactly, in femto-units, from plain or E-notation decimals', () => {
    expect(parseAmount('0.8958740000000000')).toBe(895_874_000_000_000n);
    expect(parseAmount('12')).toBe(12_000_000_000_000_000n);
    expect(parseAmount('-0.5')).toBe(-500_000_000_000_000n);
    expect(parseAmount('1.5e-3')).toBe(1_500_000_000_000n);
    expect(parseAmount('$3')).toBeUndefined();
    expect(parseAmount('1,5')).toBeUndefined();
  });

  it("OpenAI's export: unix-second days, line_item = model and token type; a day without charges is skipped", () => {
    const text = [
      'start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,line_item,project_id,organization_id,organization_name',
      '1763596800,1763683200,2025-11-20T00:00:00+00:00,2025-11-21T00:00:00+00:00,1.25,usd,"gpt-4o-2024-08-06, input",proj_1,org-1,Acme',
      '1763596800,1763683200,2025-11-20T00:00:00+00:00,2025-11-21T00:00:00+00:00,0.5,usd,"gpt-4o-2024-08-06, cached input",proj_1,org-1,Acme',
      '1763683200,1763769600,2025-11-21T00:00:00+00:00,2025-11-22T00:00:00+00:00,,,,,,',
    ].join('\n');
    const inv = parseInvoice(text, 'openai.csv', 'auto', undefined);
    expect(inv.format).toBe('openai');
    expect(inv.provider).toBe('openai');
    expect(inv.lines).toEqual([
      {
        start: T('2025-11-20T00:00:00Z'),
        end: T('2025-11-21T00:00:00Z'),
        model: 'gpt-4o-2024-08-06',
        tokenType: 'input',
        cost: 1_250_000_000_000_000n,
        currency: 'USD',
        line: 2,
      },
      {
        start: T('2025-11-20T00:00:00Z'),
        end: T('2025-11-21T00:00:00Z'),
        model: 'gpt-4o-2024-08-06',
        tokenType: 'cached_input',
        cost: 500_000_000_000_000n,
        currency: 'USD',
        line: 3,
      },
    ]);
  });

  it("Anthropic's export: usage_date_utc, display names as ids, token types; charges that are not tokens have no model", () => {
    const text = [
      'usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd,list_price_usd,cost_type',
      '2025-11-20,Claude Haiku 4.5,Default,k,message,≤ 200k,input_no_cache,0.05,0.05,token',
      '2025-11-20,Claude Haiku 4.5,Default,k,message,≤ 200k,input_cache_read,0.01,0.01,token',
      '2025-11-20,,Default,k,web_search,,,0.20,0.20,web_search',
    ].join('\n');
    const inv = parseInvoice(text, 'anthropic.csv', 'auto', undefined);
    expect(inv.format).toBe('anthropic');
    expect(inv.lines.map((l) => [l.model, l.tokenType, l.cost])).toEqual([
      ['claude-haiku-4-5', 'input', 50_000_000_000_000n],
      ['claude-haiku-4-5', 'cached_input', 10_000_000_000_000n],
      ['', undefined, 200_000_000_000_000n],
    ]);
    expect(modelIdOf('Claude Sonnet 4.5')).toBe('claude-sonnet-4-5');
    expect(modelIdOf('gpt-4o')).toBe('gpt-4o');
  });

  it('a generic export through a column mapping; bad values name the file, line and column', () => {
    const text = 'Day,Model,Amount\n2025-11-20,gpt-4o,2.00\n2025-11-21,gpt-4o,oops\n';
    const columns = { date: 'Day', model: 'Model', cost: 'Amount' };
    expect(() => parseInvoice(text, 'g.csv', 'auto', columns)).toThrow('g.csv: line 3: expected an amount like 12.34, got "oops"');
    const ok = parseInvoice('Day,Model,Amount\n2025-11-20,gpt-4o,2.00\n', 'g.csv', 'auto', columns);
    expect(ok.lines).toEqual([
      {
        start: T('2025-11-20T00:00:00Z'),
        end: T('2025-11-21T00:00:00Z'),
        model: 'gpt-4o',
        tokenType: undefined,
        cost: 2_000_000_000_000_000n,
        currency: undefined,
        line: 2,
      },
    ]);
    expect(() => parseInvoice('Day,Model,Amount\nNov 20,gpt-4o,1\n', 'g.csv', 'generic', columns)).toThrow(
      'g.csv: line 2: Day: expected a date',
    );
    expect(() => parseInvoice('a,b\n1,2\n', 'x.csv', 'auto', undefined)).toThrow(
      /not an OpenAI or Anthropic cost export \(columns: a, b\)/,
    );
    expect(() => parseInvoice('Day,Model\n', 'g.csv', 'auto', columns)).toThrow('g.csv: no column "Amount"');
  });
});

describe('tolerance', () => {
  const F = 1_000_000_000_000_000n; // one currency unit in femto-units
  const tol = { share: 0.01, amount: F / 100n };
  it('a difference up to the amount, or up to the share of the larger side, is a match', () => {
    expect(within(F / 100n, 0n, tol)).toBe(true); // $0.01 against nothing
    expect(within(F / 50n, 0n, tol)).toBe(false); // $0.02 against nothing
    expect(within(100n * F, 101n * F, tol)).toBe(true); // $1 on $101: under 1%
    expect(within(100n * F, 105n * F, tol)).toBe(false); // 5%
  });
});

describe('hostile files never crash the parsers', () => {
  it('any text as an export or a ledger: parsed, or a usage error (exit 2), never anything else', async () => {
    const fc = (await import('fast-check')).default;
    const headers = [
      'start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,line_item\n',
      'usage_date_utc,model,token_type,cost_usd,cost_type\n',
      '',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...headers), fc.string({ unit: 'binary', maxLength: 300 }), (head, body) => {
        for (const parseIt of [
          () => parseInvoice(head + body, 'x.csv', 'auto', undefined),
          () => parseInvoice(head + body, 'x.csv', 'generic', { date: 'a', model: 'b', cost: 'c' }),
          () => parseLedger(`${layout.header}${body}`, layout, 'l.csv'),
          () => parseLedger(body, { ...layout, kind: 'jsonl', header: undefined }, 'l.jsonl'),
        ]) {
          try {
            parseIt();
          } catch (e) {
            if (!(e instanceof TokenspendError) || e.exitCode !== 2) throw e;
          }
        }
      }),
      { numRuns: 300, seed: 20261124 },
    );
  });
});
