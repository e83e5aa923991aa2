import { type Scope, scopeOf } from '../cost/scope.js';
import type { CostReport } from '../cost/report.js';
import { ExitCode } from '../errors.js';
import { type Finding, finding, INCOMPLETE_DATA } from '../findings.js';
import type { MethodName } from '../forecast/methods.js';
import { dayEdges, forecastPeriods, projectedExhaustion } from '../forecast/period.js';
import type { ForecastSettings } from '../forecast/settings.js';
import { staleness } from '../ledger/freshness.js';
import { type Period, type PeriodPlan, periodBounds } from '../ledger/periods.js';
import { decimalToFemto, femtoToNumber } from '../money.js';
import type { Budget, Budgets } from './load.js';
import { formatCount } from '../text.js';

/** `incomplete`: usage in scope has no price, so the spend is not known. */
export type BudgetStatus = 'ok' | 'warn' | 'breached' | 'breached-by-forecast' | 'no-data' | 'incomplete' | 'stale';

export interface BudgetForecast {
  method: string;
  /** Each method's share in the forecast (`auto` may combine several). */
  weights: Partial<Record<MethodName, number>>;
  /** Projected spend at the period end (spent so far + forecast), with its interval. */
  total: number;
  lower: number;
  upper: number;
  level: number;
}

export interface BudgetResult {
  budget: string;
  /** `name` or `name[gateway=gw-eu]` for budgets expanded with `each`. */
  instance: string;
  scope: string;
  period: { label: string; start: number; end: number };
  spent: bigint;
  limit: bigint;
  warnAt: bigint | undefined;
  forecast: BudgetForecast | undefined;
  /** When the limit was or is projected to be reached (start of that day), if within the period. */
  exhaustion: number | undefined;
  burn: { factor: number; windows: { window: string; spent: bigint; ratio: number }[] } | undefined;
  status: BudgetStatus;
  /** This result fails the gate (with the reason in `findings`). */
  fails: boolean;
  findings: Finding[];
}

export interface EvaluateOptions {
  at: number;
  forecast: ForecastSettings;
  /** `--fail-on`: stricter than each budget's own setting. */
  failOn: 'breach' | 'forecast' | 'warn' | undefined;
}

/** Where each label of the budgets' scopes is named, for a message about a label no series has. */
export function labelOrigins(budgets: Budgets): Record<string, string> {
  const origins: Record<string, string> = {};
  budgets.budgets.forEach((b, i) => {
    for (const m of b.matchers) origins[m.label] ??= `in ${budgets.path}: budgets[${i}].match (${b.name})`;
    if (b.each) origins[b.each] ??= `in ${budgets.path}: budgets[${i}].each (${b.name})`;
  });
  return origins;
}

/** The time a budget check reads: every budget's period, its burn windows, and the forecast history. */
export function budgetPlan(budgets: Budgets, settings: ForecastSettings): PeriodPlan {
  return {
    kind: 'periods',
    label: 'budgets',
    periods: budgets.budgets.flatMap((b) => (b.period ? [b.period] : [])),
    trailingMs: budgets.budgets.flatMap((b) => b.burn?.windowsMs ?? []),
    historyDays: settings.historyDays,
  };
}

function describeScope(b: Budget, extra: Record<string, string>): string {
  const parts = [...b.matchers.map((m) => `${m.label}${m.op}${m.value}`), ...Object.entries(extra).map(([k, v]) => `${k}=${v}`)];
  return parts.length > 0 ? parts.join(', ') : 'all';
}

/** One budget for one scope: a budget with `each` gives one per value. */
interface Instance {
  b: Budget;
  /** The budget whose period and limit apply (a burn-rate budget's `of`). */
  spend: Budget & { period: Period; limit: string };
  scope: Scope;
  common: Common;
}

