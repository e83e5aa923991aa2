import type { Labels, RawTokenType } from '../model.js';

/** A label that must be present, with one of `values` when given. */
export interface LabelCondition {
  label: string;
  values?: readonly string[];
}

/**
 * One dialect, as data: which metrics carry tokens, where the token type, model, provider and
 * gateway are, and whether input already includes cached tokens. Classification, `--help`,
 * `doctor` and generated rules all read this one description.
 */
export interface DialectSpec {
  id: string;
  title: string;
  /** Exposed metric name → its token type, or `label` when the type is in a label. */
  metrics: Readonly<Record<string, RawTokenType | 'label'>>;
  /** Labels holding the token type (first present wins) and what their values mean. */
  tokenTypeLabels?: readonly string[];
  tokenTypeValues?: Readonly<Record<string, RawTokenType>>;
  /** Labels holding each canonical dimension; the first with a real value wins (response model before request model). */
  labels: {
    model: readonly string[];
    provider?: readonly string[];
    operation?: readonly string[];
    gateway?: readonly string[];
    /** The service tier the request was billed in (batch, flex, priority…); the served tier before the requested one. */
    serviceTier?: readonly string[];
  };
  /**
   * The source's input count already includes cache reads and writes (subtracted once, in the
   * ledger). When true and the config file says nothing, the data may overrule it: a model whose
   * input stays below its cache reads and writes over the window cannot be including them.
   */
  inputIncludesCache: boolean;
  /**
   * An older version's behaviour, selected with `inputIncludesCache: legacy` in the config file:
   * these providers' (or models') input excluded cache.
   */
  legacyCache?: { version: string; providers: readonly string[]; modelPattern: string };
  /**
   * Metrics that count the same tokens as another of this dialect's metrics (metric → the one it
   * repeats): used only for models that the other one does not report, so nothing counts twice.
   */
  alternates?: Readonly<Record<string, string>>;
  /** Tells this dialect apart from another with the same metric names (a plain name like `ai_llm_tokens_total`). */
  signature?: { all?: readonly LabelCondition[]; any?: readonly LabelCondition[]; none?: readonly LabelCondition[] };
  /** The source's own cost counter, where it has one. */
  ownCostMetric?: string;
  /**
   * The histogram's `_bucket` series (same labels as its `_sum`, plus `le`): request counts per
   * size, read only to bound long-context tiers (`Classifier.classifyBucket`).
   */
  buckets?: readonly string[];
}

/** What a dialect makes of one series. */
export interface Classified {
  dialect: string;
  /** undefined: a token series whose type we do not know (it is counted in coverage, never priced). */
  type: RawTokenType | undefined;
  model: string | undefined;
  provider: string | undefined;
  operation: string | undefined;
  gateway: string | undefined;
  /** The service tier label's value as the source wrote it (lower case), undefined when none. */
  serviceTier?: string | undefined;
  /** The source's input count already includes cached reads and cache writes; `auto`: yes, unless the data shows otherwise. */
  inputIncludesCache: boolean | 'auto';
  /** The metric whose tokens this one repeats (an alternate), if any. */
  alternateOf?: string | undefined;
}

/**
 * Config-file settings per dialect id. `inputIncludesCache`: `auto` (the default) follows what
 * current releases emit and lets the data overrule it; `legacy` is an older version's behaviour.
 */
export type DialectSettings = Readonly<Record<string, { inputIncludesCache?: boolean | 'auto' | 'legacy' | undefined } | undefined>>;

/**
 * Labels that carry the billed service tier where a dialect names none: OTel's
 * `openai.response.service_tier` (served) before `openai.request.service_tier`, then a plain
 * `service_tier` (LiteLLM custom metadata labels, recording rules).
 */
export const SERVICE_TIER_LABELS: readonly string[] = [
  'openai_response_service_tier',
  'gen_ai_openai_response_service_tier',
  'openai_request_service_tier',
  'gen_ai_openai_request_service_tier',
  'service_tier',
];

