import type { RawTokenType } from '../model.js';
import type { DialectSpec, LabelCondition } from './spec.js';

// Facts from each system's own code and docs (see ../shared/research/metric-dialects.md).

const GENAI_MODEL = ['gen_ai_response_model', 'gen_ai.response.model', 'gen_ai_request_model', 'gen_ai.request.model'];
const GENAI_PROVIDER = ['gen_ai_provider_name', 'gen_ai.provider.name', 'gen_ai_system', 'gen_ai.system', 'gen_ai_system_name'];
const GENAI_OPERATION = ['gen_ai_operation_name', 'gen_ai.operation.name'];
const GENAI_TOKEN_TYPE = ['gen_ai_token_type', 'gen_ai.token.type', 'llm_usage_token_type'];

/** gen_ai.token.type values of agentgateway, Envoy AI Gateway, OTel semconv and legacy OpenLLMetry. */
const GENAI_TYPES: Record<string, RawTokenType> = {
  input: 'input',
  prompt: 'input',
  output: 'output',
  completion: 'output',
  cached_input: 'cached_input',
  input_cache_read: 'cached_input',
  cache_creation_input: 'cache_write',
  input_cache_write: 'cache_write',
  reasoning: 'reasoning',
  total: 'total',
};

const byLabel = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, 'label' as const]));

/** `_total` optional: some clients (or recording rules) drop it. */
function withOptionalTotal(types: Record<string, RawTokenType>): Record<string, RawTokenType> {
  const out: Record<string, RawTokenType> = {};
  for (const [name, type] of Object.entries(types)) {
    out[name] = type;
    out[`${name}_total`] = type;
  }
  return out;
}

const GENAI_HISTOGRAM_SUMS = [
  'gen_ai_client_token_usage_sum',
  'gen_ai_client_token_usage_token_sum',
  'gen_ai.client.token.usage_sum',
  'gen_ai.client.token.usage_token_sum',
];

/** Envoy AI Gateway labels or token types that plain OTel semconv instrumentations do not emit. */
const ENVOY_SIGNATURE: readonly LabelCondition[] = [
  { label: 'gen_ai_original_model' },
  { label: 'otel_scope_name', values: ['envoyproxy/ai-gateway'] },
  { label: 'gen_ai_system_name' },
  { label: 'gen_ai_token_type', values: ['cached_input', 'cache_creation_input', 'reasoning', 'total'] },
];

const GENAI_LABELS = { model: GENAI_MODEL, provider: GENAI_PROVIDER, operation: GENAI_OPERATION };

/** The gen_ai.client.token.usage histogram's `_sum`, as Envoy AI Gateway and OTel SDKs export it. */
const GENAI_HISTOGRAM = {
  metrics: byLabel(GENAI_HISTOGRAM_SUMS),
  buckets: GENAI_HISTOGRAM_SUMS.map((n) => n.replace(/_sum$/, '_bucket')),
  tokenTypeLabels: GENAI_TOKEN_TYPE,
  tokenTypeValues: GENAI_TYPES,
  labels: { ...GENAI_LABELS, gateway: ['gateway', 'gateway_envoyproxy_io_owning_gateway_name'] },
  // Envoy AI Gateway counts cache inside input, and the semconv says input SHOULD include cached tokens.
  inputIncludesCache: true,
} as const;

/**
 * Every built-in dialect, in detection order: where several read the same metric name, the first
 * whose label signature fits takes the series. The order is also the order of `--help` and docs.
 */
