import { usageError } from '../errors.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const DURATION_UNITS: Record<string, number> = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY, w: WEEK };

/** The longest duration anything may span (windows, periods, look-backs): a century. */
export const MAX_DURATION_MS = 100 * 366 * DAY;

/** Parses `30s`, `5m`, `24h`, `7d`, `2w`, `1h30m` into milliseconds; undefined if it is not one (or longer than a century). */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * (DURATION_UNITS[m[2] as string] as number);
    matched = re.lastIndex;
  }
  return matched === text.length && matched > 0 && total <= MAX_DURATION_MS ? total : undefined;
}

/** True when year-month-day names a real calendar day (no 30 February, no 31 April). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** `2025-02-30` style text: is its date part a real day? (Date.parse rolls 30 February over to March.) */
export function hasRealDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  return m !== null && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Validates an IANA time zone name; throws a usage error otherwise. */
export function checkTimeZone(zone: string): string {
  if (zone === 'UTC') return zone; // the default: no need to load the time-zone database (~6 MB of RSS)
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    throw usageError(`unknown time zone "${zone}"`, 'use an IANA name such as UTC, Europe/Berlin or America/New_York');
  }
}

/** Wall-clock fields of an instant in a zone. Month is 1-12. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock reading of `ms` in `zone`. */
export function wallClock(ms: number, zone: string): WallClock {
  if (zone === 'UTC') {
    // (Intl throws on a time that is no date; so does this.)
    if (!Number.isFinite(ms)) throw new RangeError(`Invalid time value: ${ms}`);
    const d = new Date(ms);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
  }
  const out: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(zone).formatToParts(new Date(ms))) {
    if (p.type in out) out[p.type as keyof WallClock] = Number(p.value);
  }
  return out;
}

function offsetAt(ms: number, zone: string): number {
  const w = wallClock(ms, zone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / SECOND) * SECOND;
}

/**
 * The instant at which the clock in `zone` reads these fields. Out-of-range fields roll over
 * (day 32 is the next month's first). In a DST gap it gives the instant just after the gap.
 */
export function zonedTime(w: WallClock, zone: string): number {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  let guess = asUtc - offsetAt(asUtc, zone);
  const second = asUtc - offsetAt(guess, zone);
  if (second !== guess) guess = Math.max(guess, second);
  return guess;
}

export type CalendarUnit = 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

/** The start of the calendar `unit` containing `ms` in `zone` (weeks start on Monday, ISO 8601). */
export function startOf(ms: number, unit: CalendarUnit, zone: string): number {
  const w = wallClock(ms, zone);
  switch (unit) {
    case 'hour':
      return zonedTime({ ...w, minute: 0, second: 0 }, zone);
    case 'day':
      return zonedTime({ ...w, hour: 0, minute: 0, second: 0 }, zone);
    case 'week': {
      const weekday = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay(); // 0 = Sunday
      const back = (weekday + 6) % 7;
      return zonedTime({ ...w, day: w.day - back, hour: 0, minute: 0, second: 0 }, zone);
    }
    case 'month':
      return zonedTime({ ...w, day: 1, hour: 0, minute: 0, second: 0 }, zone);
    case 'quarter':
      return zonedTime({ ...w, month: w.month - ((w.month - 1) % 3), day: 1, hour: 0, minute: 0, second: 0 }, zone);
    case 'year':
      return zonedTime({ ...w, month: 1, day: 1, hour: 0, minute: 0, second: 0 }, zone);
  }
}

/** Adds `n` calendar units to a unit start, keeping wall-clock alignment across DST. */
export function addCalendar(ms: number, unit: CalendarUnit, n: number, zone: string): number {
  const w = wallClock(ms, zone);
  switch (unit) {
    case 'hour':
      return ms + n * HOUR;
    case 'day':
      return zonedTime({ ...w, day: w.day + n }, zone);
    case 'week':
      return zonedTime({ ...w, day: w.day + 7 * n }, zone);
    case 'month':
      return zonedTime({ ...w, month: w.month + n }, zone);
    case 'quarter':
      return zonedTime({ ...w, month: w.month + 3 * n }, zone);
    case 'year':
      return zonedTime({ ...w, year: w.year + n }, zone);
  }
}

/** Parses an RFC 3339 time (or a bare date, taken as midnight UTC) into milliseconds. */
export function parseTime(text: string, what: string): number {
  const re = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/i;
  const ms = re.test(text) && hasRealDate(text) ? Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw usageError(`${what}: expected an RFC 3339 time like 2026-11-01T00:00:00Z, got "${text}"`);
  }
  return ms;
}

/** ISO 8601 in UTC without milliseconds when they are zero. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export const DURATION = { SECOND, MINUTE, HOUR, DAY, WEEK } as const;
