/**
 * Who bills a model, as price files name them (the ids of @pydantic/genai-prices), and how
 * gateways label them. A *maker* sells its own models at list price; a *host* sells models of
 * others at its own prices, and falls back to the maker's list price only where it is known to
 * resell at list price (`resellsAtList`).
 */
export interface ProviderInfo {
  id: string;
  kind: 'maker' | 'host';
  /** Label values and name prefixes that mean this provider (lower case). */
  labels: readonly string[];
  /** Makers whose list price this host charges for their models when it has no entry of its own. */
  resellsAtList?: readonly string[];
  /** A maker's own model names; without a provider label only the makers that claim a name may price it. */
  claims?: RegExp;
}

const MAKER_IDS = ['openai', 'anthropic', 'deepseek', 'x-ai', 'moonshotai', 'mistral', 'cohere'] as const;

const PROVIDERS: readonly ProviderInfo[] = [
  {
    id: 'openai',
    kind: 'maker',
    claims: /^(gpt-|chatgpt|o\d|text-embedding-(3|ada)|davinci|babbage|whisper|tts-|dall-e|codex|computer-use|omni-moderation|sora)/i,
    labels: ['openai', 'openai_chat', 'text-completion-openai', 'openai_responses'],
  },
  { id: 'anthropic', kind: 'maker', claims: /claude/i, labels: ['anthropic', 'anthropic_messages'] },
  {
    id: 'google',
    kind: 'maker',
    claims: /gemini|gemma|imagen|veo-|^(text-)?embedding-00|learnlm/i,
    labels: [
      'google',
      'gemini',
      'gcp.gemini',
      'gcp.gen_ai',
      'google_genai',
      'google_ai_studio',
      'vertex_ai',
      'vertex',
      'gcp.vertex_ai',
      'vertex_ai_beta',
      'vertex_ai-language-models',
      'vertex_ai-anthropic_models',
    ],
    // Claude on Vertex AI is billed at Anthropic's list price.
    resellsAtList: ['anthropic'],
  },
  {
    id: 'mistral',
    kind: 'maker',
    claims: /^(labs-)?((mi|code|dev|magi|mini)stral|mixtral|pixtral|voxtral|open-(mistral|mixtral))/i,
    labels: ['mistral', 'mistral_ai', 'mistralai', 'codestral', 'text-completion-codestral'],
  },
  { id: 'deepseek', kind: 'maker', claims: /^deepseek/i, labels: ['deepseek', 'deepseek_ai'] },
  { id: 'x-ai', kind: 'maker', claims: /grok/i, labels: ['x-ai', 'xai', 'x_ai', 'grok'] },
  { id: 'cohere', kind: 'maker', claims: /^(command|embed-|rerank|c4ai|aya)/i, labels: ['cohere', 'cohere_chat'] },
  { id: 'moonshotai', kind: 'maker', claims: /^(kimi|moonshot)/i, labels: ['moonshotai', 'moonshot', 'kimi'] },
  { id: 'zhipuai', kind: 'maker', claims: /^glm-/i, labels: ['zhipuai', 'zhipu', 'bigmodel'] },
  { id: 'zai', kind: 'maker', claims: /^glm-/i, labels: ['zai', 'z.ai', 'z_ai'] },
  { id: 'minimax', kind: 'maker', claims: /^(minimax|m2-her)/i, labels: ['minimax'] },
  { id: 'voyageai', kind: 'maker', claims: /^voyage/i, labels: ['voyageai', 'voyage'] },
  { id: 'perplexity', kind: 'maker', claims: /^(sonar|r1-1776|pplx)/i, labels: ['perplexity', 'perplexity_ai'] },
  { id: 'arcee', kind: 'maker', labels: ['arcee', 'arcee_ai'] },
  {
    id: 'aws',
    kind: 'host',
    labels: ['aws', 'aws.bedrock', 'bedrock', 'bedrock_converse', 'bedrock_mantle', 'amazon', 'amazon_bedrock', 'aws_bedrock'],
    // Claude on Bedrock (global and in-region inference profiles without an entry) at Anthropic's list price.
    resellsAtList: ['anthropic'],
  },
  {
    id: 'azure',
    kind: 'host',
    labels: [
      'azure',
      'azure.ai.openai',
      'az.ai.openai',
      'azure_ai',
      'azure.ai.inference',
      'az.ai.inference',
      'azure_openai',
      'azure-openai',
    ],
    // Azure OpenAI (global deployments) and Claude in Azure AI Foundry are billed at the makers' list
    // prices. DeepSeek, Grok and Kimi in Foundry are not (LiteLLM's azure_ai entries: DeepSeek-R1
    // $1.35/$5.40 against DeepSeek's $0.55/$2.19; grok-3-mini $0.25/$1.27 against xAI's $0.30/$0.50):
    // without an Azure entry of their own they are unpriced. See docs/pricing.md.
    resellsAtList: ['openai', 'anthropic'],
  },
  {
    id: 'openrouter',
    kind: 'host',
    labels: ['openrouter'],
    // OpenRouter passes the underlying provider's token prices through.
    resellsAtList: [...MAKER_IDS, 'google'],
  },
  { id: 'groq', kind: 'host', labels: ['groq'] },
  { id: 'together', kind: 'host', labels: ['together', 'together_ai', 'together-ai', 'togetherai'] },
  { id: 'fireworks', kind: 'host', labels: ['fireworks', 'fireworks_ai', 'fireworks-ai'] },
  { id: 'cerebras', kind: 'host', labels: ['cerebras'] },
  { id: 'novita', kind: 'host', labels: ['novita', 'novita_ai'] },
  { id: 'avian', kind: 'host', labels: ['avian'] },
  { id: 'baseten', kind: 'host', labels: ['baseten'] },
  { id: 'cloudflare', kind: 'host', labels: ['cloudflare', 'cloudflare_workers_ai', 'workers_ai'] },
  { id: 'doubleword', kind: 'host', labels: ['doubleword'] },
  { id: 'ovhcloud', kind: 'host', labels: ['ovhcloud', 'ovh'] },
  { id: 'quicksilverpro', kind: 'host', labels: ['quicksilverpro'] },
  { id: 'modal', kind: 'host', labels: ['modal'] },
  { id: 'github-copilot', kind: 'host', labels: ['github-copilot', 'github_copilot', 'copilot'] },
  { id: 'cursor', kind: 'host', labels: ['cursor'] },
  { id: 'typesafe', kind: 'host', labels: ['typesafe'] },
];

