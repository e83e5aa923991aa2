import type { CalendarUnit } from '../ledger/time.js';
import { wallClock } from '../ledger/time.js';

/**
 * Calendar periods in PromQL. PromQL has no time zones: its date functions (`day_of_month()`,
 * `day_of_year()`, `days_in_month()`…) read UTC. A zone becomes its UTC offset as a function of
 * time: a constant, or, where the zone has daylight saving time, the constant plus each change in
 * the years around generation (from the tz database of the Node.js that generates the rules).
 * Local wall-clock time is then UTC time plus that offset, read by the UTC date functions.
 */

const DAY = 86_400_000;

/** A zone's offset as data: seconds east of UTC at the span start, then each change (at, new offset). */
export interface ZoneOffsets {
  zone: string;
  span: { from: number; to: number };
  base: number;
  changes: { at: number; offset: number }[];
}

/** From January 1st of the year of `at` to January 1st four years later: alerts evaluate from now on. */
export function spanAround(at: number): { from: number; to: number } {
  const year = new Date(at).getUTCFullYear();
  return { from: Date.UTC(year, 0, 1), to: Date.UTC(year + 4, 0, 1) };
}

function offsetSeconds(ms: number, zone: string): number {
  const w = wallClock(ms, zone);
  return Math.round((Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000) / 1000);
}

/** The zone's offsets over the span around `at`: scanned day by day, each change found to the second. */
export function zoneOffsets(zone: string, at: number): ZoneOffsets {
  const span = spanAround(at);
  const base = offsetSeconds(span.from, zone);
  const changes: ZoneOffsets['changes'] = [];
  let prev = base;
  for (let t = span.from + DAY; t <= span.to; t += DAY) {
    const now = offsetSeconds(t, zone);
    if (now === prev) continue;
    let lo = t - DAY;
    let hi = t;
    while (hi - lo > 1000) {
      const mid = Math.floor((lo + hi) / 2000) * 1000;
      if (offsetSeconds(mid, zone) === prev) lo = mid;
      else hi = mid;
    }
    changes.push({ at: hi / 1000, offset: now });
    prev = now;
  }
  return { zone, span, base, changes };
}

/**
 * The evaluation time as a one-sample vector that PromQL computes once per evaluation, even inside
 * a subquery (`@ end()` is the instant an alert is evaluated at).
 */
export const EVALUATION_TIME = 'max_over_time(vector(time())[1s:1s] @ end())';

/** The offset (seconds) at the instant `t` (a vector or scalar expression): a number, or a sum of `(t >= bool change)` steps. */
function offsetExpr(z: ZoneOffsets, t: string): string {
  if (z.changes.length === 0) return String(z.base);
  let prev = z.base;
  const steps = z.changes.map((c) => {
    const d = c.offset - prev;
    prev = c.offset;
    return `${d < 0 ? '-' : '+'} ${Math.abs(d)} * (${t} >= bool ${c.at})`;
  });
  return `(${z.base} ${steps.join(' ')})`;
}

/** Local wall-clock time (read as if it were UTC) of the one-sample vector `t`. */
function local(z: ZoneOffsets, t: string): string {
  const off = offsetExpr(z, t);
  return off === '0' ? t : `(${t} + ${off})`;
}

/** 1 in leap years of the local year of `l`, else 0. */
function leap(l: string): string {
  return `((year(${l}) % 4 == bool 0) - (year(${l}) % 100 == bool 0) + (year(${l}) % 400 == bool 0))`;
}

/** Days from January 1st to the first day of quarter `q` (0-3) of the local year of `l`. */
function daysBeforeQuarter(l: string, q: string): string {
  return `((${q} >= bool 1) * (90 + ${leap(l)}) + (${q} >= bool 2) * 91 + (${q} >= bool 3) * 92)`;
}

/** Wall-clock seconds since the local start of the calendar `unit` holding the local time `l`. */
function elapsed(unit: CalendarUnit, l: string): string {
  const inDay = `${l} % 86400`;
  switch (unit) {
    case 'hour':
      return `(${l} % 3600)`;
    case 'day':
      return `(${inDay})`;
    case 'week':
      // ISO weeks start on Monday; 1969-12-29, three days before the epoch, was one.
      return `((${l} + 259200) % 604800)`;
    case 'month':
      return `((day_of_month(${l}) - 1) * 86400 + ${inDay})`;
    case 'quarter':
      return `((day_of_year(${l}) - 1 - ${daysBeforeQuarter(l, `floor((month(${l}) - 1) / 3)`)}) * 86400 + ${inDay})`;
    case 'year':
      return `((day_of_year(${l}) - 1) * 86400 + ${inDay})`;
  }
}

/**
 * A scalar: the UTC instant at which the calendar `unit` holding the evaluation time began in the
 * zone. Exact where the offset is constant; in a period during which the clock changed, the
 * period's edge is off by the change (one hour).
 */
export function periodStart(unit: CalendarUnit, z: ZoneOffsets): string {
  return `scalar(${EVALUATION_TIME} - ${elapsed(unit, local(z, EVALUATION_TIME))})`;
}

/** The longest period of each unit, as a PromQL range that covers a whole one. */
export const LONGEST: Record<CalendarUnit, string> = { hour: '1h', day: '1d', week: '7d', month: '31d', quarter: '92d', year: '366d' };

/** A scalar expression: seconds in the `unit` holding now in the zone (months, quarters and years vary). */
export function periodSeconds(unit: CalendarUnit, z: ZoneOffsets): string {
  const l = local(z, 'vector(time())');
  switch (unit) {
    case 'hour':
      return '3600';
    case 'day':
      return '86400';
    case 'week':
      return '604800';
    case 'month':
      return `scalar(days_in_month(${l}) * 86400)`;
    case 'quarter': {
      const q = `floor((month(${l}) - 1) / 3)`;
      return `scalar((90 + ${leap(l)} * (${q} == bool 0) + (${q} >= bool 1) + (${q} >= bool 2)) * 86400)`;
    }
    case 'year':
      return `scalar((365 + ${leap(l)}) * 86400)`;
  }
}

/** True when the zone's offset is a whole number of hours throughout (hourly steps then fall on its period edges). */
export function wholeHours(z: ZoneOffsets): boolean {
  return [z.base, ...z.changes.map((c) => c.offset)].every((o) => o % 3600 === 0);
}
