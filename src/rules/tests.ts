import type { Budget, Budgets } from '../budget/load.js';
import type { Matcher } from '../ledger/matchers.js';
import { type Classified, classifyWith, type DialectSettings, matchesSignature } from '../dialects/spec.js';
import type { Labels } from '../model.js';
import { decimalToFemto, FEMTO_DECIMALS, formatUnits } from '../money.js';
import { zoneOffsets } from './calendar.js';
import type { DialectUse, Discovery, PriceKey } from './discovery.js';
import type { AlertingRule, RuleSet } from './model.js';
import * as q from './promql.js';

/** A `promtool test rules` file, as data. */
export interface PromtoolTests {
  ruleFile: string;
  /** What is tested and what could not be, for comment lines. */
  notes: string[];
  groups: TestGroup[];
}

export interface TestGroup {
  name: string;
  input: { series: string; values: string }[];
  exprs: { expr: string; evalTime: string; samples: { labels: string; value: string }[] }[];
  alerts: { evalTime: string; alertname: string; alerts: { labels: Record<string, string>; annotations: Record<string, string> }[] }[];
}

/** What the generated tests need besides the rule set. */
export interface TestRequest {
  set: RuleSet;
  discovery: Discovery;
  settings: DialectSettings;
  forced: boolean;
  budgets: Budgets | undefined;
  at: number;
  ruleFile: string;
}

type TypeName = 'input' | 'cached_input' | 'cache_write' | 'output';
const PER_MINUTE: Record<TypeName, number> = { input: 5000, cached_input: 1000, cache_write: 500, output: 2000 };
const MINUTE = 60_000;
const HOUR = 3_600_000;

/** A synthetic series: its name and labels, checked to classify as intended. */
interface Synthetic {
  name: string;
  labels: Labels;
  classified: Classified;
}

/** The label a dimension is written to on this metric (the first PromQL-valid one the data has). */
function labelFor(use: DialectUse, metric: string, names: readonly string[], discovered: boolean): string | undefined {
  const seen = use.metrics.get(metric);
  return names.find((n) => q.isLabelName(n) && (!discovered || seen?.has(n) === true));
}

/**
 * A series of `use` that the classifier reads as `type` for `key`, with `extra` labels; undefined
 * when this dialect cannot carry it (no provider label for a key with a provider…).
 */
function synthesize(req: TestRequest, use: DialectUse, key: PriceKey, type: TypeName, extra: Labels): Synthetic | undefined {
  const spec = use.spec;
  const discovered = req.discovery.source !== undefined;
  for (const metric of use.metrics.keys()) {
    const declared = spec.metrics[metric];
    const labels: Labels = { ...extra };
    if (declared === 'label') {
      const typeLabel = labelFor(use, metric, spec.tokenTypeLabels ?? [], discovered);
      const value = Object.entries(spec.tokenTypeValues ?? {}).find(([, t]) => t === type)?.[0];
      if (typeLabel === undefined || value === undefined) continue;
      labels[typeLabel] = value;
    } else if (declared !== type) continue;
    const set = (names: readonly string[] | undefined, value: string | undefined) => {
      if (value === undefined) return true;
      const l = labelFor(use, metric, names ?? [], discovered);
      if (l === undefined) return false;
      labels[l] = value;
      return true;
    };
    if (key.model === undefined || !set(spec.labels.model, key.model) || !set(spec.labels.provider, key.provider)) continue;
    for (const c of [...(spec.signature?.all ?? []), ...(spec.signature?.any ?? []).slice(0, 1)])
      labels[c.label] ??= c.values?.[0] ?? 'synthetic';
    if (!req.forced && !matchesSignature(spec, labels)) continue;
    const classified = classifyWith(spec, metric, labels, req.settings);
    if (
      classified.model === key.model &&
      classified.provider === key.provider &&
      classified.type === type &&
      Object.values(labels).every((v) => v !== '')
    ) {
      if (Object.keys(labels).every(q.isLabelName) && q.isMetricName(metric)) return { name: metric, labels, classified };
    }
  }
  return undefined;
}

