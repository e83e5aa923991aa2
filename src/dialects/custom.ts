import type { Labels } from '../model.js';
import { type Classified, type Dialect, firstLabel, type RawTokenType } from './dialect.js';

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

/** Turns the config file's mappings into one dialect named `custom`. */
export function customDialect(mappings: readonly CustomMapping[]): Dialect {
  const byMetric = new Map(mappings.map((m) => [m.metric, m]));
  return {
    id: 'custom',
    title: 'Mappings from the config file',
    metricNames: [...byMetric.keys()],
    matchesName: (name) => byMetric.has(name),
    matchesLabels: () => true,
    classify(name: string, labels: Labels): Classified {
      const m = byMetric.get(name) as CustomMapping;
      let type: RawTokenType | undefined = m.tokenType;
      if (m.tokenTypeLabel !== undefined) {
        const raw = labels[m.tokenTypeLabel];
        type = raw === undefined ? undefined : m.tokenTypeValues?.[raw];
      }
      return {
        dialect: 'custom',
        type,
        model: firstLabel(labels, m.model),
        provider: m.provider ? firstLabel(labels, m.provider) : undefined,
        operation: undefined,
        gateway: firstLabel(labels, m.gateway ?? ['gateway']),
        inputIncludesCache: m.inputIncludesCache,
      };
    },
  };
}
