import type { CalendarUnit } from '../ledger/time.js';
import { wallClock } from '../ledger/time.js';

/**
 * Calendar periods in PromQL. PromQL's date functions (`year()`, `month()`, `days_in_month()`…)
 * read UTC only, and it has no time zones. A zone becomes its UTC offset as a function of time:
 * a constant, or, where the zone has daylight saving time, the constant plus each change in a
 * span around the generation year (from the tz database of the Node.js that generates the
 * rules), so calendar edges are exact in that span and keep the last offset after it.
 */

/** From January 1st of the year before `at` to January 1st six years after it: alerts look back at most a year. */
export function spanAround(at: number): { from: number; to: number } {
  const year = new Date(at).getUTCFullYear();
  return { from: Date.UTC(year - 1, 0, 1), to: Date.UTC(year + 6, 0, 1) };
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** A zone's offset as data: seconds east of UTC at the span start, then each change (at, new offset). */
export interface ZoneOffsets {
  zone: string;
  span: { from: number; to: number };
  base: number;
  changes: { at: number; offset: number }[];
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
 * The offset (seconds) at the instant given by the scalar expression `t`: a number, or a sum of
 * `(t >= bool change)` steps.
 */
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

/** A one-sample vector holding the local wall-clock time (as if it were UTC) of the scalar instant `t`. */
export function localTime(z: ZoneOffsets, t: string): string {
  const off = offsetExpr(z, t);
  return off === '0' ? `vector(${t})` : `vector(${t} + ${off})`;
}

/** A one-sample vector numbering the calendar `unit` that holds the scalar instant `t` in the zone. */
export function periodNumber(unit: CalendarUnit, z: ZoneOffsets, t: string): string {
  const local = localTime(z, t);
  switch (unit) {
    case 'hour':
      return `floor(${local} / 3600)`;
    case 'day':
      return `floor(${local} / 86400)`;
    case 'week':
      // ISO weeks start on Monday; 1970-01-05 was the first Monday after the epoch.
      return `floor((${local} - 345600) / 604800)`;
    case 'month':
      return `(year(${local}) * 12 + month(${local}))`;
    case 'quarter':
      return `(year(${local}) * 4 + floor((month(${local}) - 1) / 3))`;
    case 'year':
      return `year(${local})`;
  }
}

/** The longest period of each unit, as a PromQL range that covers a whole one. */
export const LONGEST: Record<CalendarUnit, string> = { hour: '1h', day: '1d', week: '7d', month: '31d', quarter: '92d', year: '366d' };

/** A scalar expression: seconds in the `unit` holding now in the zone (months, quarters and years vary). */
export function periodSeconds(unit: CalendarUnit, z: ZoneOffsets): string {
  const local = localTime(z, 'time()');
  const leap = `((year(${local}) % 4 == bool 0) - (year(${local}) % 100 == bool 0) + (year(${local}) % 400 == bool 0))`;
  switch (unit) {
    case 'hour':
      return '3600';
    case 'day':
      return '86400';
    case 'week':
      return '604800';
    case 'month':
      return `scalar(days_in_month(${local}) * 86400)`;
    case 'quarter': {
      const quarter = `floor((month(${local}) - 1) / 3)`;
      return `scalar((90 + ${leap} * (${quarter} == bool 0) + (${quarter} >= bool 1) + (${quarter} >= bool 2)) * 86400)`;
    }
    case 'year':
      return `scalar((365 + ${leap}) * 86400)`;
  }
}

/** True when the zone's offset is a whole number of hours throughout (hourly steps then fall on its period edges). */
export function wholeHours(z: ZoneOffsets): boolean {
  return [z.base, ...z.changes.map((c) => c.offset)].every((o) => (o * 1000) % HOUR === 0);
}