function seriesText(s: Synthetic): string {
  return q.selector(
    s.name,
    Object.entries(s.labels).map(([label, value]) => ({ label, op: '=', value })),
  );
}

/** Counter values: 0 until minute `start`, then `perMinute` more each minute, for `minutes`. */
function values(start: number, perMinute: number, minutes: number): string {
  const rise = `0+${perMinute}x${minutes}`;
  return start === 0 ? rise : `0x${start - 1} ${rise}`;
}

const labelsText = (labels: Labels) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${q.str(v)}`)
    .join(', ')}}`;

/** Femto-units of `tokens` at a rate per 1M tokens written as a decimal. */
const femtoOf = (tokens: number, rate: string) => (BigInt(tokens) * decimalToFemto(rate)) / 1_000_000n;

/** Micro-units, when `femto` is not within a thousandth of a half (so float noise cannot round it the other way). */
function micro(femto: bigint): bigint | undefined {
  const unit = 10n ** 9n;
  const rem = femto % unit;
  if (rem > unit / 2n - 10n ** 6n && rem < unit / 2n + 10n ** 6n) return undefined;
  return (femto + unit / 2n) / unit;
}

/** One group per dialect: the hourly cost and tokens rules on a synthetic counter of each type. */
function costGroup(req: TestRequest, use: DialectUse): TestGroup | undefined {
  const model = req.set.levels[0];
  if (!model) return undefined;
  for (const m of req.set.prices.priced) {
    const series: { s: Synthetic; type: TypeName; perMinute: number }[] = [];
    const built = (['cached_input', 'cache_write', 'output'] as const).filter((t) => m.rates[t] !== undefined);
    const parts = built.map((t) => ({ t, s: synthesize(req, use, m.key, t, {}) })).filter((p) => p.s !== undefined);
    const input = m.rates.input === undefined ? undefined : synthesize(req, use, m.key, 'input', {});
    if (!input) continue;
    const cache = parts.filter((p) => p.t !== 'output').reduce((a, p) => a + PER_MINUTE[p.t], 0);
    series.push({ s: input, type: 'input', perMinute: PER_MINUTE.input + (input.classified.inputIncludesCache ? cache : 0) });
    for (const p of parts) series.push({ s: p.s as Synthetic, type: p.t, perMinute: PER_MINUTE[p.t] });
    let femto = 0n;
    const tokens: [TypeName, number][] = [];
    for (const x of [{ type: 'input' as const }, ...parts.map((p) => ({ type: p.t }))]) {
      const n = PER_MINUTE[x.type] * 60;
      tokens.push([x.type, n]);
      femto += femtoOf(n, m.rates[x.type] as string);
    }
    const mu = micro(femto);
    if (mu === undefined) continue;
    const out: Labels = {
      model: m.key.model as string,
      ...(m.key.provider && model.labels.includes('provider') ? { provider: m.key.provider } : {}),
    };
    return {
      name: `${use.spec.id}: ${m.key.model} costs ${formatUnits(femto, FEMTO_DECIMALS).replace(/0+$/, '')} ${req.set.currency} an hour`,
      input: series.map((x) => ({ series: seriesText(x.s), values: values(0, x.perMinute, 150) })),
      exprs: [
        { expr: `round(${model.cost} * 1e6)`, evalTime: '2h', samples: [{ labels: labelsText(out), value: mu.toString() }] },
        {
          expr: model.tokens as string,
          evalTime: '2h',
          samples: tokens.map(([t, n]) => ({ labels: `${model.tokens}${labelsText({ ...out, type: t })}`, value: String(n) })),
        },
      ],
      alerts: [],
    };
  }
  return undefined;
}

/** Expands the few template actions the generated alerts use. */
function expand(text: string, labels: Labels, value: number): string {
  return text.replace(
    /\{\{ (?:"\{\{"|\$labels\.([A-Za-z_][A-Za-z0-9_]*)|printf "%\.2f" \$value) \}\}/g,
    (all, label: string | undefined) => {
      if (all === '{{ "{{" }}') return '{{';
      if (label !== undefined) return labels[label] ?? '';
      return value.toFixed(2);
    },
  );
}

