import type { Usage, UsageCell } from '../../src/ledger/store.js';
import { rng } from '../generators/history.js';

/** Priced models of the bundled price list (a few priced per type, one with long-context tiers). */
const MODELS = ['gpt-4o-2024-08-06', 'gpt-4o-mini', 'claude-sonnet-4-5-20250929', 'gemini-2.5-flash', 'gpt-4.1'];
/** One model no price file lists: its rows are unpriced. */
const UNKNOWN = 'in-house-llm';
const DAY = 86_400_000;
export const OUTPUT_START = Date.UTC(2026, 9, 1);

/** The shape of a generated report: rows = groups × days (every group uses something every day). */
export interface OutputSize {
  groups: number;
  days: number;
}

/**
 * A Usage as the ledger would hand it for `--by model,feature,team --step 1d`: `groups` groups
 * (model × feature × team, one model in 50 unknown to the price list), each with tokens of every
 * type on each of `days` days. Deterministic for a size; built directly, no source or server.
 */
export function outputUsage(size: OutputSize): Usage {
  const r = rng(size.groups);
  const edges = Array.from({ length: size.days + 1 }, (_, i) => OUTPUT_START + i * DAY);
  const cells: UsageCell[] = [];
  const groups: string[][] = [];
  const byGroup = new Map<string, number>();
  for (let g = 0; g < size.groups; g++) {
    const model = g % 50 === 49 ? UNKNOWN : (MODELS[g % MODELS.length] as string);
    const group = [model, `feature-${Math.floor(g / 5) % 40}`, `team-${Math.floor(g / 200)}`];
    groups.push(group);
    byGroup.set(group.join('\u0000'), OUTPUT_START + size.days * DAY);
    for (let day = 0; day < size.days; day++) {
      const input = Math.floor(r() * 2_000_000);
      cells.push({
        group,
        model,
        slice: day,
        tokens: {
          input,
          cached_input: Math.floor(input * r()),
          cache_write: model.startsWith('claude') ? Math.floor(r() * 50_000) : 0,
          output: Math.floor(r() * 400_000),
        },
      });
    }
  }
  return {
    by: ['model', 'feature', 'team'],
    edges,
    cells,
    coverage: {
      series: size.groups * 4,
      samples: 0,
      resets: 0,
      births: 0,
      gaps: 0,
      skippedSamples: 0,
      invalidSamples: 0,
      fractionalIncrements: 0,
    },
    dialects: { generic: size.groups * 4 },
    findings: [],
    groups,
    freshness: { overall: OUTPUT_START + size.days * DAY, byGroup, intervalMs: 15_000 },
  };
}

/** The cost options `report --since … --until … --step 1d` would pass for that usage. */
export function outputCostOptions(size: OutputSize) {
  const edges = Array.from({ length: size.days + 1 }, (_, i) => OUTPUT_START + i * DAY);
  return {
    window: { start: OUTPUT_START, end: OUTPUT_START + size.days * DAY, label: `${size.days} days` },
    timezone: 'UTC',
    lifetime: false,
    step: '1d',
    bucketEdges: edges,
    sources: [{ kind: 'prometheus' as const, name: undefined, location: 'http://127.0.0.1:9090', timestamped: true }],
    top: undefined,
    now: OUTPUT_START + size.days * DAY,
    anchoredToData: false,
  };
}