function instancesOf(budgets: Budgets, report: CostReport): Instance[] {
  const out: Instance[] = [];
  for (const b of budgets.budgets) {
    const spend = b.burn ? budgets.budgets.find((x) => x.name === b.burn?.of) : b;
    if (!spend?.period || spend.limit === undefined) continue;
    const matchers = b.burn && b.matchers.length === 0 ? spend.matchers : b.matchers;
    const each = b.each ?? (b.burn ? spend.each : undefined);
    const instances: Record<string, string>[] = [];
    if (each !== undefined) {
      const i = report.by.indexOf(each);
      const values = new Set<string>();
      if (scopeOf(report, matchers).hasSeries) for (const g of report.groups) values.add(g[i] ?? '');
      for (const v of [...values].sort()) if (scopeOf(report, matchers, { [each]: v }).hasSeries) instances.push({ [each]: v });
    }
    if (instances.length === 0) instances.push({});
    for (const extra of instances) {
      const labels = Object.entries(extra).map(([k, v]) => `${k}=${v}`);
      const instance = labels.length > 0 ? `${b.name}[${labels.join(',')}]` : b.name;
      const common = { budget: b.name, instance, scope: describeScope({ ...b, matchers }, extra) };
      out.push({ b, spend: spend as Instance['spend'], scope: scopeOf(report, matchers, extra), common });
    }
  }
  return out;
}

/** Evaluates every budget against one report that holds all their scopes (grouped by their labels). */
export function evaluateBudgets(budgets: Budgets, report: CostReport, options: EvaluateOptions): BudgetResult[] {
  const instances = instancesOf(budgets, report);
  const ahead = forecastInstances(instances, budgets.timezone, options);
  return instances.map((x, k) => {
    const result = x.b.burn
      ? evaluateBurn(x.b, x.spend, x.scope, x.common, budgets, options)
      : evaluateSpend(x.spend, x.scope, x.common, budgets, options, ahead[k] ?? {});
    return withFreshness(result, x.scope, report, options);
  });
}

type Ahead = { forecast?: BudgetForecast; exhaustion?: number | undefined; findings?: Finding[] };

/**
 * The forecast to the end of every spend budget's calendar period that has not ended, and the
 * day it reaches the limit. Scopes of budgets with the same period are forecast together, so
 * that each interval is calibrated on all their back-tests.
 */
function forecastInstances(instances: readonly Instance[], zone: string, options: EvaluateOptions): (Ahead | undefined)[] {
  const jobs = new Map<string, number[]>();
  instances.forEach((x, k) => {
    if (x.b.burn || x.spend.period.kind !== 'calendar' || !x.scope.hasSeries) return;
    const { start, end } = periodBounds(x.spend.period, options.at, zone);
    if (end > options.at) jobs.set(`${start}:${end}`, [...(jobs.get(`${start}:${end}`) ?? []), k]);
  });
  const out: (Ahead | undefined)[] = instances.map(() => undefined);
  for (const [key, ks] of jobs) {
    const [start, end] = key.split(':').map(Number) as [number, number];
    const inputs = ks.map((k) => {
      const x = instances[k] as Instance;
      const wanted = x.b.forecast || x.b.failOn === 'forecast' || options.failOn === 'forecast';
      return { scope: x.scope, spent: x.scope.costBetween(start, options.at), who: x.common.instance, needed: wanted };
    });
    const results = forecastPeriods(inputs, { at: options.at, periodStart: start, periodEnd: end, zone, settings: options.forecast });
    ks.forEach((k, i) => {
      const { forecast, findings } = results[i] as (typeof results)[number];
      const spent = (inputs[i] as (typeof inputs)[number]).spent;
      const limit = decimalToFemto((instances[k] as Instance).spend.limit);
      if (!forecast) return (out[k] = { findings });
      const { method, weights, total, lower, upper, level } = forecast;
      const exhaustion = spent < limit ? projectedExhaustion(femtoToNumber(spent), forecast, femtoToNumber(limit)) : undefined;
      out[k] = { forecast: { method, weights, total, lower, upper, level }, exhaustion, findings };
    });
  }
  return out;
}