/** A value for `label` that every matcher of `matchers` on it accepts, or undefined. */
function valueFor(label: string, matchers: readonly Matcher[]): string | undefined {
  const ms = matchers.filter((m) => m.label === label);
  const candidates = [...ms.flatMap((m) => (m.op === '=' ? [m.value] : m.op === '=~' ? m.value.split('|') : [])), 'synthetic-a', 'x'];
  return candidates.find((c) => ms.every((m) => m.test(c)));
}

/** A budget's scope, and the labels its alerts group by. */
interface Scope {
  matchers: readonly Matcher[];
  each: string | undefined;
}

function scopeOf(b: Budget, budgets: Budgets): Scope {
  if (!b.burn) return { matchers: b.matchers, each: b.each };
  const of = budgets.budgets.find((x) => x.name === b.burn?.of) as Budget;
  return { matchers: b.matchers.length === 0 ? of.matchers : b.matchers, each: b.each ?? of.each };
}

const CANONICAL = new Set(['model', 'provider', 'gateway', 'operation', 'dialect', 'service_tier']);

/** A dimension's value on a synthetic series, as reports and the rules read it. */
function dimension(s: Synthetic, spec: string, label: string, key: PriceKey): string {
  const c = s.classified;
  const canonical: Record<string, string | undefined> = {
    model: c.model,
    provider: c.provider,
    gateway: c.gateway,
    operation: c.operation,
    dialect: spec,
    service_tier: key.tier,
  };
  return (CANONICAL.has(label) ? canonical[label] : s.labels[label]) ?? '';
}

/** An input series in `scope`, of a priced model with an input rate; undefined when none can be made. */
function scopedSeries(req: TestRequest, scope: Scope): { s: Synthetic; use: DialectUse; key: PriceKey; rate: string } | undefined {
  const labels = [...new Set([...scope.matchers.map((m) => m.label), ...(scope.each ? [scope.each] : [])])];
  for (const use of req.discovery.dialects) {
    for (const m of req.set.prices.priced) {
      const rate = m.rates.input;
      if (rate === undefined) continue;
      const extra: Labels = {};
      for (const l of labels.filter((x) => !['model', 'provider', 'dialect', 'service_tier'].includes(x))) {
        const v = valueFor(l, scope.matchers);
        if (v === undefined) return undefined;
        const names =
          l === 'gateway' ? (use.spec.labels.gateway ?? ['gateway']) : l === 'operation' ? (use.spec.labels.operation ?? []) : [l];
        const name = names.find(q.isLabelName);
        if (name === undefined) continue;
        extra[name] = v;
      }
      const s = synthesize(req, use, m.key, 'input', extra);
      if (s && scope.matchers.every((x) => x.test(dimension(s, use.spec.id, x.label, m.key)))) return { s, use, key: m.key, rate };
    }
  }
  return undefined;
}

/** Expected firing alerts of `rules` on one series that costs `spend(rule)` (undefined: not in scope or below). */
function expected(
  rules: readonly AlertingRule[],
  budgets: Budgets,
  found: { s: Synthetic; use: DialectUse; key: PriceKey },
  spend: (r: AlertingRule, b: Budget) => bigint | undefined,
): TestGroup['alerts'] {
  const byName = new Map<string, TestGroup['alerts'][number]['alerts']>();
  for (const r of rules) {
    const b = budgets.budgets.find((x) => x.name === r.budget?.name) as Budget;
    const scope = scopeOf(b, budgets);
    const list = byName.get(r.alert) ?? [];
    byName.set(r.alert, list);
    if (!scope.matchers.every((m) => m.test(dimension(found.s, found.use.spec.id, m.label, found.key)))) continue;
    const femto = spend(r, b);
    if (femto === undefined) continue;
    const each = scope.each === undefined ? '' : dimension(found.s, found.use.spec.id, scope.each, found.key);
    const labels: Labels = { ...(scope.each && each !== '' ? { [scope.each]: each } : {}) };
    const value = Number(formatUnits(femto, FEMTO_DECIMALS));
    const alertLabels = { ...Object.fromEntries(Object.entries(r.labels).map(([k, v]) => [k, expand(v, labels, value)])), ...labels };
    list.push({
      labels: alertLabels,
      annotations: Object.fromEntries(Object.entries(r.annotations).map(([k, v]) => [k, expand(v, labels, value)])),
    });
  }
  return [...byName.entries()].map(([alertname, alerts]) => ({ evalTime: '', alertname, alerts }));
}

