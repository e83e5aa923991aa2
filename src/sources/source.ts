import type { Readable } from 'node:stream';
import type { Classifier } from '../dialects/classifier.js';
import type { Finding } from '../findings.js';
import type { WindowSpec, Window } from '../ledger/periods.js';
import type { ReplicaPolicy } from '../ledger/replicas.js';
import type { SampleSink } from '../ledger/sink.js';

export type SourceKind = 'file' | 'scrape' | 'prometheus';

/** Where one report's data came from, as every output states it. */
export interface SourceInfo {
  kind: SourceKind;
  name: string | undefined;
  location: string;
  timestamped: boolean;
  /** Prometheus-compatible servers: what answered, and which token metrics it had. */
  server?: { flavour: string; version: string | null; metrics: string[] };
  /** HTTP requests made and bytes received. */
  requests?: { requests: number; bytes: number; retries: number };
  /** False where samples were not counted (servers without --count-samples): no sample or gap figures. */
  samplesCounted?: boolean;
  /**
   * Servers: `groups` when the server summed series per group (coverage.series is then the most
   * series present in one slice, of the grid where one was used), `series` when it answered series
   * by series (`--per-series`).
   */
  accounting?: 'groups' | 'series';
}

/** What a source may use of the outside world besides its own settings. */
export interface SourceContext {
  /** Standard input, for `--file -`. */
  stdin?: Readable | undefined;
  clock: () => number;
  /** Waits between scrape rounds and retries; tests inject one that does not wait. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Tells how long work is going, for a line on a terminal; absent when nobody watches. */
  progress?: ((event: ProgressEvent) => void) | undefined;
}

/** What a source is busy with: server requests, a wait between scrapes, bytes of a file. */
export type ProgressEvent =
  | { kind: 'requests'; what: string; done: number; planned?: number | undefined; bytes: number }
  | { kind: 'wait'; what: string; remainingMs: number }
  | { kind: 'read'; what: string; bytes: number; total?: number | undefined };

export interface ReadRequest {
  classifier: Classifier;
  /** HA replica copies: a server de-duplicates them where the data is. */
  replicas: ReplicaPolicy;
  /** The labels the report groups and filters by (a replica label used there is not a replica label). */
  grouping: { by: readonly string[]; matchers: readonly { label: string }[] };
  /** How far before a slice a sample still counts as the series' baseline. */
  lookbackMs: number;
  /** `--lookback` as given; undefined lets a server look over its whole retention for series that look born. */
  lookbackGiven: number | undefined;
  /** The slice edges; given to sources that read `slices`. */
  edges?: readonly number[];
  /** Set when request-size histograms are wanted (models with long-context tiers): a server reads their buckets for these models only. */
  bucketModels?: (model: string | undefined, provider: string | undefined) => boolean;
  /**
   * Set when only the newest sample of all the data matters, not each group's (a report's
   * staleness warning): the data is fresh enough when some sample is within `withinMs` before
   * `at` (every staleness threshold the report can use is at least `withinMs`). A server may then
   * look at the newest samples of one group first, and of every group only when that one's are
   * older.
   */
  freshEnough?: { at: number; withinMs: number };
  ctx: SourceContext;
}

export interface SourceReading {
  sources: SourceInfo[];
  findings: Finding[];
  /** The span the source itself observed (two scrape rounds): the window when none was asked for. */
  observed?: Window;
}

/**
 * A source of token counters. `samples` sources (files, scrapes) stream raw samples into the sink
 * before the time plan is known (a file's last sample may anchor it); `slices` sources (servers)
 * do the accounting where the data is, so they read after the plan, for its edges, and answer
 * only for a bounded window up to now.
 */
export interface UsageSource {
  readonly kind: SourceKind;
  readonly reads: 'samples' | 'slices';
  /** The window when none is given, and the look-back when none is given. */
  readonly defaults: { window: WindowSpec; lookbackMs: number };
  read(sink: SampleSink, request: ReadRequest): Promise<SourceReading>;
  /**
   * Where `read` can be called twice and give the same samples (a regular file, not a pipe): about
   * how many bytes of text a read goes through (a compressed file counted at a typical ratio).
   * Undefined otherwise.
   */
  rereadableBytes?(): Promise<number | undefined>;
}
