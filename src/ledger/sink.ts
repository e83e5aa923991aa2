import type { Labels, Sample } from '../model.js';
import type { Coverage } from './accounting.js';

/**
 * Where sources put what they read; the ledger's store implements it. Sources that read raw
 * samples call `addTimed`/`addSnapshot`; a source that accounts on a server hands over each
 * series' tokens per slice with `addAccounted`.
 */
export interface SampleSink {
  /** One sample with a time; `source` names the target (the gateway when no label says). */
  addTimed(sample: Sample, time: number, source: string | undefined): void;
  /** One sample of a single snapshot without timestamps: its value is the series' lifetime usage. */
  addSnapshot(sample: Sample, source: string | undefined): void;
  /** A series already accounted per slice of the edges `account` will get (on a Prometheus server). */
  addAccounted(
    name: string,
    labels: Labels,
    source: string | undefined,
    perSlice: Float64Array,
    coverage: Coverage,
    freshness?: { newest: number; intervalMs: number | undefined },
  ): void;
  /** Label names the source's series carry, where it hands over sums rather than series (for messages). */
  addLabelNames?(names: Iterable<string>): void;
}
