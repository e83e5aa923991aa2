import { usageError } from '../errors.js';
import { addCalendar, type CalendarUnit, parseDuration, parseTime, startOf } from './time.js';

/**
 * A time window, open at the start and closed at the end: (start, end]. A sample at exactly
 * midnight reports tokens counted before midnight, so it belongs to the day that ends there.
 * Infinite bounds mean "all the data there is".
 */
export interface Window {
  start: number;
  end: number;
  /** What the user asked for, for headings: `7d`, `lastmonth`, `2026-11-01T00:00:00Z..`, `all`. */
  label: string;
}

export const WINDOW_NAMES = [
  'today',
  'yesterday',
  'week',
  'lastweek',
  'month',
  'lastmonth',
  'quarter',
  'lastquarter',
  'year',
  'all',
] as const;

const CALENDAR: Record<string, [CalendarUnit, number]> = {
  today: ['day', 0],
  yesterday: ['day', -1],
  week: ['week', 0],
  lastweek: ['week', -1],
  month: ['month', 0],
  lastmonth: ['month', -1],
  quarter: ['quarter', 0],
  lastquarter: ['quarter', -1],
  year: ['year', 0],
};

export interface WindowSpec {
  window?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

/** True when the spec needs an anchor ("now") to be resolved. */
export function isRelative(spec: WindowSpec): boolean {
  return spec.since === undefined && spec.until === undefined && spec.window !== undefined && spec.window !== 'all';
}

/** Resolves `--window` or `--since/--until` against `anchor` (now, or the end of the data). */
export function resolveWindow(spec: WindowSpec, anchor: number, zone: string): Window {
  if (spec.since !== undefined || spec.until !== undefined) {
    if (spec.window !== undefined) throw usageError('give either --window or --since/--until, not both');
    const start = spec.since === undefined ? Number.NEGATIVE_INFINITY : parseTime(spec.since, '--since');
    const end = spec.until === undefined ? anchor : parseTime(spec.until, '--until');
    if (end <= start) throw usageError(`--until (${spec.until}) must be after --since (${spec.since})`);
    return { start, end, label: `${spec.since ?? ''}..${spec.until ?? ''}` };
  }
  const w = spec.window ?? 'all';
  if (w === 'all') return { start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY, label: 'all' };
  const calendar = CALENDAR[w];
  if (calendar) {
    const [unit, offset] = calendar;
    const start = addCalendar(startOf(anchor, unit, zone), unit, offset, zone);
    return { start, end: addCalendar(start, unit, 1, zone), label: w };
  }
  const d = parseDuration(w);
  if (d === undefined || d <= 0) {
    throw usageError(`--window: expected a duration like 24h or 7d, or one of ${WINDOW_NAMES.join(', ')}; got "${w}"`);
  }
  return { start: anchor - d, end: anchor, label: w };
}

/** A step: a calendar unit (1h, 1d, 1w, 1mo) aligned in the time zone, or a fixed duration. */
export type Step = { kind: 'calendar'; unit: CalendarUnit; count: number; label: string } | { kind: 'fixed'; ms: number; label: string };

export function parseStep(text: string): Step {
  const m = /^(\d+)(h|d|w|mo|q|y)$/.exec(text);
  if (m) {
    const units: Record<string, CalendarUnit> = { h: 'hour', d: 'day', w: 'week', mo: 'month', q: 'quarter', y: 'year' };
    return { kind: 'calendar', unit: units[m[2] as string] as CalendarUnit, count: Number(m[1]), label: text };
  }
  const ms = parseDuration(text);
  if (ms === undefined || ms < 60_000) throw usageError(`--step: expected 1h, 1d, 1w, 1mo or a duration of at least 1m; got "${text}"`);
  return { kind: 'fixed', ms, label: text };
}

/** Most buckets a report may have; more is almost always a mistaken --step. */
const MAX_BUCKETS = 100_000;

/**
 * Bucket edges that partition the window: the window's own start and end, and every calendar
 * boundary of the step in between. Buckets are (edge[i], edge[i+1]].
 */
export function bucketEdges(window: Window, step: Step | undefined, zone: string): number[] {
  if (!step) return [window.start, window.end];
  if (!Number.isFinite(window.start) || !Number.isFinite(window.end)) {
    throw usageError('--step needs a bounded window', 'add --window 7d, or --since and --until');
  }
  const edges = [window.start];
  let next: number;
  if (step.kind === 'fixed') {
    next = window.start + step.ms;
  } else {
    next = startOf(window.start, step.unit, zone);
    while (next <= window.start) next = addCalendar(next, step.unit, step.count, zone);
  }
  while (next < window.end) {
    edges.push(next);
    if (edges.length > MAX_BUCKETS) throw usageError(`--step ${step.label} makes more than ${MAX_BUCKETS} buckets`);
    next = step.kind === 'fixed' ? next + step.ms : addCalendar(next, step.unit, step.count, zone);
  }
  edges.push(window.end);
  return edges;
}

/** Bounds an "all" window to the data's extent, aligned to the step's calendar unit. */
export function boundToData(window: Window, first: number, last: number, step: Step | undefined, zone: string): Window {
  if (Number.isFinite(window.start) && Number.isFinite(window.end)) return window;
  let start = window.start;
  let end = window.end;
  if (!Number.isFinite(start)) {
    // The first sample must fall inside (start, …]: start strictly before it.
    start = step?.kind === 'calendar' ? startOf(first - 1, step.unit, zone) : first - 1;
  }
  if (!Number.isFinite(end)) end = last;
  return { start, end, label: window.label };
}