/** Tokens per minute so that `hours` hours cost about `target` at `rate`, nudged off rounding ties of cents. */
function perMinute(target: number, rate: string, hours: number): number {
  let n = Math.max(1, Math.ceil((target * 1e6) / (Number(rate) * 60 * hours)));
  for (;;) {
    const femto = femtoOf(n * 60 * hours, rate);
    const cents = femto % 10n ** 13n;
    if (cents < 5n * 10n ** 12n - 10n ** 10n || cents > 5n * 10n ** 12n + 10n ** 10n) return n;
    n++;
  }
}

/**
 * The first whole hour (from the epoch, where promtool's series start) after which three hours
 * of traffic stay within one local day: the zone's clock (at its offset in the span's first
 * year) reads between 00:00 and 21:00 then.
 */
function startMinute(req: TestRequest, budgets: Budgets): number {
  const base = zoneOffsets(budgets.timezone, req.at).base;
  const clock = ((base % 86400) + 86400) % 86400;
  return clock <= 21 * 3600 ? 0 : Math.ceil((86400 - clock) / 3600) * 60;
}

/**
 * Spend alerts: a series in the budget's scope, quiet until 02:00 in the budgets' zone, then
 * spending 1.5 × the limit over three hours; checked after one hour (below) and after three (over).
 */
function spendGroup(req: TestRequest, budgets: Budgets, b: Budget, rules: readonly AlertingRule[]): TestGroup | string {
  const found = scopedSeries(req, { matchers: b.matchers, each: b.each });
  if (!found) return `budget ${b.name}: no priced series could be made in its scope`;
  const n = perMinute(1.5 * Number(b.limit), found.rate, 3);
  const start = startMinute(req, budgets);
  const hourly = femtoOf(n * 60, found.rate);
  const at = (hoursIn: number) => {
    const end = start + 60 * hoursIn;
    const spend = (r: AlertingRule, x: Budget) => {
      if (!x.period) return undefined;
      let hours = hoursIn;
      if (x.period.kind === 'rolling') {
        const window = x.period.ms - 1000;
        hours = Array.from({ length: hoursIn }, (_, k) => k + 1).filter((k) => (start + 60 * k) * MINUTE > end * MINUTE - window).length;
      }
      const femto = hourly * BigInt(hours);
      return femto >= decimalToFemto(r.budget?.threshold ?? '0') ? femto : undefined;
    };
    return expected(
      rules.filter((r) => r.alert !== 'TokenspendBudgetBurnRate'),
      budgets,
      found,
      spend,
    ).map((a) => ({ ...a, evalTime: `${end}m` }));
  };
  return {
    name: `budget ${b.name}`,
    input: [{ series: seriesText(found.s), values: values(start, n, 200) }],
    exprs: [],
    alerts: [...at(1), ...at(3)],
  };
}

