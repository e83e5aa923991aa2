import type { Budget, Budgets } from '../budget/load.js';
import { type Finding, finding } from '../findings.js';
import type { Matcher } from '../ledger/matchers.js';
import type { Period } from '../ledger/periods.js';
import type { CalendarUnit } from '../ledger/time.js';
import { decimalToFemto, FEMTO_DECIMALS, formatUnits } from '../money.js';
import { LONGEST, periodSeconds, periodStart, type ZoneOffsets, zoneOffsets, wholeHours } from './calendar.js';
import type { AlertingRule } from './model.js';
import * as q from './promql.js';

/** What the alerts need from the rest of the rule set. */
export interface AlertContext {
  budgets: Budgets;
  /** Prices and time-zone rules are those in force around this instant. */
  at: number;
  /** The budgets file as the user named it, for the command in each alert. */
  path: string;
  currency: string;
  /** The recorded hourly cost series whose labels include `labels`. */
  recorded(labels: readonly string[]): string;
  /** A self-contained cost expression over `range`, by `labels`, kept to `matchers`; undefined when nothing is priced. */
  cost(rangeMs: number, labels: readonly string[], matchers: readonly Matcher[]): string | undefined;
}

const HOUR = 3_600_000;

/** Text that reaches Prometheus' template engine (alert labels and annotations) printed as written. */
export function templateSafe(text: string): string {
  return text.replaceAll('{{', '{{ "{{" }}');
}

function plain(femto: bigint): string {
  const t = formatUnits(femto, FEMTO_DECIMALS);
  return t.includes('.') ? t.replace(/\.?0+$/, '') : t;
}

function describeScope(matchers: readonly Matcher[], each: string | undefined): string {
  const parts = matchers.map((m) => `${m.label}${m.op}${m.value}`);
  if (each !== undefined) parts.push(`each ${each}`);
  return parts.length > 0 ? parts.join(', ') : 'all';
}

const toMatcher = (m: Matcher): q.LabelMatcher => ({ label: m.label, op: m.op, value: m.value });

/** `sum by (labels) (x)`, or `sum (x)` for none. */
function sumBy(labels: readonly string[], x: string): string {
  return `sum ${labels.length > 0 ? `${q.by(labels)} ` : ''}(\n  ${q.indent(x)}\n)`;
}

/**
 * Spend in the calendar period holding now, from the recorded hourly cost: an hourly subquery
 * over the longest such period keeps the hours whose middle falls after the period's start (in
 * the zone), computed once per evaluation. Exact to the last full hour.
 */
function periodToDate(series: string, each: readonly string[], unit: CalendarUnit, z: ZoneOffsets): string {
  const inner = `${series}\nand on ()\nvector(time() - 1800) > ${periodStart(unit, z)}`;
  return sumBy(each, `sum_over_time(\n  (\n    ${q.indent(inner, 4)}\n  )[${LONGEST[unit]}:1h]\n)`);
}

/** Spend over a rolling period: the recorded hourly cost of the last whole hours that fit in it. */
function rolling(series: string, each: readonly string[], ms: number): string {
  return sumBy(each, `sum_over_time(${series}[${q.duration(ms - 1000)}:1h])`);
}

interface Spend {
  expr: string;
  periodText: string;
}

function spendExpr(ctx: AlertContext, b: Budget & { period: Period }, z: ZoneOffsets): Spend | Finding {
  const series = q.selector(ctx.recorded(b.labels), b.matchers.map(toMatcher));
  const each = b.each === undefined ? [] : [b.each];
  if (b.period.kind === 'calendar') {
    return { expr: periodToDate(series, each, b.period.unit, z), periodText: `this ${b.period.unit} (${ctx.budgets.timezone})` };
  }
  if (b.period.ms < HOUR) {
    return finding(
      'PROMQL_LIMIT',
      'warning',
      `budget ${b.name}: a rolling period under 1h cannot be read from hourly cost; no alert (budget check covers it)`,
    );
  }
  return { expr: rolling(series, each, b.period.ms), periodText: `over the last ${b.period.label}` };
}

