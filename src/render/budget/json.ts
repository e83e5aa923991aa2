import { isoTime } from '../../ledger/time.js';
import { femtoJson, round6 } from '../format.js';
import { type BudgetView, percent } from './view.js';

/** The stable JSON shape: one entry per budget (instance), money with 6 decimals. */
export function budgetJson(view: BudgetView): object {
  return {
    schemaVersion: 1,
    at: isoTime(view.at),
    timezone: view.timezone,
    currency: view.currency,
    source: view.sources.map((s) => ({
      kind: s.kind,
      name: s.name ?? null,
      location: s.location,
      ...(s.requests ? { requests: s.requests } : {}),
    })),
    summary: Object.fromEntries(
      ['ok', 'warn', 'breached', 'breached-by-forecast', 'no-data', 'incomplete', 'stale'].map((s) => [
        s,
        view.results.filter((r) => r.status === s).length,
      ]),
    ),
    budgets: view.results.map((r) => ({
      budget: r.budget,
      instance: r.instance,
      scope: r.scope,
      period: { label: r.period.label, start: isoTime(r.period.start), end: isoTime(r.period.end) },
      spent: femtoJson(r.spent),
      limit: r.burn ? null : femtoJson(r.limit),
      usedPercent: r.burn ? null : percent(r.spent, r.limit),
      remaining: r.burn ? null : femtoJson(r.limit - r.spent),
      forecast: r.forecast
        ? { ...r.forecast, total: round6(r.forecast.total), lower: round6(r.forecast.lower), upper: round6(r.forecast.upper) }
        : null,
      exhaustion: r.exhaustion === undefined ? null : isoTime(r.exhaustion),
      burn: r.burn
        ? {
            factor: r.burn.factor,
            windows: r.burn.windows.map((w) => ({ window: w.window, spent: femtoJson(w.spent), ratio: round6(w.ratio) })),
          }
        : null,
      status: r.status,
      fails: r.fails,
      findings: r.findings,
    })),
  };
}

export function renderBudgetJson(view: BudgetView): string {
  return `${JSON.stringify(budgetJson(view), null, 2)}\n`;
}