/** Seconds of the calendar period holding `ms` (local wall clock read as UTC). */
function periodSecondsAt(b: Budget, localMs: number): number {
  const p = b.period;
  if (!p) return 0;
  if (p.kind === 'rolling') return p.ms / 1000;
  const d = new Date(localMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const days = (from: number, to: number) => (Date.UTC(y, to, 1) - Date.UTC(y, from, 1)) / 86_400_000;
  switch (p.unit) {
    case 'hour':
      return 3600;
    case 'day':
      return 86400;
    case 'week':
      return 604800;
    case 'month':
      return days(m, m + 1) * 86400;
    case 'quarter':
      return days(m - (m % 3), m - (m % 3) + 3) * 86400;
    case 'year':
      return days(0, 12) * 86400;
  }
}

/** Burn-rate alerts: spend at twice the factor, long enough to fill every window. */
function burnGroup(req: TestRequest, budgets: Budgets, b: Budget, rules: readonly AlertingRule[]): TestGroup | string {
  const found = scopedSeries(req, scopeOf(b, budgets));
  if (!found) return `budget ${b.name}: no priced series could be made in its scope`;
  const of = budgets.budgets.find((x) => x.name === b.burn?.of) as Budget;
  const start = startMinute(req, budgets);
  const longest = Math.max(...(b.burn?.windowsMs ?? [HOUR])) / MINUTE;
  const end = start + Math.ceil(longest / 5) * 5 + 60;
  const base = zoneOffsets(budgets.timezone, req.at).base;
  const period = periodSecondsAt(of, end * MINUTE + base * 1000);
  const perSecond = (2 * (b.burn?.factor ?? 1) * Number(of.limit)) / period;
  const n = Math.max(1, Math.ceil((perSecond * 60 * 1e6) / Number(found.rate)));
  const at = (t: number) => {
    const spent = (w: number) => femtoOf(n * Math.min(w / MINUTE, t - start), found.rate);
    const spend = (_r: AlertingRule, x: Budget) => {
      const xof = budgets.budgets.find((y) => y.name === x.burn?.of) as Budget;
      const xperiod = periodSecondsAt(xof, t * MINUTE + base * 1000);
      const windows = x.burn?.windowsMs ?? [];
      const ok = windows.every((w) => Number(spent(w)) / 1e15 >= ((x.burn?.factor ?? 0) * Number(xof.limit) * (w / 1000)) / xperiod);
      return ok ? spent(windows[0] ?? 0) : undefined;
    };
    return expected(
      rules.filter((r) => r.alert === 'TokenspendBudgetBurnRate'),
      budgets,
      found,
      spend,
    ).map((a) => ({ ...a, evalTime: `${t}m` }));
  };
  // Early on the long window has too little spend to fire; once it is full, every window burns at twice the factor.
  const early = start + Math.max(5, Math.ceil(Math.min(...(b.burn?.windowsMs ?? [HOUR])) / (5 * MINUTE)) * 5);
  return {
    name: `burn rate ${b.name}`,
    input: [{ series: seriesText(found.s), values: values(start, n, end - start + 10) }],
    exprs: [],
    alerts: [...(early < end ? at(early) : []), ...at(end)],
  };
}

/**
 * Unit tests for `promtool test rules`: per dialect, synthetic counters of each token type
 * through the hourly cost and token rules (expected values from the exact prices, in integers);
 * per budget, a series in its scope that crosses its limit, and for burn-rate budgets one that
 * spends at twice the factor, with every alert expected to fire on that series.
 */
export function ruleTests(req: TestRequest): PromtoolTests {
  const groups: TestGroup[] = [];
  const notes: string[] = [];
  for (const use of req.discovery.dialects) {
    const g = costGroup(req, use);
    if (g) groups.push(g);
    else notes.push(`${use.spec.id}: no priced model could be written as a synthetic series; its cost rule is not tested here`);
  }
  const alerts = req.set.groups.flatMap((g) => g.rules.filter((r): r is AlertingRule => 'alert' in r));
  for (const b of req.budgets?.budgets ?? []) {
    const mine = alerts.filter((r) => r.budget?.name === b.name);
    if (mine.length === 0 || !req.budgets) continue;
    const g = b.burn ? burnGroup(req, req.budgets, b, alerts) : spendGroup(req, req.budgets, b, alerts);
    if (typeof g === 'string') notes.push(g);
    else groups.push(g);
  }
  return { ruleFile: req.ruleFile, notes, groups };
}
