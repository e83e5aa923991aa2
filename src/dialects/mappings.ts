import type { RawTokenType } from '../model.js';
import type { DialectSpec } from './spec.js';

/** A user's own metric, described in the config file's `mappings`. */
export interface CustomMapping {
  metric: string;
  /** Every sample of the metric is this type… */
  tokenType?: RawTokenType | undefined;
  /** …or the type is read from this label through `tokenTypeValues`. */
  tokenTypeLabel?: string | undefined;
  tokenTypeValues?: Record<string, RawTokenType> | undefined;
  model: string[];
  provider?: string[] | undefined;
  gateway?: string[] | undefined;
  inputIncludesCache: boolean;
}

/** The config file's mappings as dialects with the id `custom`, one per metric. */
export function customDialects(mappings: readonly CustomMapping[]): DialectSpec[] {
  return mappings.map((m) => ({
    id: 'custom',
    title: `Mapping from the config file (${m.metric})`,
    metrics: { [m.metric]: m.tokenTypeLabel !== undefined ? 'label' : (m.tokenType ?? 'label') },
    ...(m.tokenTypeLabel !== undefined ? { tokenTypeLabels: [m.tokenTypeLabel], tokenTypeValues: m.tokenTypeValues ?? {} } : {}),
    labels: { model: m.model, ...(m.provider ? { provider: m.provider } : {}), gateway: m.gateway ?? ['gateway'] },
    inputIncludesCache: m.inputIncludesCache,
  }));
}
