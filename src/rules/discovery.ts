import type { Classifier } from '../dialects/classifier.js';
import { type Classified, type DialectSpec, firstLabel, SERVICE_TIER_LABELS } from '../dialects/spec.js';
import { Census } from '../ledger/census.js';
import type { Coverage } from '../ledger/accounting.js';
import { detectReplicaLabels, REPLICA_LABELS, type ReplicaPolicy } from '../ledger/replicas.js';
import type { SampleSink } from '../ledger/sink.js';
import type { Labels, Sample } from '../model.js';
import type { PriceBook } from '../pricing/book.js';
import { DEFAULT_PRICING } from '../pricing/load.js';
import { compareText, keyPart } from '../text.js';

/** One dialect found in the data: its metrics, and the label names its series carry. */
export interface DialectUse {
  spec: DialectSpec;
  /** Metric name → every label name seen on its series. */
  metrics: Map<string, Set<string>>;
  series: number;
}

/** What a price table row is keyed by: the values the rules' `model`, `provider` and `service_tier` labels will hold. */
export interface PriceKey {
  model: string | undefined;
  provider: string | undefined;
  /** The service tier label's value as written (the table matches it exactly). */
  tier: string | undefined;
  /** The lower-case tier the ledger prices by. */
  tierValue: string | undefined;
}

/** Which dialects, metrics, labels and models exist: what the rules are generated for. */
export interface Discovery {
  /** Where it was read (`http://…`, file names), or undefined when no source was given (`--dialect` alone). */
  source: string | undefined;
  dialects: DialectUse[];
  /** Distinct (model, provider, tier) of the series read. */
  keys: PriceKey[];
  /** False without a source: provider label values are unknown, so prices join on the model alone. */
  providersKnown: boolean;
  /** Every label name seen, and canonical dimensions: for messages about unknown labels. */
  census: Census;
  /** HA replica labels that separate copies of one series: the rules take the highest copy. */
  replicaLabels: string[];
  /** How far back the server's token samples go (`doctor`'s probe), when the source is a server. */
  retention?: string | null | undefined;
  /** Without a source: which models were embedded, in words. */
  embedded?: string | undefined;
}

const keyOf = (k: PriceKey) => `${keyPart(k.model)}\u0001${keyPart(k.provider)}\u0001${keyPart(k.tier)}`;

/**
 * Collects what the rules need from the series a source reads, classified by the same dialects
 * as reports: it is a `SampleSink`, so files and scrapes read into it unchanged, and a server's
 * series (from `doctor`'s survey) go through `observe`.
 */
export class DiscoveryCollector implements SampleSink {
  private readonly uses = new Map<DialectSpec, DialectUse>();
  private readonly keys = new Map<string, PriceKey>();
  private readonly seen = new Set<string>();
  private readonly series: { name: string; labels: Labels }[] = [];
  readonly census = new Census([]);

  constructor(private readonly classifier: Classifier) {}

  addTimed(sample: Sample): void {
    this.observe(sample.name, sample.labels);
  }

  addSnapshot(sample: Sample): void {
    this.observe(sample.name, sample.labels);
  }

  addAccounted(name: string, labels: Labels, _source: string | undefined, _perSlice: Float64Array, _coverage: Coverage): void {
    this.observe(name, labels);
  }

  /** One series (any number of times); `classified` when the caller already classified it. */
  observe(name: string, labels: Labels, classified?: Classified): void {
    const id = seriesId(name, labels);
    if (this.seen.has(id)) return;
    this.seen.add(id);
    const c = classified ?? this.classifier.classify(name, labels);
    if (!c) return;
    const spec = this.classifier.dialects.find((d) => d.id === c.dialect && Object.hasOwn(d.metrics, name));
    if (!spec) return;
    let use = this.uses.get(spec);
    if (!use) this.uses.set(spec, (use = { spec, metrics: new Map(), series: 0 }));
    use.series++;
    let names = use.metrics.get(name);
    if (!names) use.metrics.set(name, (names = new Set()));
    for (const l of Object.keys(labels)) names.add(l);
    this.census.observe(Object.keys(labels), () => '');
    this.series.push({ name, labels });
    const tier = firstLabel(labels, spec.labels.serviceTier ?? SERVICE_TIER_LABELS);
    const key: PriceKey = { model: c.model, provider: c.provider, tier, tierValue: c.serviceTier };
    if (!this.keys.has(keyOf(key))) this.keys.set(keyOf(key), key);
  }

  /** What was found, with replica labels detected as the ledger would under `policy`. */
  result(source: string | undefined, policy: ReplicaPolicy): Discovery {
    let replicaLabels: string[] = [];
    if (policy.dedupe) {
      replicaLabels =
        policy.labels === 'auto'
          ? detectReplicaLabels(this.series, REPLICA_LABELS)
          : policy.labels.filter((l) => this.census.labelNames.has(l));
    }
    return {
      source,
      dialects: [...this.uses.values()],
      keys: [...this.keys.values()].sort((a, b) => compareText(keyOf(a), keyOf(b))),
      providersKnown: true,
      census: this.census,
      replicaLabels,
    };
  }
}

function seriesId(name: string, labels: Labels): string {
  let id = name;
  for (const k of Object.keys(labels).sort()) id += `\u0000${k}\u0001${keyPart(labels[k])}`;
  return id;
}

/**
 * Without a source: the dialect as its description says, every metric and label it may use, and
 * the models named (their prices join on the model name alone).
 */
export function describedDialect(spec: DialectSpec, models: readonly string[], embedded: string): Discovery {
  const labels = new Set<string>([
    ...spec.labels.model,
    ...(spec.labels.provider ?? []),
    ...(spec.labels.gateway ?? ['gateway']),
    ...(spec.labels.operation ?? []),
    ...(spec.tokenTypeLabels ?? []),
  ]);
  const census = new Census([]);
  census.observe(labels, () => '');
  return {
    source: undefined,
    dialects: [{ spec, metrics: new Map(Object.keys(spec.metrics).map((m) => [m, labels])), series: 0 }],
    keys: models.map((model) => ({ model, provider: undefined, tier: undefined, tierValue: undefined })),
    providersKnown: false,
    census,
    replicaLabels: [],
    embedded,
  };
}

/**
 * The models to price without a source: those named (`--model`), else every name (id and
 * aliases) of the user's own price files, else of the bundled curated list; and a sentence saying
 * which, for the header and stderr.
 */
export function modelsToEmbed(book: PriceBook, named: readonly string[], userFiles: readonly string[]): { names: string[]; what: string } {
  if (named.length > 0) return { names: [...new Set(named)], what: `the ${named.length} models named by --model` };
  const mine = book.list().filter((m) => userFiles.includes(m.file));
  const from = mine.length > 0 ? mine : book.list().filter((m) => m.file === DEFAULT_PRICING);
  const names = [...new Set(from.flatMap((m) => [m.id, ...m.aliases]))];
  const what =
    mine.length > 0
      ? `every name of the ${mine.length} models of ${userFiles.join(', ')}`
      : `every name of the ${from.length} models of the bundled curated list (pricing/default.yaml); name others with --model`;
  return { names, what };
}
