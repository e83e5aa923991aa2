import type { Labels, TokenType } from '../model.js';

/** Token types as sources report them, before cached input is taken out of input. */
export type RawTokenType = TokenType | 'reasoning' | 'total';

/** What a dialect makes of one series. */
export interface Classified {
  dialect: string;
  /** undefined: a token series whose type we do not know (it is counted in coverage, never priced). */
  type: RawTokenType | undefined;
  model: string | undefined;
  provider: string | undefined;
  operation: string | undefined;
  gateway: string | undefined;
  /** The source's input count already includes cached reads and cache writes. */
  inputIncludesCache: boolean;
}

/** Per-dialect settings from the config file. */
export interface DialectSettings {
  /** agentgateway changed this between versions: `auto` follows the released (≤ v1.4) behaviour. */
  agentgatewayInputIncludesCache: 'auto' | boolean;
  litellmInputIncludesCache: boolean;
}

export const DEFAULT_DIALECT_SETTINGS: DialectSettings = {
  agentgatewayInputIncludesCache: 'auto',
  litellmInputIncludesCache: true,
};

export interface Dialect {
  id: string;
  title: string;
  /** Metric names (as exposed) that carry this dialect's token counts, for discovery and docs. */
  metricNames: readonly string[];
  /** Cheap test on the metric name alone: could this series be one of ours? */
  matchesName(name: string): boolean;
  /** Label signature: does this series really belong to this dialect? (Name clashes, e.g. Kong.) */
  matchesLabels(name: string, labels: Labels): boolean;
  classify(name: string, labels: Labels, settings: DialectSettings): Classified;
}

/** Values that exporters use to say "no value": agentgateway/Envoy `unknown`, LiteLLM `None`. */
const NULL_MARKERS = new Set(['', 'unknown', 'None', 'none', 'null', 'undefined']);

/** The first label among `names` with a real value. */
export function firstLabel(labels: Labels, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = labels[n];
    if (v !== undefined && !NULL_MARKERS.has(v)) return v;
  }
  return undefined;
}