export const DIALECTS: readonly DialectSpec[] = [
  {
    id: 'agentgateway',
    title: 'agentgateway (gen_ai_client_token_usage histogram, agentgateway_ prefix)',
    metrics: byLabel(['agentgateway_gen_ai_client_token_usage_sum']),
    buckets: ['agentgateway_gen_ai_client_token_usage_bucket'],
    tokenTypeLabels: GENAI_TOKEN_TYPE,
    tokenTypeValues: GENAI_TYPES,
    labels: { ...GENAI_LABELS, gateway: ['gateway'] },
    // Current agentgateway normalises input to include cache reads and writes for every provider
    // (main since 2026-08-06, commit 5d620d42b; its docs: "the input series already includes the
    // cached tokens"). Up to v1.4.1 it passed on the provider's own count: Anthropic and Bedrock
    // exclude cache from it (`inputIncludesCache: legacy`; also agentgateway's own
    // AGENTGATEWAY_LEGACY_LLM_USAGE_TOKEN_SEMANTICS=true).
    inputIncludesCache: true,
    legacyCache: { version: '≤ v1.4', providers: ['anthropic', 'aws.bedrock'], modelPattern: '(^|[./@])(anthropic\\.)?claude' },
    ownCostMetric: 'agentgateway_gen_ai_client_cost_usd_total',
  },
  {
    id: 'envoy-ai-gateway',
    title: 'Envoy AI Gateway (gen_ai_client_token_usage histogram)',
    ...GENAI_HISTOGRAM,
    signature: { any: ENVOY_SIGNATURE },
  },
  {
    id: 'otel-semconv',
    title: 'OpenTelemetry GenAI semconv (gen_ai_client_token_usage histogram)',
    ...GENAI_HISTOGRAM,
    signature: { none: ENVOY_SIGNATURE },
  },
  {
    id: 'otel-counters',
    title: 'OpenTelemetry GenAI counters (gen_ai_client_token_usage_{input,output,cached_input}_total)',
    metrics: withOptionalTotal({
      gen_ai_client_token_usage_input: 'input',
      gen_ai_client_token_usage_output: 'output',
      gen_ai_client_token_usage_cached_input: 'cached_input',
    }),
    labels: GENAI_LABELS,
    // The OTel cost-tracking recipe records cached tokens on their own counter after the input
    // counter already counted them.
    inputIncludesCache: true,
  },
  {
    id: 'llm-tokens',
    title: 'Generic llm_tokens_in / llm_tokens_out counters',
    metrics: withOptionalTotal({ llm_tokens_in: 'input', llm_tokens_out: 'output' }),
    labels: { model: ['model', 'model_name'], provider: ['provider'] },
    inputIncludesCache: false,
    ownCostMetric: 'llm_total_cost_usd',
  },
  {
    id: 'litellm',
    title: 'LiteLLM proxy (litellm_*_tokens_metric_total)',
    metrics: {
      litellm_input_tokens_metric_total: 'input',
      litellm_output_tokens_metric_total: 'output',
      litellm_input_cached_tokens_metric_total: 'cached_input',
      litellm_input_cache_creation_tokens_metric_total: 'cache_write',
      litellm_output_reasoning_tokens_metric_total: 'reasoning',
      litellm_total_tokens_metric_total: 'total',
      // Provider prompt-cache counters (newer releases): the same reads and writes as the two
      // detail counters above, from the provider's usage (`cache_read_input_tokens`, else
      // `prompt_tokens_details.cached_tokens`; `cache_creation_input_tokens`).
      litellm_provider_cache_read_input_tokens_metric_total: 'cached_input',
      litellm_provider_cache_creation_input_tokens_metric_total: 'cache_write',
    },
    alternates: {
      litellm_provider_cache_read_input_tokens_metric_total: 'litellm_input_cached_tokens_metric_total',
      litellm_provider_cache_creation_input_tokens_metric_total: 'litellm_input_cache_creation_tokens_metric_total',
    },
    labels: { model: ['model', 'requested_model'], provider: ['api_provider'] },
    inputIncludesCache: true,
    ownCostMetric: 'litellm_spend_metric_total',
  },
  {
    id: 'vllm',
    title: 'vLLM (vllm:prompt_tokens_total, vllm:generation_tokens_total)',
    metrics: {
      'vllm:prompt_tokens_total': 'input',
      'vllm:generation_tokens_total': 'output',
      'vllm:prompt_tokens_cached_total': 'cached_input',
    },
    labels: { model: ['model_name'] },
    // Prompt tokens are counted at full prompt length, prefix-cache hits included.
    inputIncludesCache: true,
  },
  {
    id: 'kong',
    title: 'Kong AI Gateway (kong_ai_llm_tokens_total)',
    metrics: byLabel(['kong_ai_llm_tokens_total', 'ai_llm_tokens_total']),
    tokenTypeLabels: ['token_type'],
    tokenTypeValues: { prompt_tokens: 'input', completion_tokens: 'output', total_tokens: 'total' },
    labels: { model: ['ai_model'], provider: ['ai_provider'] },
    inputIncludesCache: false,
    // ai_llm_tokens_total is a common name: only Kong's label signature makes it Kong.
    signature: { all: [{ label: 'token_type' }, { label: 'ai_model' }, { label: 'ai_provider' }] },
    ownCostMetric: 'kong_ai_llm_cost_total',
  },
];

/** Ids of the built-in dialects and `custom` (the config file's mappings), for `--dialect`. */
export const DIALECT_IDS: readonly string[] = [...DIALECTS.map((d) => d.id), 'custom'];