/** Values that exporters use to say "no value": agentgateway/Envoy `unknown`, LiteLLM `None`. */
export const NULL_MARKERS: ReadonlySet<string> = new Set(['', 'unknown', 'None', 'none', 'null', 'undefined']);

/** The first label among `names` with a real value. */
export function firstLabel(labels: Labels, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = labels[n];
    if (v !== undefined && !NULL_MARKERS.has(v)) return v;
  }
  return undefined;
}

function holds(labels: Labels, c: LabelCondition): boolean {
  const v = labels[c.label];
  return v !== undefined && (c.values === undefined || c.values.includes(v));
}

/** Does this series carry the dialect's label signature? */
export function matchesSignature(spec: DialectSpec, labels: Labels): boolean {
  const s = spec.signature;
  if (!s) return true;
  if (s.all && !s.all.every((c) => holds(labels, c))) return false;
  if (s.any && !s.any.some((c) => holds(labels, c))) return false;
  return !s.none?.some((c) => holds(labels, c));
}

const patterns = new Map<string, RegExp>();

/** Whether a series' input count includes cache: the config file's setting, else the dialect's ('auto': it does unless the data shows input below cache), with its legacy exceptions. */
export function includesCache(
  spec: DialectSpec,
  setting: boolean | 'auto' | 'legacy' | undefined,
  provider?: string,
  model?: string,
): boolean | 'auto' {
  if (typeof setting === 'boolean') return setting;
  const e = spec.legacyCache;
  if (setting === 'legacy' && e) {
    let re = patterns.get(e.modelPattern);
    if (!re) patterns.set(e.modelPattern, (re = new RegExp(e.modelPattern)));
    if ((provider !== undefined && e.providers.includes(provider)) || (model !== undefined && re.test(model))) return false;
  }
  return spec.inputIncludesCache ? 'auto' : false;
}

/**
 * Every label this dialect's reading of a series depends on: token type, model, provider,
 * operation, gateway, service tier and its signature. Series that agree on these are read alike,
 * so a server may sum them before they arrive.
 */
export function classifyingLabels(spec: DialectSpec, tierLabels?: readonly string[]): string[] {
  const s = spec.signature;
  const conditions = [...(s?.all ?? []), ...(s?.any ?? []), ...(s?.none ?? [])];
  return [
    ...new Set([
      ...(spec.tokenTypeLabels ?? []),
      ...spec.labels.model,
      ...(spec.labels.provider ?? []),
      ...(spec.labels.operation ?? []),
      ...(spec.labels.gateway ?? ['gateway']),
      ...(tierLabels ?? spec.labels.serviceTier ?? SERVICE_TIER_LABELS),
      ...conditions.map((c) => c.label),
    ]),
  ];
}

/** A dialect's reading of one series of one of its metrics. */
export function classifyWith(
  spec: DialectSpec,
  name: string,
  labels: Labels,
  settings: DialectSettings,
  tierLabels?: readonly string[],
): Classified {
  const declared = spec.metrics[name];
  let type: RawTokenType | undefined = declared === 'label' ? undefined : declared;
  if (declared === 'label') {
    const raw = firstLabel(labels, spec.tokenTypeLabels ?? []);
    const values = spec.tokenTypeValues ?? {};
    // A label value is hostile input: `constructor` must not find Object's prototype.
    type = raw !== undefined && Object.hasOwn(values, raw) ? values[raw] : undefined;
  }
  const provider = spec.labels.provider ? firstLabel(labels, spec.labels.provider) : undefined;
  const model = firstLabel(labels, spec.labels.model);
  return {
    dialect: spec.id,
    type,
    model,
    provider,
    operation: spec.labels.operation ? firstLabel(labels, spec.labels.operation) : undefined,
    gateway: firstLabel(labels, spec.labels.gateway ?? ['gateway']),
    serviceTier: firstLabel(labels, tierLabels ?? spec.labels.serviceTier ?? SERVICE_TIER_LABELS)?.toLowerCase(),
    inputIncludesCache: includesCache(spec, settings[spec.id]?.inputIncludesCache, provider, model),
    alternateOf: spec.alternates?.[name],
  };
}