type Common = { budget: string; instance: string; scope: string };

/**
 * A scope whose newest sample is older than the staleness threshold at the period's end (or `at`,
 * if that is earlier) cannot pass: what it spent since is unknown. A certain breach stays one.
 */
function withFreshness(r: BudgetResult, scope: Scope, report: CostReport, options: EvaluateOptions): BudgetResult {
  if (r.status === 'no-data' || report.freshness.thresholdMs === undefined || report.lifetime) return r;
  const stale = staleness(scope.newest(), Math.min(r.period.end, options.at), report.freshness.thresholdMs);
  if (!stale) return r;
  const f = finding('STALE_DATA', 'error', `${r.instance}: ${stale}; a gate cannot pass on stale data`);
  return { ...r, status: r.status === 'breached' ? r.status : 'stale', fails: true, findings: [...r.findings, f] };
}

function noData(common: Common, period: BudgetResult['period'], limit: bigint, scope: Scope): BudgetResult {
  return {
    ...common,
    period,
    spent: 0n,
    limit,
    warnAt: undefined,
    forecast: undefined,
    exhaustion: undefined,
    burn: undefined,
    status: 'no-data',
    fails: true,
    findings: [
      finding(
        'NO_DATA',
        'error',
        `${common.instance}: no series match its scope (${common.scope}): ${scope.whyEmpty()}; a gate cannot pass on missing data`,
      ),
    ],
  };
}

function evaluateSpend(
  b: Budget & { period: Period; limit: string },
  scope: Scope,
  common: Common,
  budgets: Budgets,
  options: EvaluateOptions,
  ahead: Ahead,
): BudgetResult {
  const zone = budgets.timezone;
  const { start, end } = periodBounds(b.period, options.at, zone);
  const period = { label: b.period.label, start, end };
  const limit = decimalToFemto(b.limit);
  if (!scope.hasSeries) return noData(common, period, limit, scope);
  const until = Math.min(end, options.at);
  const spent = scope.costBetween(start, until);
  const warnAt = b.warn === undefined ? undefined : (limit * BigInt(Math.round(b.warn * 1e6))) / 1_000_000n;
  const findings: Finding[] = [];
  const unpriced = scope.unpricedBetween(start, until);
  if (unpriced > 0) {
    findings.push(
      finding(
        'UNPRICED_IN_SCOPE',
        'error',
        `${common.instance}: ${formatCount(unpriced)} tokens in scope have no price, so the spend is not known`,
      ),
    );
  }
  findings.push(...(ahead.findings ?? []));
  const exhaustion = spent >= limit ? ranOut(scope, start, until, zone, limit) : ahead.exhaustion;

  let status: BudgetStatus = unpriced > 0 ? 'incomplete' : 'ok';
  if (spent >= limit) status = 'breached';
  else if (ahead.forecast && ahead.forecast.total > femtoToNumber(limit)) status = 'breached-by-forecast';
  else if (warnAt !== undefined && spent >= warnAt) status = 'warn';
  const failOn = strictest(b.failOn, options.failOn);
  findings.push(...statusFindings(status, failOn, common.instance));
  const fails =
    status === 'breached' ||
    (status === 'breached-by-forecast' && failOn !== 'breach') ||
    (failOn === 'warn' && (status === 'warn' || status === 'breached-by-forecast')) ||
    findings.some((f) => f.severity === 'error');
  return { ...common, period, spent, limit, warnAt, forecast: ahead.forecast, exhaustion, burn: undefined, status, fails, findings };
}

/** The first day on which the running total reached the limit. */
function ranOut(scope: Scope, start: number, until: number, zone: string, limit: bigint): number | undefined {
  const edges = dayEdges(start, until, zone);
  let cumulative = 0n;
  for (let i = 0; i + 1 < edges.length; i++) {
    cumulative += scope.costBetween(edges[i] as number, edges[i + 1] as number);
    if (cumulative >= limit) return edges[i] as number;
  }
  return undefined;
}

