import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCalendar, type CalendarUnit, parseDuration, startOf, wallClock } from '../../src/ledger/time.js';
import { bucketEdges, parseStep, resolveWindow } from '../../src/ledger/periods.js';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (s: string) => Date.parse(s);

describe('durations', () => {
  it('parses compound durations', () => {
    expect(parseDuration('1h30m')).toBe(90 * 60_000);
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('7x')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });
});

describe('UTC without the time-zone database', () => {
  // `UTC` is read with Date's UTC fields; `Etc/UTC` still goes through Intl: they must agree.
  it('reads the same wall clock and calendar edges as Intl does for Etc/UTC', () => {
    const units: CalendarUnit[] = ['hour', 'day', 'week', 'month', 'quarter', 'year'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1600, 0, 1), max: Date.UTC(9999, 11, 1) }),
        fc.constantFrom(...units),
        fc.integer({ min: -30, max: 30 }),
        (ms, unit, n) => {
          expect(wallClock(ms, 'UTC')).toEqual(wallClock(ms, 'Etc/UTC'));
          const start = startOf(ms, unit, 'UTC');
          expect(start).toBe(startOf(ms, unit, 'Etc/UTC'));
          expect(addCalendar(start, unit, n, 'UTC')).toBe(addCalendar(start, unit, n, 'Etc/UTC'));
        },
      ),
      { numRuns: 500 },
    );
    expect(wallClock(Date.UTC(2028, 1, 29, 23, 59, 59, 999), 'UTC')).toEqual({
      year: 2028,
      month: 2,
      day: 29,
      hour: 23,
      minute: 59,
      second: 59,
    });
    expect(() => wallClock(Number.NaN, 'UTC')).toThrow(RangeError);
    expect(() => wallClock(Number.NaN, 'Etc/UTC')).toThrow(RangeError);
  });
});

describe('calendar edges in a time zone', () => {
  it('starts a Berlin day at 23:00 UTC in winter and 22:00 UTC in summer', () => {
    expect(iso(startOf(at('2026-01-15T12:00:00Z'), 'day', 'Europe/Berlin'))).toBe('2026-01-14T23:00:00.000Z');
    expect(iso(startOf(at('2026-07-15T12:00:00Z'), 'day', 'Europe/Berlin'))).toBe('2026-07-14T22:00:00.000Z');
  });

  it('makes the DST change day 23 hours long in Berlin', () => {
    const day = startOf(at('2026-03-29T12:00:00Z'), 'day', 'Europe/Berlin');
    expect(addCalendar(day, 'day', 1, 'Europe/Berlin') - day).toBe(23 * 3_600_000);
  });

  it('starts ISO weeks on Monday', () => {
    // 2026-11-22 is a Sunday.
    expect(iso(startOf(at('2026-11-22T10:00:00Z'), 'week', 'UTC'))).toBe('2026-11-16T00:00:00.000Z');
  });

  it('starts months and quarters on the first', () => {
    expect(iso(startOf(at('2026-11-22T10:00:00Z'), 'month', 'America/New_York'))).toBe('2026-11-01T04:00:00.000Z');
    expect(iso(startOf(at('2026-11-22T10:00:00Z'), 'quarter', 'UTC'))).toBe('2026-10-01T00:00:00.000Z');
  });
});

describe('windows', () => {
  const anchor = at('2026-11-22T10:00:00Z');
  it('resolves calendar windows against the anchor', () => {
    const w = resolveWindow({ window: 'lastmonth' }, anchor, 'UTC');
    expect([iso(w.start), iso(w.end)]).toEqual(['2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z']);
    const y = resolveWindow({ window: 'yesterday' }, anchor, 'Asia/Tokyo');
    // Tokyo is 19:00 on the 22nd: yesterday is the 21st there.
    expect([iso(y.start), iso(y.end)]).toEqual(['2026-11-20T15:00:00.000Z', '2026-11-21T15:00:00.000Z']);
  });

  it('resolves rolling durations ending at the anchor', () => {
    const w = resolveWindow({ window: '7d' }, anchor, 'UTC');
    expect(w.end - w.start).toBe(7 * 86_400_000);
    expect(w.end).toBe(anchor);
  });

  it('rejects nonsense with the accepted forms', () => {
    expect(() => resolveWindow({ window: 'fortnight' }, anchor, 'UTC')).toThrow(/expected a duration like 24h or 7d, or one of today/);
    expect(() => resolveWindow({ since: '2026-11-02T00:00:00Z', until: '2026-11-01T00:00:00Z' }, anchor, 'UTC')).toThrow(/must be after/);
  });

  it('cuts a rolling window into calendar days, first and last partial', () => {
    const w = { start: at('2026-11-20T06:00:00Z'), end: at('2026-11-22T10:00:00Z'), label: 'x' };
    expect(bucketEdges(w, parseStep('1d'), 'UTC').map(iso)).toEqual([
      '2026-11-20T06:00:00.000Z',
      '2026-11-21T00:00:00.000Z',
      '2026-11-22T00:00:00.000Z',
      '2026-11-22T10:00:00.000Z',
    ]);
  });

  it('cuts a month into calendar months of different lengths', () => {
    const w = { start: at('2026-01-01T00:00:00Z'), end: at('2026-04-01T00:00:00Z'), label: 'x' };
    expect(bucketEdges(w, parseStep('1mo'), 'UTC').map(iso)).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
    ]);
  });
});
