import type { Labels } from '../model.js';
import { type Classified, type Dialect, type DialectSettings, firstLabel, type RawTokenType } from './dialect.js';

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

function classified(
  dialect: string,
  type: RawTokenType | undefined,
  labels: Labels,
  names: { model: readonly string[]; provider?: readonly string[]; operation?: readonly string[]; gateway?: readonly string[] },
  inputIncludesCache: boolean,
): Classified {
  return {
    dialect,
    type,
    model: firstLabel(labels, names.model),
    provider: names.provider ? firstLabel(labels, names.provider) : undefined,
    operation: names.operation ? firstLabel(labels, names.operation) : undefined,
    gateway: names.gateway ? firstLabel(labels, names.gateway) : firstLabel(labels, ['gateway']),
    inputIncludesCache,
  };
}

/** A dialect whose token type is encoded in the metric name. */
function byName(
  id: string,
  title: string,
  types: Record<string, RawTokenType>,
  names: { model: readonly string[]; provider?: readonly string[]; operation?: readonly string[] },
  includesCache: (settings: DialectSettings) => boolean,
  signature: (labels: Labels) => boolean = () => true,
): Dialect {
  return {
    id,
    title,
    metricNames: Object.keys(types),
    matchesName: (name) => Object.hasOwn(types, name),
    matchesLabels: (_name, labels) => signature(labels),
    classify: (name, labels, settings) => classified(id, types[name], labels, names, includesCache(settings)),
  };
}

/** `_total` optional: some clients (or recording rules) drop it. */
function withOptionalTotal(types: Record<string, RawTokenType>): Record<string, RawTokenType> {
  const out: Record<string, RawTokenType> = {};
  for (const [name, type] of Object.entries(types)) {
    out[name] = type;
    out[`${name}_total`] = type;
  }
  return out;
}

const agentgateway: Dialect = {
  id: 'agentgateway',
  title: 'agentgateway (gen_ai_client_token_usage histogram, agentgateway_ prefix)',
  metricNames: ['agentgateway_gen_ai_client_token_usage_sum'],
  matchesName: (name) => name === 'agentgateway_gen_ai_client_token_usage_sum',
  matchesLabels: () => true,
  classify(_name, labels, settings) {
    const raw = firstLabel(labels, GENAI_TOKEN_TYPE);
    const type = raw === undefined ? undefined : GENAI_TYPES[raw];
    const c = classified(
      'agentgateway',
      type,
      labels,
      { model: GENAI_MODEL, provider: GENAI_PROVIDER, operation: GENAI_OPERATION, gateway: ['gateway'] },
      true,
    );
    c.inputIncludesCache = agentgatewayIncludesCache(settings.agentgatewayInputIncludesCache, c.provider, c.model);
    return c;
  },
};

/**
 * Up to v1.4 agentgateway reported the provider's own input count: Anthropic and Bedrock exclude
 * cache reads and writes from it, OpenAI and Gemini include cached reads. Later builds normalise
 * to "includes"; the config file says which one you run.
 */
function agentgatewayIncludesCache(setting: 'auto' | boolean, provider: string | undefined, model: string | undefined): boolean {
  if (setting !== 'auto') return setting;
  if (provider === 'anthropic' || provider === 'aws.bedrock') return false;
  if (model !== undefined && /(^|[./@])(anthropic\.)?claude/.test(model)) return false;
  return true;
}

const GENAI_HISTOGRAM_SUMS = new Set([
  'gen_ai_client_token_usage_sum',
  'gen_ai_client_token_usage_token_sum',
  'gen_ai.client.token.usage_sum',
  'gen_ai.client.token.usage_token_sum',
]);

/** Envoy AI Gateway labels or token types that plain OTel semconv instrumentations do not emit. */
function looksLikeEnvoy(labels: Labels): boolean {
  if (labels.gen_ai_original_model !== undefined) return true;
  if (labels.otel_scope_name === 'envoyproxy/ai-gateway') return true;
  if (labels.gen_ai_system_name !== undefined) return true;
  const t = labels.gen_ai_token_type;
  return t === 'cached_input' || t === 'cache_creation_input' || t === 'reasoning' || t === 'total';
}