const BY_LABEL = new Map<string, ProviderInfo>();
const BY_ID = new Map<string, ProviderInfo>();
for (const p of PROVIDERS) {
  BY_ID.set(p.id, p);
  for (const l of [p.id, ...p.labels]) BY_LABEL.set(l, p);
}

/** The provider a label value or a name prefix means (`aws.bedrock` → aws), or undefined. */
export function providerOfLabel(label: string | undefined): ProviderInfo | undefined {
  if (label === undefined || label === '') return undefined;
  const key = label.toLowerCase();
  const known = BY_LABEL.get(key);
  if (known) return known;
  // Hugging Face's router: huggingface_<host>
  if (/^huggingface[_-][a-z0-9-]+$/.test(key)) return { id: key.replace(/^huggingface-/, 'huggingface_'), kind: 'host', labels: [] };
  // LiteLLM's families of one provider: vertex_ai-llama_models, fireworks_ai-embedding-models…
  const family = /^(vertex_ai|fireworks_ai)-[a-z0-9_-]+$/.exec(key);
  if (family) return BY_LABEL.get(family[1] as string);
  return undefined;
}

/**
 * What we know of a provider id from a price file. An id the table does not know (your own
 * `acme`, a self-hosted endpoint) is taken as the maker of the models it lists.
 */
export function providerInfo(id: string): ProviderInfo {
  return BY_ID.get(id) ?? { id, kind: id.startsWith('huggingface') ? 'host' : 'maker', labels: [] };
}

/** Every provider the table knows, for docs and tests. */
export function knownProviders(): readonly ProviderInfo[] {
  return PROVIDERS;
}

/**
 * Who made a model (FOCUS PublisherName): the maker whose own names include `modelId`
 * (`claude-…` on Bedrock is Anthropic's), else `provider` itself, which then sells its own model.
 */
export function publisherOf(modelId: string, provider: string): string {
  if (providerInfo(provider).kind === 'maker') return provider;
  const name = modelId.slice(modelId.lastIndexOf('/') + 1);
  const maker = PROVIDERS.find((p) => p.kind === 'maker' && p.claims?.test(name));
  return maker?.id ?? provider;
}
