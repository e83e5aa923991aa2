import { incompleteError } from '../errors.js';
import type { PeriodPlan } from '../ledger/periods.js';
import { addCalendar, DURATION, isoTime, startOf, wallClock } from '../ledger/time.js';

/** The calendar unit a chargeback ledger is kept in. */
export const EXPORT_UNITS = ['day', 'week', 'month'] as const;
export type ExportUnit = (typeof EXPORT_UNITS)[number];

/** One period of the ledger: (start, end] in UTC milliseconds, calendar-aligned in the export's zone. */
export interface ExportPeriod {
  start: number;
  end: number;
  /** False for the current period under `--include-current`: its data runs to `at` only. */
  complete: boolean;
}

/** Which periods a run writes: the last complete one, the last N, or every one since the ledger's newest. */
export type PeriodChoice = { kind: 'last'; count: number } | { kind: 'catch-up'; since: number | undefined };

export interface ExportSchedule {
  unit: ExportUnit;
  zone: string;
  choice: PeriodChoice;
  includeCurrent: boolean;
}

const LONGEST: Record<ExportUnit, number> = { day: 1, week: 7, month: 31 };

/**
 * The time plan that reads enough history for the chosen periods: daily buckets (every day,
 * week and month edge is a day edge) up to the anchor. `reference` estimates the anchor before the
 * data is read (`--at`, or the clock; a file's own end is never later than that).
 */
export function exportPlan(schedule: ExportSchedule, reference: number): PeriodPlan {
  const { unit, choice } = schedule;
  let days = LONGEST[unit] * 2 + 1;
  if (choice.kind === 'last') days = LONGEST[unit] * (choice.count + 1) + 1;
  else if (choice.since !== undefined) days = Math.max(days, Math.ceil((reference - choice.since) / DURATION.DAY) + LONGEST[unit] + 1);
  return { kind: 'periods', label: `${unit} periods`, periods: [], trailingMs: [], historyDays: days };
}

/** The period of `unit` that ends at or after `t` and starts before it: (start, end]. */
function periodHolding(t: number, unit: ExportUnit, zone: string): ExportPeriod {
  const start = startOf(t - 1, unit, zone);
  return { start, end: addCalendar(start, unit, 1, zone), complete: true };
}

/**
 * The periods to write at `anchor`, oldest first: complete ones only (end ≤ anchor), within the
 * history read (start ≥ `earliest`), and the current one, marked incomplete, under `--include-current`.
 */
export function choosePeriods(schedule: ExportSchedule, anchor: number, earliest: number): ExportPeriod[] {
  const { unit, zone, choice } = schedule;
  let last = periodHolding(anchor, unit, zone);
  const current = last.end > anchor ? { ...last, complete: false } : undefined;
  if (current) last = periodHolding(last.start, unit, zone);
  const out: ExportPeriod[] = [];
  const floor = choice.kind === 'catch-up' && choice.since !== undefined ? choice.since : undefined;
  const count = choice.kind === 'last' ? choice.count : floor === undefined ? 1 : Number.POSITIVE_INFINITY;
  for (let p = last; out.length < count && p.start >= earliest; p = periodHolding(p.start, unit, zone)) {
    if (floor !== undefined && p.start < floor) break;
    out.unshift(p);
  }
  if (choice.kind === 'last' && out.length < choice.count) {
    throw incompleteError(
      `--periods ${choice.count}: only ${out.length} complete ${unit}s fit before ${isoTime(anchor)} in the history read`,
      'give fewer periods',
    );
  }
  if (schedule.includeCurrent && current) out.push(current);
  return out;
}

/** A period for messages: `day 2026-11-21 (2026-11-21T00:00:00Z..2026-11-22T00:00:00Z)`, its first day in the zone. */
export function describePeriod(p: ExportPeriod, unit: ExportUnit, zone: string): string {
  const w = wallClock(p.start, zone);
  const day = `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
  return `${unit} ${day} (${isoTime(p.start)}..${isoTime(p.end)}${p.complete ? '' : ', current and partial'})`;
}
