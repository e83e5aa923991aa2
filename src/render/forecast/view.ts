import type { ForecastReport, GroupForecast } from '../../forecast/groups.js';
import type { PeriodForecast } from '../../forecast/period.js';
import { estimateText, formatDay, formatLocal, moneyText } from '../format.js';

/** `gateway=gw-eu · model=…` as one label; `all` when not grouped. */
export function groupLabel(r: ForecastReport, g: GroupForecast): string {
  return r.by.length === 0 ? 'all' : r.by.map((d) => g.group[d] || '(none)').join(' · ');
}

export function heading(r: ForecastReport): string {
  return `Forecast to the end of the ${r.period.label} (${formatLocal(r.period.end, r.timezone)} ${r.timezone}), as of ${formatLocal(r.at, r.timezone)}`;
}

/** Column heads shared by the table and Markdown. */
export function forecastHead(r: ForecastReport): string[] {
  const level = `${Math.round((r.groups[0]?.forecast?.level ?? 0.8) * 100)}%`;
  return [
    'Group',
    'Spent so far',
    `${r.period.label[0]?.toUpperCase()}${r.period.label.slice(1)}-end forecast`,
    `${level} interval`,
    'Method',
    'Back-test error',
    ...(r.budget !== undefined ? [`Reaches ${estimateText(Number(r.budget), r.currency)}`] : []),
  ];
}

/** `seasonal`, or `auto: seasonal 62%, holt-winters 25%, run-rate 13%` (methods with a share, largest first). */
export function methodText(f: PeriodForecast): string {
  const shares = (Object.entries(f.weights) as [string, number][]).filter(([, w]) => w >= 0.005).sort((a, b) => b[1] - a[1]);
  if (f.method !== 'auto') return f.method;
  return `auto: ${shares.map(([m, w]) => `${m} ${Math.round(w * 100)}%`).join(', ')}`;
}

/** The back-test error of the forecast used (the period total's, at this point of the period), or undefined without one. */
export function backtestError(f: PeriodForecast | undefined): number | undefined {
  const e = f?.backtest?.methods[f.method as keyof PeriodForecast['weights'] | 'auto']?.error;
  return e !== undefined && Number.isFinite(e) ? e : undefined;
}

function backtestText(f: PeriodForecast): string {
  const e = backtestError(f);
  return e === undefined ? 'n/a (short history)' : `${(e * 100).toFixed(1)}% (${f.backtest?.origins} back-tests)`;
}

function budgetCell(r: ForecastReport, g: GroupForecast): string {
  if (g.budgetOutcome === 'reached') return 'already reached';
  if (g.budgetOutcome === 'not-this-period') return 'not this period';
  return g.exhaustion === undefined ? '' : formatDay(g.exhaustion, r.timezone);
}

/** One group's cells, in the order of `forecastHead`. */
export function forecastCells(r: ForecastReport, g: GroupForecast): string[] {
  const f = g.forecast;
  return [
    groupLabel(r, g),
    moneyText(g.spent, r.currency),
    f ? estimateText(f.total, r.currency) : 'too little history',
    f
      ? Number.isFinite(f.lower)
        ? `${estimateText(f.lower, r.currency)} – ${estimateText(f.upper, r.currency)}`
        : 'n/a (short history)'
      : '',
    f ? methodText(f) : '',
    f ? backtestText(f) : '',
    ...(r.budget !== undefined ? [budgetCell(r, g)] : []),
  ];
}

/**
 * What the intervals rest on, under the table: the pooled back-tests of the remaining-period
 * total and the share of them the intervals held (empty when no group has a calibrated interval).
 */
export function calibrationNote(r: ForecastReport): string {
  const c = r.groups.find((g) => g.forecast?.calibration)?.forecast?.calibration;
  if (!c) return '';
  const level = Math.round((r.groups[0]?.forecast?.level ?? 0.8) * 100);
  return `Intervals calibrated on ${c.origins} back-tests of the rest of the ${r.period.label} (all groups pooled); ${level}% intervals held ${(c.coverage * 100).toFixed(1)}% of them.`;
}
