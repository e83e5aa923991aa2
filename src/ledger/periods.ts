import { usageError } from '../errors.js';
import { addCalendar, type CalendarUnit, parseDuration, parseTime, startOf } from './time.js';

/**
 * The time plan: every way a command says which time it looks at — a window with optional steps
 * (report), or calendar periods with the history they need (budgets, forecasts) — parsed once at
 * the boundary and resolved against an anchor ("now", `--at`, or the end of timestamped data).
 */

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

/** A window as asked for, before it meets an anchor. */
export type WindowSpec =
  | { kind: 'all'; label: 'all' }
  | { kind: 'rolling'; ms: number; label: string }
  | { kind: 'calendar'; unit: CalendarUnit; offset: number; label: string }
  | { kind: 'range'; start: number; end: number | undefined; label: string };

/** The raw window words: `--window`, `--since`, `--until`. */
export interface WindowWords {
  window?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

/** Parses the window words; undefined when none was given (each source has its default). */
export function parseWindow(words: WindowWords): WindowSpec | undefined {
  if (words.since !== undefined || words.until !== undefined) {
    if (words.window !== undefined) throw usageError('give either --window or --since/--until, not both');
    const start = words.since === undefined ? Number.NEGATIVE_INFINITY : parseTime(words.since, '--since');
    const end = words.until === undefined ? undefined : parseTime(words.until, '--until');
    if (end !== undefined && end <= start) throw usageError(`--until (${words.until}) must be after --since (${words.since})`);
    return { kind: 'range', start, end, label: `${words.since ?? ''}..${words.until ?? ''}` };
  }
  const w = words.window;
  if (w === undefined) return undefined;
  if (w === 'all') return { kind: 'all', label: 'all' };
  const calendar = CALENDAR[w];
  if (calendar) return { kind: 'calendar', unit: calendar[0], offset: calendar[1], label: w };
  const ms = parseDuration(w);
  if (ms === undefined || ms <= 0) {
    throw usageError(`--window: expected a duration like 24h or 7d, or one of ${WINDOW_NAMES.join(', ')}; got "${w}"`);
  }
  return { kind: 'rolling', ms, label: w };
}

/** True when the spec needs an anchor ("now") to be resolved. */
export function isRelative(spec: WindowSpec): boolean {
  return spec.kind === 'rolling' || spec.kind === 'calendar';
}

/** The window a spec means at `anchor` (now, or the end of the data). */
export function windowAt(spec: WindowSpec, anchor: number, zone: string): Window {
  switch (spec.kind) {
    case 'all':
      return { start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY, label: 'all' };
    case 'rolling':
      return { start: anchor - spec.ms, end: anchor, label: spec.label };
    case 'calendar': {
      const start = addCalendar(startOf(anchor, spec.unit, zone), spec.unit, spec.offset, zone);
      return { start, end: addCalendar(start, spec.unit, 1, zone), label: spec.label };
    }
    case 'range': {
      const end = spec.end ?? anchor;
      if (end <= spec.start) throw usageError(`the window ${spec.label} ends (at ${new Date(end).toISOString()}) before it starts`);
      return { start: spec.start, end, label: spec.label };
    }
  }
}

/** Parses and resolves window words in one go (`all` when none is given). */
export function resolveWindow(words: WindowWords, anchor: number, zone: string): Window {
  return windowAt(parseWindow(words) ?? { kind: 'all', label: 'all' }, anchor, zone);
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

/** A budget or forecast period: a calendar unit in the zone, or a rolling duration ending at the anchor. */
export type Period = { kind: 'calendar'; unit: CalendarUnit; label: string } | { kind: 'rolling'; ms: number; label: string };

/** Time range of the period containing `at`: (start, end]. */
export function periodBounds(period: Period, at: number, zone: string): { start: number; end: number } {
  if (period.kind === 'rolling') return { start: at - period.ms, end: at };
  const start = startOf(at - 1, period.unit, zone);
  return { start, end: addCalendar(start, period.unit, 1, zone) };
}

/** A report over a window, in buckets of `step`. */
export interface WindowPlan {
  kind: 'window';
  /** undefined: the source's default (all the data for files, 7 days on a server). */
  window: WindowSpec | undefined;
  step: Step | undefined;
}

/**
 * Daily spend up to the anchor, reaching back far enough for every period's start and for
 * `historyDays` whole days before today; each period start and each trailing window (burn
 * rates) gets an edge of its own.
 */
export interface PeriodPlan {
  kind: 'periods';
  label: string;
  periods: readonly Period[];
  trailingMs: readonly number[];
  /** Whole days before today; `Infinity`: all the data there is. */
  historyDays: number;
}

export type TimePlan = WindowPlan | PeriodPlan;

/** What a plan means at an anchor: the window, its steps, and edges that must also cut it. */
export interface ResolvedPlan {
  window: Window;
  step: Step | undefined;
  extraEdges: number[];
}

const DAILY = parseStep('1d');

/** The start of the history a period plan needs at `at`. */
export function historyStart(plan: PeriodPlan, at: number, zone: string): number {
  // `historyDays: Infinity` reads all the data there is (a file's; a server needs a bound).
  let start = Number.isFinite(plan.historyDays)
    ? addCalendar(startOf(at - 1, 'day', zone), 'day', -plan.historyDays, zone)
    : Number.NEGATIVE_INFINITY;
  for (const p of plan.periods) start = Math.min(start, periodBounds(p, at, zone).start);
  return start;
}

/** Resolves a plan at `anchor`; `fallback` is the window when a window plan names none. */
export function resolvePlan(plan: TimePlan, anchor: number, zone: string, fallback: WindowSpec): ResolvedPlan {
  if (plan.kind === 'window') return { window: windowAt(plan.window ?? fallback, anchor, zone), step: plan.step, extraEdges: [] };
  const edges = new Set<number>([anchor]);
  for (const p of plan.periods) edges.add(periodBounds(p, anchor, zone).start);
  for (const w of plan.trailingMs) edges.add(anchor - w);
  return {
    window: { start: historyStart(plan, anchor, zone), end: anchor, label: plan.label },
    step: DAILY,
    extraEdges: [...edges],
  };
}

/** Bucket edges plus every extra edge inside the window: no slice straddles one of them. */
export function refineEdges(buckets: readonly number[], extra: readonly number[]): number[] {
  const start = buckets[0] as number;
  const end = buckets[buckets.length - 1] as number;
  const all = new Set(buckets);
  for (const c of extra) if (c > start && c < end) all.add(c);
  return [...all].sort((a, b) => a - b);
}
