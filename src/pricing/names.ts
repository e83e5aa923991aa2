import { providerOfLabel } from './providers.js';

/**
 * One way of writing a model name, derived from the name a gateway reported by one of the rules
 * below (each rule rewrites the form before it). `hint` is a provider the rewrite revealed
 * (`bedrock/…`, a Bedrock region prefix, a Vertex `@date`).
 */
export interface NameForm {
  name: string;
  /** `as-written`, or the rules applied so far, in order (`provider-prefix`, `bedrock-region`…). */
  rules: readonly string[];
  hint: string | undefined;
}

/** The rules, in the order they apply; `pricing show` names them and docs/pricing.md explains them. */
export const NAME_RULES = [
  'arn',
  'provider-prefix',
  'deployment-scope',
  'bedrock-region',
  'bedrock-vendor',
  'bedrock-version',
  'vertex-version',
  'azure-spelling',
  'date-suffix',
  'dots-as-dashes',
] as const;
export type NameRule = (typeof NAME_RULES)[number];

type Rewrite = (name: string) => { name: string; hint?: string } | undefined;

const BEDROCK_REGIONS = /^(us|eu|apac|global|us-gov|jp|au|ca|regional)\.(?=[a-z0-9-]+\.)/i;
const BEDROCK_VENDORS = /^(anthropic|meta|amazon|mistral|cohere|ai21|deepseek|openai|qwen|writer|moonshot|moonshotai|twelvelabs)\./i;
const DATE_SUFFIX = /-(20\d{2}-\d{2}-\d{2}|20\d{6})$/;

const REWRITES: Record<NameRule, Rewrite> = {
  // arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-…
  arn: (n) => {
    const m = /^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:(?:inference-profile|foundation-model|default-prompt-router)\/(.+)$/i.exec(n);
    return m ? { name: m[1] as string, hint: 'aws' } : undefined;
  },
  // LiteLLM `bedrock/…`, `vertex_ai/…`, `azure/…`; OpenRouter `anthropic/…`; Gemini API `models/…`.
  'provider-prefix': (n) => {
    const slash = n.indexOf('/');
    if (slash <= 0) return undefined;
    const head = n.slice(0, slash);
    if (head.toLowerCase() === 'models') return { name: n.slice(slash + 1) };
    const p = providerOfLabel(head);
    return p ? { name: n.slice(slash + 1), hint: p.id } : undefined;
  },
  // LiteLLM's `bedrock/converse/…`, `bedrock/invoke/…`, `azure/global/…`, `vertex_ai/…` scopes.
  'deployment-scope': (n) => {
    const m = /^(converse|invoke|global|global-standard)\/(.+)$/i.exec(n);
    return m ? { name: m[2] as string } : undefined;
  },
  'bedrock-region': (n) => (BEDROCK_REGIONS.test(n) ? { name: n.replace(BEDROCK_REGIONS, ''), hint: 'aws' } : undefined),
  'bedrock-vendor': (n) => (BEDROCK_VENDORS.test(n) ? { name: n.replace(BEDROCK_VENDORS, ''), hint: 'aws' } : undefined),
  'bedrock-version': (n) => {
    const m = /^(.+?)-v\d+(?::\d+)?$/i.exec(n) ?? /^(.+?):\d+$/.exec(n);
    return m ? { name: m[1] as string } : undefined;
  },
  // Vertex AI: claude-sonnet-4-5@20250929, gemini-2.0-flash@001, …@latest
  'vertex-version': (n) => {
    const dated = /^(.+)@(20\d{6})$/.exec(n);
    if (dated) return { name: `${dated[1]}-${dated[2]}`, hint: 'google' };
    const m = /^(.+)@(latest|default|\d{3})$/i.exec(n);
    return m ? { name: m[1] as string, hint: 'google' } : undefined;
  },
  // Azure OpenAI spells 3.5 without the dot: gpt-35-turbo.
  'azure-spelling': (n) => (/^gpt-35-/i.test(n) ? { name: n.replace(/^gpt-35-/i, 'gpt-3.5-') } : undefined),
  // A dated snapshot of a model family: gpt-5.1-2025-11-13 → gpt-5.1, claude-sonnet-4-5-20250929 → claude-sonnet-4-5
  'date-suffix': (n) => (DATE_SUFFIX.test(n) ? { name: n.replace(DATE_SUFFIX, '') } : undefined),
  // OpenRouter writes versions with dots (claude-sonnet-4.5), the makers with dashes (claude-sonnet-4-5).
  'dots-as-dashes': (n) => (/\d\.\d/.test(n) ? { name: n.replace(/(\d)\.(?=\d)/g, '$1-') } : undefined),
};

/**
 * Every form of `name` the rules reach, the name as written first. A rule applies to the newest
 * form; some apply more than once (`openrouter/anthropic/…` drops two prefixes).
 */
export function nameForms(name: string): NameForm[] {
  const forms: NameForm[] = [{ name, rules: ['as-written'], hint: undefined }];
  let current = forms[0] as NameForm;
  const seen = new Set([name.toLowerCase()]);
  for (const rule of NAME_RULES) {
    for (let again = 0; again < 3; again++) {
      const r = REWRITES[rule](current.name);
      if (!r || r.name === '' || seen.has(r.name.toLowerCase())) break;
      seen.add(r.name.toLowerCase());
      const rules = current.rules[0] === 'as-written' ? [rule] : [...current.rules, rule];
      current = { name: r.name, rules, hint: current.hint ?? r.hint };
      forms.push(current);
      if (rule !== 'provider-prefix' && rule !== 'deployment-scope') break;
    }
  }
  return forms;
}
