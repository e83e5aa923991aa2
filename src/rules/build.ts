import { usageError } from '../errors.js';
import { type Finding, finding } from '../findings.js';
import type { Matcher } from '../ledger/matchers.js';
import { labelOrigins } from '../budget/evaluate.js';
import { budgetAlerts } from './alerts.js';
import type { Discovery } from './discovery.js';
import { describeRules } from './header.js';
import type { Level, RuleGroup, RulesRequest, RuleSet } from './model.js';
import { type JoinKeys, joinLabels, priceTable, priceVector } from './prices.js';
import * as q from './promql.js';
import { canonicalTokens, DIMENSIONS, type Dimension, hasDimension, inclusion, inclusionOf, rawTokens, type UsagePlan } from './usage.js';

const HOUR = 3_600_000;
const isDimension = (l: string): l is Dimension => (DIMENSIONS as readonly string[]).includes(l);

/** A label the rules may group or filter by; `where` names the flag or budget that asked. */
function checkLabel(label: string, where: string, discovery: Discovery): void {
  if (!q.isLabelName(label)) throw usageError(`label "${label}" ${where}: not a label name PromQL can write (letters, digits, _)`);
  if (label === 'type' || label === 'le' || label.startsWith('tokenspend_') || label.startsWith('__'))
    throw usageError(`label "${label}" ${where}: reserved in the generated rules (type, le, tokenspend_*, __*)`);
  if (discovery.source !== undefined && !isDimension(label)) discovery.census.checkLabels([label], { [label]: where });
}

/** The cost and token expressions of the rule set, sharing one price table. */
class Expressions {
  readonly join: JoinKeys;
  /** Rates of canonical tokens (the unpriced rule's table). */
  readonly prices: string | undefined;
  /** Rates of raw tokens: the cost rules read every counter once. */
  private readonly rawPrices: string | undefined;

  constructor(
    readonly plan: UsagePlan,
    readonly table: ReturnType<typeof priceTable>,
  ) {
    this.join = {
      provider: plan.discovery.providersKnown && hasDimension(plan, 'provider'),
      tier: plan.discovery.providersKnown && hasDimension(plan, 'service_tier'),
    };
    this.prices = priceVector(table, this.join, { kind: 'canonical' });
    this.rawPrices = priceVector(table, this.join, { kind: 'raw', inclusion: inclusion(plan), inclusionOf: (k) => inclusionOf(plan, k) });
  }

  private request(rangeMs: number, labels: readonly string[], withJoin: boolean) {
    const joinDims: Dimension[] = withJoin
      ? ['model', ...(this.join.provider ? ['provider' as const] : []), ...(this.join.tier ? ['service_tier' as const] : [])]
      : [];
    const dims = [...new Set<Dimension>([...joinDims, ...labels.filter(isDimension)])];
    return { rangeMs, dims, keep: labels.filter((l) => !isDimension(l)) };
  }

  /**
   * Cost over `range` by `labels`, kept to `matchers`, in currency units: raw tokens times the
   * rates against raw tokens (where input includes cache, a cache read's rate is its own minus the
   * input rate), so each counter is read once.
   */
  cost(rangeMs: number, labels: readonly string[], matchers: readonly Matcher[] = []): string | undefined {
    const all = [...new Set([...labels, ...matchers.map((m) => m.label)])];
    const raw = rawTokens(this.plan, this.request(rangeMs, all, true));
    if (raw === undefined || this.rawPrices === undefined) return undefined;
    const keys = [...joinLabels(this.join), ...(raw.inclusion === 'mixed' ? ['tokenspend_incl'] : [])];
    const priced = `${raw.expr}\n* on (${keys.join(', ')}) group_left ()\n${this.rawPrices}`;
    return `sum ${q.by(labels)} (\n  ${q.indent(filter(priced, matchers))}\n)\n/ 1e6`;
  }

  /** Tokens over `range` by `labels` and canonical type. */
  tokens(rangeMs: number, labels: readonly string[]): string | undefined {
    return canonicalTokens(this.plan, this.request(rangeMs, labels, false));
  }

  /** Tokens with no price row (unknown models, types without a rate), by model and type. */
  unpriced(rangeMs: number): string | undefined {
    const labels = joinLabels(this.join).filter((l) => l !== 'type');
    const canon = canonicalTokens(this.plan, this.request(rangeMs, labels, true));
    if (canon === undefined) return undefined;
    if (this.prices === undefined) return `sum ${q.by([...labels, 'type'])} (\n  ${q.indent(canon)}\n)`;
    return `sum ${q.by([...labels, 'type'])} (\n  ${q.indent(`${canon}\nunless on (${joinLabels(this.join).join(', ')})\n${this.prices}`)}\n)`;
  }
}