function statusFindings(status: BudgetStatus, failOn: FailOn, instance: string): Finding[] {
  switch (status) {
    case 'breached':
      return [finding('BUDGET_EXCEEDED', 'error', `${instance}: spent more than its limit`)];
    case 'breached-by-forecast':
      return [
        finding(
          'FORECAST_EXCEEDS',
          failOn === 'breach' ? 'warning' : 'error',
          `${instance}: the forecast for the period end exceeds the limit`,
        ),
      ];
    case 'warn':
      return [finding('BUDGET_WARN', failOn === 'warn' ? 'error' : 'warning', `${instance}: past its warning level`)];
    default:
      return [];
  }
}

type FailOn = 'breach' | 'forecast' | 'warn';

function strictest(a: FailOn, b: FailOn | undefined): FailOn {
  const rank = { breach: 0, forecast: 1, warn: 2 };
  return b !== undefined && rank[b] > rank[a] ? b : a;
}

function evaluateBurn(
  b: Budget,
  of: Budget & { period: Period; limit: string },
  scope: Scope,
  common: Common,
  budgets: Budgets,
  options: EvaluateOptions,
): BudgetResult {
  const burn = b.burn as NonNullable<Budget['burn']>;
  const { start, end } = periodBounds(of.period, options.at, budgets.timezone);
  const period = { label: `burn ×${burn.factor} of ${of.name}`, start, end };
  const limit = decimalToFemto(of.limit);
  if (!scope.hasSeries) return noData(common, period, limit, scope);
  const periodMs = end - start;
  // Allowed spend per ms is limit / period; a window burns at ratio = (spent / window) ÷ that.
  const windows = burn.windowsMs.map((w, i) => {
    const spent = scope.costBetween(options.at - w, options.at);
    const ratio = (femtoToNumber(spent) * periodMs) / (w * femtoToNumber(limit));
    return { window: burn.windows[i] as string, spent, ratio };
  });
  const breached = windows.every((w) => w.ratio >= burn.factor);
  const findings: Finding[] = [];
  const unpriced = windows.length > 0 ? scope.unpricedBetween(options.at - Math.max(...burn.windowsMs), options.at) : 0;
  if (unpriced > 0)
    findings.push(finding('UNPRICED_IN_SCOPE', 'error', `${common.instance}: ${formatCount(unpriced)} tokens in scope have no price`));
  if (breached) {
    findings.push(
      finding(
        'BURN_RATE',
        'error',
        `${common.instance}: spending at ${windows.map((w) => `${w.ratio.toFixed(1)}× over ${w.window}`).join(' and ')} the rate ${of.name} allows (alert at ${burn.factor}×)`,
      ),
    );
  }
  return {
    ...common,
    period,
    spent: windows[0]?.spent ?? 0n,
    limit,
    warnAt: undefined,
    forecast: undefined,
    exhaustion: undefined,
    burn: { factor: burn.factor, windows },
    status: breached ? 'breached' : unpriced > 0 ? 'incomplete' : 'ok',
    fails: breached || unpriced > 0,
    findings,
  };
}

/**
 * The gate's exit code, decided in one place: a certain breach is 1; otherwise missing or
 * unpriced data is 4; otherwise a forecast or warn breach that was asked to fail is 1; else 0.
 */
export function gateExitCode(results: readonly BudgetResult[], data: readonly Finding[] = []): number {
  if (results.some((r) => r.status === 'breached')) return ExitCode.budgetBreached;
  if (results.some((r) => r.findings.some((f) => f.severity === 'error' && INCOMPLETE_DATA.includes(f.code)))) return ExitCode.incomplete;
  // What the report itself says is missing: a partial server answer, samples no counter holds, stale data.
  if (data.some((f) => INCOMPLETE_DATA.includes(f.code))) return ExitCode.incomplete;
  if (results.some((r) => r.fails)) return ExitCode.budgetBreached;
  return ExitCode.ok;
}