function genaiHistogram(id: 'envoy-ai-gateway' | 'otel-semconv', title: string, envoy: boolean): Dialect {
  return {
    id,
    title,
    metricNames: [...GENAI_HISTOGRAM_SUMS],
    matchesName: (name) => GENAI_HISTOGRAM_SUMS.has(name),
    matchesLabels: (_name, labels) => looksLikeEnvoy(labels) === envoy,
    classify(_name, labels) {
      const raw = firstLabel(labels, GENAI_TOKEN_TYPE);
      // Both Envoy AI Gateway and OTel semconv ("SHOULD include cached tokens") count cache inside input.
      return classified(
        id,
        raw === undefined ? undefined : GENAI_TYPES[raw],
        labels,
        {
          model: GENAI_MODEL,
          provider: GENAI_PROVIDER,
          operation: GENAI_OPERATION,
          gateway: ['gateway', 'gateway_envoyproxy_io_owning_gateway_name'],
        },
        true,
      );
    },
  };
}

const envoy = genaiHistogram('envoy-ai-gateway', 'Envoy AI Gateway (gen_ai_client_token_usage histogram)', true);
const otelSemconv = genaiHistogram('otel-semconv', 'OpenTelemetry GenAI semconv (gen_ai_client_token_usage histogram)', false);

const otelCounters = byName(
  'otel-counters',
  'OpenTelemetry GenAI counters (gen_ai_client_token_usage_{input,output,cached_input}_total)',
  withOptionalTotal({
    gen_ai_client_token_usage_input: 'input',
    gen_ai_client_token_usage_output: 'output',
    gen_ai_client_token_usage_cached_input: 'cached_input',
  }),
  { model: GENAI_MODEL, provider: GENAI_PROVIDER, operation: GENAI_OPERATION },
  // The OTel cost-tracking recipe records cached tokens on their own counter after the input
  // counter already counted them.
  () => true,
);

const llmTokens = byName(
  'llm-tokens',
  'Generic llm_tokens_in / llm_tokens_out counters',
  withOptionalTotal({ llm_tokens_in: 'input', llm_tokens_out: 'output' }),
  { model: ['model', 'model_name'], provider: ['provider'] },
  () => false,
);

const litellm = byName(
  'litellm',
  'LiteLLM proxy (litellm_*_tokens_metric_total)',
  {
    litellm_input_tokens_metric_total: 'input',
    litellm_output_tokens_metric_total: 'output',
    litellm_input_cached_tokens_metric_total: 'cached_input',
    litellm_input_cache_creation_tokens_metric_total: 'cache_write',
    litellm_output_reasoning_tokens_metric_total: 'reasoning',
    litellm_total_tokens_metric_total: 'total',
  },
  { model: ['model', 'requested_model'], provider: ['api_provider'] },
  (s) => s.litellmInputIncludesCache,
);

const vllm = byName(
  'vllm',
  'vLLM (vllm:prompt_tokens_total, vllm:generation_tokens_total)',
  {
    'vllm:prompt_tokens_total': 'input',
    'vllm:generation_tokens_total': 'output',
    'vllm:prompt_tokens_cached_total': 'cached_input',
  },
  { model: ['model_name'] },
  // Prompt tokens are counted at full prompt length, prefix-cache hits included.
  () => true,
);

const KONG_TYPES: Record<string, RawTokenType> = {
  prompt_tokens: 'input',
  completion_tokens: 'output',
  total_tokens: 'total',
};

const kong: Dialect = {
  id: 'kong',
  title: 'Kong AI Gateway (kong_ai_llm_tokens_total)',
  metricNames: ['kong_ai_llm_tokens_total', 'ai_llm_tokens_total'],
  matchesName: (name) => name === 'kong_ai_llm_tokens_total' || name === 'ai_llm_tokens_total',
  // ai_llm_tokens_total is a common name: only Kong's label signature makes it Kong.
  matchesLabels: (_name, labels) => labels.token_type !== undefined && labels.ai_model !== undefined && labels.ai_provider !== undefined,
  classify(_name, labels) {
    const raw = labels.token_type;
    return classified(
      'kong',
      raw === undefined ? undefined : KONG_TYPES[raw],
      labels,
      { model: ['ai_model'], provider: ['ai_provider'] },
      false,
    );
  },
};

/** Every built-in dialect; order decides only the order of `--help` and docs. */
export const DIALECTS: readonly Dialect[] = [agentgateway, envoy, otelSemconv, otelCounters, llmTokens, litellm, vllm, kong];

export function dialectById(id: string): Dialect | undefined {
  return DIALECTS.find((d) => d.id === id);
}
