import {
  type DialectSettings,
  type DialectSpec,
  includesCache,
  type LabelCondition,
  NULL_MARKERS,
  SERVICE_TIER_LABELS,
} from '../dialects/spec.js';
import type { RawTokenType } from '../model.js';
import type { DialectUse, Discovery, PriceKey } from './discovery.js';
import * as q from './promql.js';

/** Dimensions taken from the dialects (as reports take them), by the label name the rules give them. */
export const DIMENSIONS = ['model', 'provider', 'gateway', 'operation', 'dialect', 'service_tier'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The canonical token types the rules price (reasoning is inside output; total is never priced). */
const PRICED_TYPES = ['input', 'cached_input', 'cache_write', 'output'] as const;

/** Values exporters use for "no value" (agentgateway `unknown`, LiteLLM `None`), as an RE2 alternation. */
const NULLS = [...NULL_MARKERS].map(q.quoteRegex).join('|');
/** Joins two label values while the chain picks the first real one; a control character no exporter writes. */
const SEP = '\u001f';

/**
 * How far before a window the rules look for a counter's last reading. A series silent for
 * longer (a scrape gap) falls back to `increase()` for its first window after the gap.
 */
export const BASELINE = '3h';

/**
 * Tokens a counter selector counted over `range`, the way the ledger counts them: its last
 * reading L minus its last reading before the window B, so consecutive windows add up exactly to
 * the counter's growth (no extrapolation); one reset inside the window adds the reading before it
 * (the window's highest, M). Where that cannot be read (a reset between B and the window, several
 * resets, no reading in the baseline: a new series or a long gap), `increase()` over the window
 * stands in, with its extrapolation.
 */
export function windowTokens(sel: string, rangeMs: number): string {
  const range = q.duration(rangeMs);
  const resets = `resets(${sel}[${range}])`;
  return [
    `(last_over_time(${sel}[${range}]) - last_over_time(${sel}[${BASELINE}] offset ${range}) + max_over_time(${sel}[${range}]) * clamp_max(${resets}, 1)) >= 0`,
    `unless ${resets} > 1`,
    `or increase(${sel}[${range}])`,
  ].join('\n');
}

/** How the rules read the data: what was found, the config file's dialect settings, and `--dialect`. */
export interface UsagePlan {
  discovery: Discovery;
  settings: DialectSettings;
  /** `--dialect` was given: its metrics are read without checking label signatures, as reports do. */
  forced: boolean;
}

/** The vector to build: over which range, with which dimensions and which raw labels kept by name. */
export interface VectorRequest {
  rangeMs: number;
  dims: readonly Dimension[];
  keep: readonly string[];
}

/** Whether input includes cache: never, for every series, or per series (`tokenspend_incl` says). */
export type Inclusion = 'none' | 'all' | 'mixed';

function dimensionLabels(spec: DialectSpec, dim: Exclude<Dimension, 'dialect'>): readonly string[] {
  switch (dim) {
    case 'model':
      return spec.labels.model;
    case 'provider':
      return spec.labels.provider ?? [];
    case 'gateway':
      return spec.labels.gateway ?? ['gateway'];
    case 'operation':
      return spec.labels.operation ?? [];
    case 'service_tier':
      return spec.labels.serviceTier ?? SERVICE_TIER_LABELS;
  }
}

/** The labels of `names` that this metric's series carry (all of them without a source), in priority order. */
function present(plan: UsagePlan, use: DialectUse, metric: string, names: readonly string[]): string[] {
  const seen = use.metrics.get(metric);
  return names.filter((n) => q.isLabelName(n) && (plan.discovery.source === undefined || seen?.has(n) === true));
}

/** True when some series of the data carries a label for `dim`. */
export function hasDimension(plan: UsagePlan, dim: Dimension): boolean {
  if (dim === 'model' || dim === 'dialect') return true;
  return plan.discovery.dialects.some((u) =>
    [...u.metrics.keys()].some((m) => present(plan, u, m, dimensionLabels(u.spec, dim)).length > 0),
  );
}

/**
 * A dialect's cache setting: the config file's, else its own. `auto` (the ledger decides per model
 * from the data) is read as including cache, as current gateways count it; `legacy` takes the
 * dialect's old exceptions (per provider or model) out, per series.
 */
function cacheRule(plan: UsagePlan, spec: DialectSpec): boolean | 'per-series' {
  const setting = plan.settings[spec.id]?.inputIncludesCache;
  if (typeof setting === 'boolean') return setting;
  if (spec.inputIncludesCache === false) return false;
  return setting === 'legacy' && spec.legacyCache ? 'per-series' : true;
}

export function inclusion(plan: UsagePlan): Inclusion {
  const rules = plan.discovery.dialects.map((u) => cacheRule(plan, u.spec));
  if (rules.every((r) => r === false)) return 'none';
  if (rules.every((r) => r === true)) return 'all';
  return 'mixed';
}

/** The `tokenspend_incl` values series of this (model, provider) carry, over the dialects found. */
export function inclusionOf(plan: UsagePlan, key: PriceKey): ('0' | '1')[] {
  const values = new Set<'0' | '1'>();
  for (const u of plan.discovery.dialects) {
    values.add(includesCache(u.spec, plan.settings[u.spec.id]?.inputIncludesCache, key.provider, key.model) ? '1' : '0');
  }
  return [...values].sort();
}

/** `label` holds one of `values` (`holds`) or does not. */
function condition(c: LabelCondition, holds: boolean): q.LabelMatcher {
  if (c.values === undefined) return { label: c.label, op: holds ? '!=' : '=', value: '' };
  return { label: c.label, op: holds ? '=~' : '!~', value: c.values.map(q.quoteRegex).join('|') };
}

/** A dialect's label signature as disjoint sets of matchers (one selector each), as the classifier tests it. */
function signatureMatchers(spec: DialectSpec, forced: boolean): q.LabelMatcher[][] {
  const s = spec.signature;
  if (!s || forced) return [[]];
  const common = [...(s.all ?? []).map((c) => condition(c, true)), ...(s.none ?? []).map((c) => condition(c, false))];
  if (!s.any || s.any.length === 0) return [common];
  return s.any.map((c, i) => [...common, ...(s.any ?? []).slice(0, i).map((p) => condition(p, false)), condition(c, true)]);
}

/** How one metric says the token type: by its name, or in one of several labels (the first with a value wins). */
type TypeSource = { kind: 'name'; type: (typeof PRICED_TYPES)[number] } | { kind: 'label'; label: string; before: string[] };

function typeSources(plan: UsagePlan, use: DialectUse, metric: string): TypeSource[] {
  const declared = use.spec.metrics[metric];
  if (declared === undefined) return [];
  if (declared !== 'label')
    return (PRICED_TYPES as readonly string[]).includes(declared) ? [{ kind: 'name', type: declared as TokenTypeName }] : [];
  const labels = present(plan, use, metric, use.spec.tokenTypeLabels ?? []);
  return labels.map((label, i) => ({ kind: 'label', label, before: labels.slice(0, i) }));
}

type TokenTypeName = (typeof PRICED_TYPES)[number];

/** Values of the dialect's token-type label that mean each priced type. */
function valuesByType(spec: DialectSpec): Map<TokenTypeName, string[]> {
  const out = new Map<TokenTypeName, string[]>();
  for (const [value, type] of Object.entries(spec.tokenTypeValues ?? {}) as [string, RawTokenType][]) {
    if (!(PRICED_TYPES as readonly string[]).includes(type)) continue;
    const list = out.get(type as TokenTypeName) ?? [];
    list.push(value);
    out.set(type as TokenTypeName, list);
  }
  return out;
}

/** Sets `dst` to the first of `sources` with a real value (not empty, `unknown`, `None`…), as `firstLabel` does. */
function firstOf(dst: string, sources: readonly string[]): q.Step[] {
  if (sources.length === 0) return [];
  const steps = [q.copyStep(dst, sources[0] as string)];
  for (const src of sources.slice(1)) {
    steps.push(q.joinStep('tokenspend_pick', SEP, [dst, src]), q.copyStep(dst, 'tokenspend_pick', `(?:${NULLS})${SEP}(.+)`));
  }
  steps.push(q.whereStep(dst, '', dst, NULLS));
  return steps;
}

/** Marks series whose input includes cache (`tokenspend_incl` 1) or not (0), by the dialect's rule. */
function markInclusion(plan: UsagePlan, spec: DialectSpec): q.Step[] {
  const rule = cacheRule(plan, spec);
  if (rule !== 'per-series') return [q.setStep('tokenspend_incl', rule ? '1' : '0')];
  const e = spec.legacyCache as NonNullable<DialectSpec['legacyCache']>;
  const steps = [q.setStep('tokenspend_incl', '1')];
  if (e.providers.length > 0)
    steps.push(q.whereStep('tokenspend_incl', '0', 'tokenspend_provider', e.providers.map(q.quoteRegex).join('|')));
  steps.push(q.whereStep('tokenspend_incl', '0', 'tokenspend_model', `.*(?:${e.modelPattern}).*`));
  return steps;
}

interface TermContext {
  plan: UsagePlan;
  req: VectorRequest;
  inclusion: Inclusion;
}

/** The selectors of one metric: per token-type label alternative and per signature alternative. */
function metricTerms(ctx: TermContext, use: DialectUse, metric: string): string[] {
  const { plan, req } = ctx;
  const spec = use.spec;
  const dims = new Set<Dimension>([...req.dims, 'model', 'provider']);
  const sources = new Map<Dimension, string[]>();
  for (const d of dims) if (d !== 'dialect') sources.set(d, present(plan, use, metric, dimensionLabels(spec, d)));
  const replicas = plan.discovery.replicaLabels.filter((r) => use.metrics.get(metric)?.has(r));
  const byType = valuesByType(spec);
  const terms: string[] = [];
  for (const ts of typeSources(plan, use, metric)) {
    const typeMatchers: q.LabelMatcher[] =
      ts.kind === 'name'
        ? []
        : [
            ...ts.before.map((l) => ({ label: l, op: '=~' as const, value: NULLS })),
            { label: ts.label, op: '=~', value: [...byType.values()].flat().map(q.quoteRegex).join('|') },
          ];
    if (ts.kind === 'label' && byType.size === 0) continue;
    for (const signature of signatureMatchers(spec, plan.forced)) {
      const sel = q.selector(metric, [...signature, ...typeMatchers]);
      let inc = windowTokens(sel, req.rangeMs);
      if (replicas.length > 0) inc = `max without (${replicas.join(', ')}) (\n  ${q.indent(inc)}\n)`;
      const raw = [...new Set([...[...sources.values()].flat(), ...(ts.kind === 'label' ? [ts.label] : []), ...req.keep])];
      const steps: q.Step[] = [];
      for (const [d, labels] of sources) steps.push(...firstOf(`tokenspend_${d}`, labels));
      if (req.dims.includes('dialect')) steps.push(q.setStep('tokenspend_dialect', spec.id));
      if (ts.kind === 'name') steps.push(q.setStep('tokenspend_type', ts.type));
      else
        for (const [type, values] of byType) steps.push(q.whereStep('tokenspend_type', type, ts.label, values.map(q.quoteRegex).join('|')));
      if (ctx.inclusion === 'mixed') steps.push(...markInclusion(plan, spec));
      terms.push(unlessPrimary(ctx, use, metric, q.chain(`sum ${q.by(raw)} (\n  ${q.indent(inc)}\n)`, steps)));
    }
  }
  return terms;
}

/**
 * A metric that repeats another (LiteLLM's provider cache counters repeat its detail counters)
 * counts only for models the other one does not report in the window, as the ledger counts it.
 */
function unlessPrimary(ctx: TermContext, use: DialectUse, metric: string, term: string): string {
  const primary = use.spec.alternates?.[metric];
  if (primary === undefined || !use.metrics.has(primary)) return term;
  const models = present(ctx.plan, use, primary, use.spec.labels.model);
  const seen = `group ${q.by(models)} (\n  last_over_time(${q.selector(primary, [])}[${q.duration(ctx.req.rangeMs)}])\n)`;
  const presence = q.chain(seen, firstOf('tokenspend_model', models));
  return `(\n  ${q.indent(term)}\n  unless on (tokenspend_model)\n  ${q.indent(presence)}\n)`;
}

/** Every term of every dialect and metric, each marked with its index so the union never merges two. */
function allTerms(ctx: TermContext): string[] {
  const terms: string[] = [];
  for (const use of ctx.plan.discovery.dialects) for (const metric of use.metrics.keys()) terms.push(...metricTerms(ctx, use, metric));
  return terms.map((t, i) => (terms.length > 1 ? q.setLabel(t, 'tokenspend_term', String(i)) : t));
}

/** A vector of SIGN rows: the coefficient each raw type adds to uncached input. */
function inputSigns(mode: Exclude<Inclusion, 'none'>): string {
  const row = (type: string, incl: string | undefined, sign: number) => {
    const x = q.setLabel(`vector(${sign})`, 'type', type);
    return incl === undefined ? x : q.setLabel(x, 'tokenspend_incl', incl);
  };
  const rows =
    mode === 'all'
      ? [row('input', undefined, 1), row('cached_input', undefined, -1), row('cache_write', undefined, -1)]
      : [row('input', '0', 1), row('input', '1', 1), row('cached_input', '1', -1), row('cache_write', '1', -1)];
  return `(\n${q.union(rows)}\n)`;
}

/**
 * Tokens over `range` by raw type (`type`: input as the source counts it, cached_input,
 * cache_write, output), with the requested dimensions and raw labels, and `tokenspend_incl`
 * (1 where input includes cache) when that differs between series. Reasoning is inside output;
 * `total` series are never read. Undefined when no series carries a priced type.
 */
export function rawTokens(plan: UsagePlan, req: VectorRequest): { expr: string; inclusion: Inclusion } | undefined {
  const mode = inclusion(plan);
  const terms = allTerms({ plan, req, inclusion: mode });
  if (terms.length === 0) return undefined;
  const internal = [
    ...req.dims.map((d) => `tokenspend_${d}`),
    'tokenspend_type',
    ...(mode === 'mixed' ? ['tokenspend_incl'] : []),
    ...req.keep,
  ];
  const expr = q.chain(`sum ${q.by(internal)} (\n${q.union(terms)}\n)`, [
    ...req.dims.map((d) => q.copyStep(d, `tokenspend_${d}`)),
    q.copyStep('type', 'tokenspend_type'),
  ]);
  return { expr, inclusion: mode };
}

/**
 * Tokens over `range` by canonical type (`type`: input without cache, cached_input, cache_write,
 * output): the same rules as the ledger. Where a dialect's input includes cache, cache reads and
 * writes are taken out of it once.
 */
export function canonicalTokens(plan: UsagePlan, req: VectorRequest): string | undefined {
  const raw = rawTokens(plan, req);
  if (raw === undefined) return undefined;
  const { expr: x, inclusion: mode } = raw;
  const out = [...req.dims, ...req.keep];
  if (mode === 'none') return `sum ${q.by([...out, 'type'])} (\n  ${q.indent(x)}\n)`;
  const keys = mode === 'all' ? ['type'] : ['type', 'tokenspend_incl'];
  const mark = q.setLabel('vector(1)', 'type', 'input');
  const input = q.setLabel(
    `sum ${q.by(out)} (\n  ${q.indent(x)}\n  * on (${keys.join(', ')}) group_left ()\n  ${q.indent(inputSigns(mode))}\n)`,
    'type',
    'input',
  );
  const other = `sum ${q.by([...out, 'type'])} (\n  ${q.indent(x)}\n  unless on (type)\n  ${mark}\n)`;
  return `(\n${q.union([input, other])}\n)`;
}