/** Keeps the series of `expr` that pass every matcher (on labels it carries). */
function filter(expr: string, matchers: readonly Matcher[]): string {
  let x = expr;
  matchers.forEach((m, i) => {
    if (m.op === '=' || m.op === '!=') {
      x = `(\n  ${q.indent(x)}\n)\n${m.op === '=' ? 'and' : 'unless'} on (${m.label})\n${q.setLabel('vector(1)', m.label, m.value)}`;
      return;
    }
    const flag = `tokenspend_match_${i}`;
    x = `${q.chain(`(\n  ${q.indent(x)}\n)`, [q.whereStep(flag, '1', m.label, m.value)])}\n${m.op === '=~' ? 'and' : 'unless'} on (${flag})\n${q.setLabel('vector(1)', flag, '1')}`;
  });
  return x;
}

const levelName = (labels: readonly string[]) => labels.join('_');

/** The recording levels: the model level, each `--by` level, then what budgets need that no level has. */
function planLevels(req: RulesRequest, plan: UsagePlan, currency: string): Level[] {
  const modelLabels = [
    'model',
    ...(hasDimension(plan, 'provider') ? ['provider'] : []),
    ...(hasDimension(plan, 'gateway') ? ['gateway'] : []),
  ];
  const cost = (name: string) => `${name}:tokenspend_cost_${currency.toLowerCase()}:increase1h`;
  const levels: Level[] = [{ labels: modelLabels, cost: cost('model'), tokens: 'model_type:tokenspend_tokens:increase1h' }];
  for (const labels of req.levels) {
    labels.forEach((l) => checkLabel(l, 'in --by', req.discovery));
    const name = levelName(labels);
    if (levels.some((l) => l.cost === cost(name))) continue;
    levels.push({ labels, cost: cost(name), tokens: `${name}_type:tokenspend_tokens:increase1h` });
  }
  const origins = req.budgets ? labelOrigins(req.budgets.budgets) : {};
  req.budgets?.budgets.budgets.forEach((b) => {
    b.labels.forEach((l) => checkLabel(l, origins[l] ?? `in ${req.budgets?.path}`, req.discovery));
    if (b.burn || levels.some((l) => b.labels.every((x) => l.labels.includes(x)))) return;
    const labels = [...b.labels].sort();
    levels.push({ labels, cost: cost(levelName(labels)) });
  });
  return levels;
}

/**
 * Recording and alerting rules from the data found, the prices and the budgets: hourly cost per
 * level (self-contained, so they can be backfilled), tokens per type, unpriced tokens, and an
 * alert per budget.
 */
export function buildRules(req: RulesRequest): RuleSet {
  const plan: UsagePlan = { discovery: req.discovery, settings: req.settings, forced: req.forced };
  const currency = req.book.currency;
  const table = priceTable(req.book, req.discovery.keys, req.at);
  const ex = new Expressions(plan, table);
  const levels = planLevels(req, plan, currency);
  const findings: Finding[] = [];
  // One group: Prometheus runs a group's rules in order at one evaluation time, so the alerts read
  // the hourly cost recorded in this very evaluation (two groups run independently, and an alert
  // could sum the value recorded one interval earlier).
  const recording: RuleGroup = { name: 'tokenspend', interval: req.interval, partialResponseStrategy: req.partialResponse, rules: [] };
  for (const level of levels) {
    const cost = ex.cost(HOUR, level.labels);
    if (cost !== undefined) recording.rules.push({ record: level.cost, expr: cost });
  }
  for (const level of levels) {
    const tokens = level.tokens === undefined ? undefined : ex.tokens(HOUR, level.labels);
    if (tokens !== undefined && level.tokens !== undefined) recording.rules.push({ record: level.tokens, expr: tokens });
  }
  const unpricedRule = 'tokenspend:unpriced_tokens:increase1h';
  const unpriced = ex.unpriced(HOUR);
  if (unpriced !== undefined) recording.rules.push({ record: unpricedRule, expr: unpriced });
  if (recording.rules.length === 0)
    throw usageError('no token metric the rules can read: every series found is a total or reasoning count');
  if (ex.prices === undefined)
    findings.push(
      finding('UNPRICED_MODELS', 'warning', 'no model found is priced: the rules count tokens only; add prices with --pricing'),
    );
  if (req.budgets && ex.prices === undefined) {
    findings.push(finding('PROMQL_LIMIT', 'warning', `${req.budgets.path}: no budget alert, because no model is priced`));
  } else if (req.budgets) {
    const alerts = budgetAlerts({
      budgets: req.budgets.budgets,
      at: req.at,
      path: req.budgets.path,
      currency,
      recorded: (labels) => (levels.find((l) => labels.every((x) => l.labels.includes(x))) as Level).cost,
      cost: (rangeMs, labels, matchers) => ex.cost(rangeMs, labels, matchers),
    });
    findings.push(...alerts.findings);
    recording.rules.push(...alerts.rules);
  }
  const described = describeRules(req, table, levels, unpricedRule);
  return {
    header: described.header,
    groups: [recording],
    levels,
    unpricedRule,
    prices: table,
    currency,
    findings: [...described.findings, ...findings],
  };
}