function spendAlerts(
  ctx: AlertContext,
  b: Budget & { period: Period; limit: string },
  z: ZoneOffsets,
): { rules: AlertingRule[]; findings: Finding[] } {
  const spend = spendExpr(ctx, b, z);
  if ('code' in spend) return { rules: [], findings: [spend] };
  const name = templateSafe(b.name);
  const who = b.each === undefined ? name : `${name} ({{ $labels.${b.each} }})`;
  const scope = templateSafe(describeScope(b.matchers, b.each));
  const common = {
    labels: { budget: name, period: templateSafe(b.period.label) },
    annotations: {
      scope,
      limit: `${b.limit} ${ctx.currency}`,
      command: `tokenspend budget check --budgets ${templateSafe(ctx.path)}`,
      description:
        'Spend is the recorded hourly cost (model:…:increase1h rules) summed up to the last full hour (so up to an hour behind budget check); a series new in the hour or back after a gap of over 3h is read with increase(), which extrapolates.',
    },
  };
  const rules: AlertingRule[] = [
    {
      alert: 'TokenspendBudgetExceeded',
      expr: `${spend.expr}\n>= ${b.limit}`,
      labels: { severity: 'critical', ...common.labels },
      budget: { name: b.name, threshold: b.limit },
      annotations: {
        summary: `${who} spent {{ printf "%.2f" $value }} ${ctx.currency} ${spend.periodText}, at or over its limit of ${b.limit} ${ctx.currency}`,
        ...common.annotations,
      },
    },
  ];
  if (b.warn !== undefined) {
    const at = plain((decimalToFemto(b.limit) * BigInt(Math.round(b.warn * 1e6))) / 1_000_000n);
    rules.push({
      alert: 'TokenspendBudgetWarning',
      expr: `${spend.expr}\n>= ${at}`,
      labels: { severity: 'warning', ...common.labels },
      budget: { name: b.name, threshold: at },
      annotations: {
        summary: `${who} spent {{ printf "%.2f" $value }} ${ctx.currency} ${spend.periodText}: past ${Math.round(b.warn * 100)}% of its limit of ${b.limit} ${ctx.currency}`,
        ...common.annotations,
      },
    });
  }
  const findings = b.forecast || b.failOn !== 'breach' ? [forecastNote(b)] : [];
  return { rules, findings };
}

function forecastNote(b: Budget): Finding {
  return finding(
    'PROMQL_LIMIT',
    'info',
    `budget ${b.name}: forecast breaches are not alerts (PromQL has no seasonal forecast); tokenspend budget check --fail-on forecast covers them`,
  );
}

/** Multiwindow burn rate: every window's spend runs at ≥ factor × the rate the `of` budget allows. */
function burnAlert(ctx: AlertContext, b: Budget, of: Budget & { period: Period; limit: string }, z: ZoneOffsets): AlertingRule | Finding {
  const burn = b.burn as NonNullable<Budget['burn']>;
  const matchers = b.matchers.length === 0 ? of.matchers : b.matchers;
  const each = b.each ?? of.each;
  const labels = [...new Set([...matchers.map((m) => m.label), ...(each ? [each] : [])])];
  const period = of.period.kind === 'calendar' ? periodSeconds(of.period.unit, z) : String(of.period.ms / 1000);
  const parts: string[] = [];
  for (const w of burn.windowsMs) {
    const cost = ctx.cost(w, labels, matchers);
    if (cost === undefined) return finding('PROMQL_LIMIT', 'warning', `budget ${b.name}: nothing is priced, so no burn-rate alert`);
    const allowed = burn.factor * Number(of.limit) * (w / 1000);
    const threshold = /^\d+$/.test(period) ? String(allowed / Number(period)) : `${allowed} / ${period}`;
    parts.push(`(\n  ${q.indent(sumBy(each ? [each] : [], cost))}\n  >= ${threshold}\n)`);
  }
  const name = templateSafe(b.name);
  const who = each === undefined ? name : `${name} ({{ $labels.${each} }})`;
  return {
    alert: 'TokenspendBudgetBurnRate',
    expr: parts.join(`\nand${each ? ` on (${each})` : ''}\n`),
    labels: { severity: 'critical', budget: name, of: templateSafe(of.name) },
    budget: { name: b.name, threshold: String(burn.factor) },
    annotations: {
      summary: `${who} is spending at ${burn.factor}× or more of the rate ${templateSafe(of.name)} allows (${of.limit} ${ctx.currency} per ${templateSafe(of.period.label)}) over ${burn.windows.join(' and ')}`,
      scope: templateSafe(describeScope(matchers, each)),
      limit: `${of.limit} ${ctx.currency} per ${templateSafe(of.period.label)}`,
      command: `tokenspend budget check --budgets ${templateSafe(ctx.path)}`,
    },
  };
}

/** Alerts for every budget of the file, and what PromQL could not express. */
export function budgetAlerts(ctx: AlertContext): { rules: AlertingRule[]; findings: Finding[] } {
  const z = zoneOffsets(ctx.budgets.timezone, ctx.at);
  const rules: AlertingRule[] = [];
  const findings: Finding[] = [];
  if (!wholeHours(z)) {
    findings.push(
      finding(
        'PROMQL_LIMIT',
        'warning',
        `time zone ${ctx.budgets.timezone} is not a whole number of hours from UTC: hourly cost steps straddle its period edges, so the hour across an edge counts in the later period`,
      ),
    );
  }
  for (const b of ctx.budgets.budgets) {
    if (b.burn) {
      const of = ctx.budgets.budgets.find((x) => x.name === b.burn?.of) as Budget & { period: Period; limit: string };
      const r = burnAlert(ctx, b, of, z);
      if ('code' in r) findings.push(r);
      else rules.push(r);
      continue;
    }
    const r = spendAlerts(ctx, b as Budget & { period: Period; limit: string }, z);
    rules.push(...r.rules);
    findings.push(...r.findings);
  }
  return { rules, findings };
}
