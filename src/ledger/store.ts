import type { Classifier } from '../dialects/classifier.js';
import type { Classified } from '../dialects/spec.js';
import { incompleteError } from '../errors.js';
import { type Finding, finding } from '../findings.js';
import { terminalText, formatCount, joinKey, keyPart } from '../text.js';
import { addTokens, type Labels, RAW_TOKEN_TYPES, type RawTokenType, type Sample, type TokenCounts, zeroTokens } from '../model.js';
import {
  accountSeries,
  addCoverage,
  type Coverage,
  emptyCoverage,
  isCounterValue,
  newestValid,
  sliceOf,
  typicalInterval,
} from './accounting.js';
import type { Matcher } from './matchers.js';
import { isoTime } from './time.js';
import { Census } from './census.js';
import { type Freshness, FreshnessTracker, groupKey } from './freshness.js';
import {
  DEFAULT_REPLICA_POLICY,
  detectReplicaLabels,
  mergeReplicas,
  REPLICA_LABELS,
  replicaFindings,
  type ReplicaPolicy,
  withoutLabels,
} from './replicas.js';
import type { SampleSink } from './sink.js';
import { OUT_OF_ORDER_WINDOW_MS, recut, StreamedSeries } from './stream.js';

export { CANONICAL_DIMENSIONS } from './census.js';

/** Tokens of one group (values of the `--by` dimensions) and model in one time slice. */
export interface UsageCell {
  group: readonly string[];
  /** undefined when the source did not say which model: such usage is always unpriced. */
  model: string | undefined;
  /** Who billed it, as the source labelled it (prices differ by provider), and the service tier label's value. */
  provider?: string | undefined;
  serviceTier?: string | undefined;
  slice: number;
  tokens: TokenCounts;
}

/** The ledger's result: exact tokens per group × model × slice, and what it saw on the way. */
export interface Usage {
  by: readonly string[];
  /** Slice edges; slice i is (edges[i], edges[i+1]]. */
  edges: readonly number[];
  cells: UsageCell[];
  coverage: Coverage;
  /** Dialect id → series it read. */
  dialects: Record<string, number>;
  findings: Finding[];
  /** Every group (values of the `--by` dimensions) with at least one series, used or not. */
  groups: string[][];
  /** The newest sample of each group's series, for staleness. */
  freshness: Freshness;
  /** Models whose `auto` input the data showed to exclude cache (CACHE_OUTSIDE_INPUT). */
  cacheOutsideInput?: readonly string[];
}

type RawCounts = Record<RawTokenType, number>;

/** What prices a series besides its model: the provider and service tier labels. */
interface PriceLabels {
  provider: string | undefined;
  serviceTier: string | undefined;
}

const priceLabels = (c: Classified): PriceLabels => ({ provider: c.provider, serviceTier: c.serviceTier });

/**
 * How a series' tokens are counted: whether its input includes cache (`auto`: yes, unless the
 * window's data shows a model's input below its cache), and whether it repeats another metric.
 */
interface CountingRule {
  dialect: string;
  inclusive: boolean | 'auto';
  /** The metric repeats another (LiteLLM's provider cache counters): used only where that one is absent. */
  alternate: boolean;
}

const ruleOf = (c: Classified): CountingRule => ({
  dialect: c.dialect,
  inclusive: c.inputIncludesCache,
  alternate: c.alternateOf !== undefined,
});

interface Series extends PriceLabels {
  name: string;
  labels: Labels;
  source: string | undefined;
  group: string[];
  model: string | undefined;
  rule: CountingRule;
  type: RawTokenType;
  times: number[];
  values: number[];
  sorted: boolean;
  /** Set when the series is accounted as it streams (then `times` and `values` stay empty). */
  stream?: StreamedSeries;
  /** While the store only scans (`scan`): the series' latest sample time so far. */
  latest?: number;
}

/** Tokens of one slice of a `CellRow`, before cache is taken out of input. */
interface RawCell {
  slice: number;
  raw: RawCounts;
}

function zeroRaw(): RawCounts {
  return { input: 0, cached_input: 0, cache_write: 0, output: 0, reasoning: 0, total: 0 };
}

export interface StoreOptions {
  by: readonly string[];
  matchers: readonly Matcher[];
  classifier: Classifier;
  /** HA replicas: de-duplicated by default (labels found in the data), or as `--replica-label` / `--no-dedupe` say. */
  replicas?: ReplicaPolicy;
}

/**
 * Collects samples from every source and turns them into exact usage. Timestamped samples are
 * kept per series until `account`; a snapshot without timestamps is summed as it streams in, so
 * a million-series exposition needs no per-series memory.
 */
export class UsageStore implements SampleSink {
  private readonly series = new Map<string, Series | null>();
  /** Series by the labels object a parser hands out again for each line of one series. */
  private readonly byLabels = new WeakMap<Labels, { name: string; source: string | undefined; series: Series | null }>();
  private readonly snapshotCells = new CellTable();
  private readonly accounted: (PriceLabels & {
    group: string[];
    model: string | undefined;
    rule: CountingRule;
    type: RawTokenType;
    perSlice: Float64Array;
  })[] = [];
  private readonly accountedCoverage = emptyCoverage();
  private readonly snapshotCoverage = emptyCoverage();
  private untypedSeries = 0;
  private readonly groupsSeen = new Map<string, string[]>();
  private readonly freshness = new FreshnessTracker();
  /** Snapshot samples with a replica label, held to count their copies once. */
  private readonly snapshotCopies = new Map<
    string,
    { c: Classified; group: string[]; type: RawTokenType; value: number; copies: number; labels: string[] }
  >();
  /** `dialect NUL model NUL type` reported by a metric that repeats no other. */
  private readonly primaries = new Set<string>();
  /** Set by `account` when replica copies were merged. */
  private replicaNote: { labels: string[]; copies: number } | undefined;
  /** Label names and matcher counts of every classified series, for precise messages. */
  readonly census: Census;
  private first = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;
  /** Set by `scan`: samples only mark where the data begins and ends, and whether each series' come in order. */
  private scanning: { ordered: boolean } | undefined;
  /** Set by `stream`: timestamped series are accounted as they arrive, for these edges. */
  private streaming: { edges: readonly number[]; lookbackMs: number; replicaLabels: readonly string[] } | undefined;

  constructor(private readonly options: StoreOptions) {
    this.census = new Census(options.matchers);
  }

  /** Time of the earliest and latest timestamped sample, or undefined when there were none. */
  get dataRange(): { first: number; last: number } | undefined {
    return this.first <= this.last ? { first: this.first, last: this.last } : undefined;
  }

  /** True when some source was a snapshot without timestamps (lifetime totals). */
  get hasSnapshot(): boolean {
    return this.snapshotCoverage.series > 0;
  }

  /**
   * Accounts timestamped samples as they arrive, for slices of `edges` (the final ones, or with
   * open outer edges, ±Infinity, that the data's own extent will close), instead of keeping them:
   * memory per series, not per sample. Called before any sample is added. Series that carry a
   * replica label are still kept sample by sample, to be merged with their copies at the end.
   */
  stream(edges: readonly number[], lookbackMs: number): void {
    if (this.series.size > 0) throw new Error('stream() must come before the first sample');
    const policy = this.options.replicas ?? DEFAULT_REPLICA_POLICY;
    const replicaLabels = policy.dedupe ? (policy.labels === 'auto' ? REPLICA_LABELS : policy.labels) : [];
    this.streaming = { edges, lookbackMs, replicaLabels };
  }

  /**
   * Keeps no sample: the store only finds the span of the timestamped samples it would count
   * (`dataRange`), and whether streaming them would refuse one as late (`scannedInOrder`). A first
   * pass over files that can be read twice, when the window is anchored to the data's last sample.
   */
  scan(): void {
    if (this.series.size > 0 || this.streaming) throw new Error('scan() must come before the first sample, instead of stream()');
    this.scanning = { ordered: true };
  }

  /**
   * After `scan`: false when some series had a sample more than the out-of-order window before
   * its latest one (streaming might refuse it; such data is kept sample by sample and sorted).
   */
  get scannedInOrder(): boolean {
    return this.scanning?.ordered ?? false;
  }

  /** Adds one sample with a time; `source` names the target (the gateway when no label says). */
  addTimed(sample: Sample, time: number, source: string | undefined): void {
    const s = this.timedSeries(sample, source);
    if (s === null) return;
    const scanning = this.scanning;
    if (scanning) {
      const latest = s.latest ?? Number.NEGATIVE_INFINITY;
      if (time > latest) s.latest = time;
      else if (time < latest - OUT_OF_ORDER_WINDOW_MS) scanning.ordered = false;
      this.widen(time);
      return;
    }
    if (s.stream) {
      const late = s.stream.add(time, sample.value);
      if (late) throw lateSampleError(s, late);
      this.widen(time);
      return;
    }
    const n = s.times.length;
    if (n > 0 && time <= (s.times[n - 1] as number)) {
      if (time === s.times[n - 1]) {
        s.values[n - 1] = sample.value; // the same scrape read twice: keep the later reading
        return;
      }
      s.sorted = false;
    }
    s.times.push(time);
    s.values.push(sample.value);
    this.widen(time);
  }

  /** `dataRange` takes in a counted sample's time. */
  private widen(time: number): void {
    if (time < this.first) this.first = time;
    if (time > this.last) this.last = time;
  }

  /** The series of a timestamped sample, created on its first; null when it is not counted. */
  private timedSeries(sample: Sample, source: string | undefined): Series | null {
    const last = this.lastTimed;
    if (last && last.labels === sample.labels && last.name === sample.name && last.source === source) return last.series;
    const known = this.byLabels.get(sample.labels);
    if (known && known.name === sample.name && known.source === source) {
      this.lastTimed = { labels: sample.labels, ...known };
      return known.series;
    }
    const key = seriesKey(sample.name, sample.labels, source);
    let s = this.series.get(key);
    if (s === undefined) {
      s = this.newSeries(sample, source);
      this.series.set(key, s);
    }
    this.byLabels.set(sample.labels, { name: sample.name, source, series: s });
    this.lastTimed = { labels: sample.labels, name: sample.name, source, series: s };
    return s;
  }

  /** The series of the last timestamped sample (a history repeats it line after line). */
  private lastTimed: { labels: Labels; name: string; source: string | undefined; series: Series | null } | undefined;

  /** Adds one sample of a single snapshot: its value is the series' lifetime usage. */
  addSnapshot(sample: Sample, source: string | undefined): void {
    const c = this.options.classifier.classify(sample.name, sample.labels);
    if (!c) return;
    const group = this.groupOf(c, sample.labels, source);
    if (group === undefined) return;
    const cov = this.snapshotCoverage;
    cov.series++;
    cov.samples++;
    if (c.type === undefined) {
      this.untypedSeries++;
      return;
    }
    if (!isCounterValue(sample.value)) {
      if (Number.isNaN(sample.value)) cov.skippedSamples++;
      else cov.invalidSamples++;
      return;
    }
    cov.births++;
    if (sample.value !== Math.floor(sample.value)) cov.fractionalIncrements++;
    this.notePrimary(c);
    if (this.heldAsReplica(sample, source, c, group)) return;
    const cell = this.snapshotCells.cell(group, c.model, priceLabels(c), ruleOf(c), 0);
    cell.raw[c.type] += sample.value;
  }

  /**
   * A snapshot sample that carries a replica label is held until the end: copies of one series
   * (identical but for that label) count once, at the highest value.
   */
  private heldAsReplica(sample: Sample, source: string | undefined, c: Classified, group: string[]): boolean {
    const policy = this.options.replicas ?? DEFAULT_REPLICA_POLICY;
    if (!policy.dedupe) return false;
    const labels = (policy.labels === 'auto' ? REPLICA_LABELS : policy.labels).filter((l) => Object.hasOwn(sample.labels, l));
    if (labels.length === 0) return false;
    const key = seriesKey(sample.name, withoutLabels(sample.labels, labels), source);
    const held = this.snapshotCopies.get(key);
    if (held) {
      held.copies++;
      held.value = Math.max(held.value, sample.value);
    } else {
      this.snapshotCopies.set(key, { c, group, type: c.type as RawTokenType, value: sample.value, copies: 1, labels });
    }
    return true;
  }

  /**
   * Adds a series whose tokens per slice were already accounted elsewhere (on a Prometheus
   * server); `perSlice` must be cut by the same edges that `account` will get.
   */
  addAccounted(
    name: string,
    labels: Labels,
    source: string | undefined,
    perSlice: Float64Array,
    coverage: Coverage,
    freshness?: { newest: number; intervalMs: number | undefined },
  ): void {
    const c = this.options.classifier.classify(name, labels);
    if (!c) return;
    const group = this.groupOf(c, labels, source);
    if (group === undefined) return;
    if (c.type === undefined) {
      this.untypedSeries++;
      return;
    }
    addCoverage(this.accountedCoverage, coverage);
    if (freshness) this.freshness.note(group, freshness.newest, freshness.intervalMs);
    this.notePrimary(c);
    this.accounted.push({ group, model: c.model, ...priceLabels(c), rule: ruleOf(c), type: c.type, perSlice });
  }

  /** Label names the series of a summing source carry: unknown-label messages name them all. */
  addLabelNames(names: Iterable<string>): void {
    for (const n of names) if (n !== '__name__') this.census.labelNames.add(n);
  }

  /** Remembers that a (non-repeating) metric reports this dialect, model and token type. */
  private notePrimary(c: Classified): void {
    if (c.alternateOf === undefined && c.type !== undefined) this.primaries.add(`${modelKey(c.dialect, c.model)}\u0000${c.type}`);
  }

  private newSeries(sample: Sample, source: string | undefined): Series | null {
    const c = this.options.classifier.classify(sample.name, sample.labels);
    if (!c) return null;
    const group = this.groupOf(c, sample.labels, source);
    if (group === undefined) return null;
    if (c.type === undefined) {
      this.untypedSeries++;
      return null;
    }
    this.notePrimary(c);
    const series: Series = {
      name: sample.name,
      labels: sample.labels,
      source,
      group,
      model: c.model,
      ...priceLabels(c),
      rule: ruleOf(c),
      type: c.type,
      times: [],
      values: [],
      sorted: true,
    };
    const streaming = this.streaming;
    if (streaming && !streaming.replicaLabels.some((l) => Object.hasOwn(sample.labels, l))) {
      series.stream = new StreamedSeries(streaming.edges, streaming.lookbackMs);
    }
    return series;
  }

  /** The values of the `--by` dimensions, or undefined when a `--match` excludes the series. */
  private groupOf(c: Classified, labels: Labels, source: string | undefined): string[] | undefined {
    const value = (d: string) => dimension(d, c, labels, source);
    if (!this.census.observe(Object.keys(labels), value)) return undefined;
    const group = this.options.by.map(value);
    const key = joinKey(group);
    // One array per group, shared by its series and cells (keys are remembered per array).
    const seen = this.groupsSeen.get(key);
    if (seen) return seen;
    this.groupsSeen.set(key, group);
    return group;
  }

  /** The replica labels in force: the policy's own, or the usual ones found in the data; never one grouped by. */
  private replicaLabels(series: readonly Series[]): string[] {
    const policy = this.options.replicas ?? DEFAULT_REPLICA_POLICY;
    if (!policy.dedupe) return [];
    const used = new Set([...this.options.by, ...this.options.matchers.map((m) => m.label)]);
    const candidates = (policy.labels === 'auto' ? REPLICA_LABELS : policy.labels).filter((l) => !used.has(l));
    return policy.labels === 'auto' ? detectReplicaLabels(series, candidates) : [...candidates];
  }

  /** Series grouped as one counter: replica copies of one target together, each sorted by time. */
  private logicalSeries(): Series[][] {
    const all = [...this.series.values()].filter((s): s is Series => s !== null);
    for (const s of all) if (!s.sorted) sortSeries(s);
    const labels = this.replicaLabels(all);
    if (labels.length === 0) return all.map((s) => [s]);
    const groups = new Map<string, Series[]>();
    for (const s of all) {
      const key = seriesKey(s.name, withoutLabels(s.labels, labels), s.source);
      const list = groups.get(key);
      if (list) list.push(s);
      else groups.set(key, [s]);
    }
    for (const list of groups.values()) if (list.length > 1 && list.some((s) => s.stream)) throw unmergeableError(list, labels);
    const copies = all.length - groups.size;
    if (copies > 0) this.replicaNote = { labels, copies };
    return [...groups.values()];
  }

  /** Every source's tokens per group × model × slice, before cache is taken out of input. */
  private rawCells(edges: readonly number[], lookbackMs: number): { cells: CellTable; coverage: Coverage } {
    const cells = new CellTable();
    const coverage = emptyCoverage();
    const add = (
      s: PriceLabels & { group: string[]; model: string | undefined; rule: CountingRule; type: RawTokenType },
      perSlice: Float64Array,
    ) => {
      let row: CellRow | undefined;
      for (let i = 0; i < perSlice.length; i++) {
        const tokens = perSlice[i] as number;
        if (tokens === 0) continue;
        row ??= cells.row(s.group, s.model, s, s.rule);
        cellAt(row, i).raw[s.type] += tokens;
      }
    };
    for (const copies of this.logicalSeries()) {
      const s = copies[0] as Series;
      if (s.stream) {
        const r = s.stream.finish();
        addCoverage(coverage, r.coverage);
        add(s, recut(r.perSlice, (this.streaming as { edges: readonly number[] }).edges, edges));
        this.freshness.note(s.group, r.newest, r.typical);
        continue;
      }
      const merged = copies.length === 1 ? s : mergeReplicas(copies);
      const { perSlice, coverage: c } = accountSeries(merged.times, merged.values, edges, lookbackMs);
      addCoverage(coverage, c);
      add(s, perSlice);
      this.freshness.note(s.group, newestValid(merged.times, merged.values), typicalInterval(merged.times));
    }
    addCoverage(coverage, this.accountedCoverage);
    for (const a of this.accounted) {
      if (a.perSlice.length !== edges.length - 1) throw new Error('accounted series were cut by other edges');
      add(a, a.perSlice);
    }
    if (this.snapshotCoverage.series > 0) {
      addCoverage(coverage, this.snapshotCoverage);
      // A snapshot has no time: it lands in the slice holding the window's end.
      const slice = Math.max(0, sliceOf(edges, edges[edges.length - 1] as number));
      for (const row of this.snapshotCells.rows()) {
        const target = cellAt(cells.row(row.group, row.model, row, row.rule), slice);
        for (const cell of row.cells.values()) for (const t of RAW_TOKEN_TYPES) target.raw[t] += cell.raw[t];
      }
      let extra = 0;
      const labels = new Set(this.replicaNote?.labels ?? []);
      for (const h of this.snapshotCopies.values()) {
        cells.cell(h.group, h.c.model, priceLabels(h.c), ruleOf(h.c), slice).raw[h.type] += h.value;
        extra += h.copies - 1;
        if (h.copies > 1) for (const l of h.labels) labels.add(l);
      }
      if (extra > 0) this.replicaNote = { labels: [...labels], copies: (this.replicaNote?.copies ?? 0) + extra };
    }
    return { cells, coverage };
  }

  /**
   * Runs exact accounting over the slices of `edges` (bucket edges refined by price changes).
   * `lookbackMs`: how far before the window a sample still counts as the series' baseline.
   */
  account(edges: readonly number[], lookbackMs: number): Usage {
    const raw = this.rawCells(edges, lookbackMs);
    const { coverage } = raw;
    const { cells, repeated } = dropRepeats(withKnownProviders(raw.cells), this.primaries);
    const decided = decideCacheRules(cells.rows());
    // Cells that differ only in how their source counted cache are one cell once canonical.
    const merged = new Map<string, Map<number, UsageCell>>();
    let clamped = 0;
    for (const row of cells.rows()) {
      const inclusive = inclusiveOf(row, decided.excluding);
      const key = `${groupKey(row.group)}\u0001${keyPart(row.model)}\u0001${priceKey(row)}`;
      let target = merged.get(key);
      if (!target) {
        target = new Map();
        merged.set(key, target);
      }
      for (const cell of row.cells.values()) {
        const { tokens, clampedBy } = canonicalTokens(cell.raw, inclusive);
        clamped += clampedBy;
        const m = target.get(cell.slice);
        if (m) addTokens(m.tokens, tokens);
        else {
          const { group, model, provider, serviceTier } = row;
          target.set(cell.slice, { group, model, provider, serviceTier, slice: cell.slice, tokens });
        }
      }
    }
    const out: UsageCell[] = [];
    for (const list of merged.values()) for (const c of list.values()) out.push(c);
    return {
      by: this.options.by,
      edges,
      cells: out,
      coverage,
      dialects: Object.fromEntries(this.options.classifier.seen),
      findings: [
        ...usageFindings(this.untypedSeries, coverage, clamped),
        ...replicaFindings(this.replicaNote),
        ...countingFindings(decided, repeated),
      ],
      groups: [...this.groupsSeen.values()],
      freshness: this.freshness.result(),
      cacheOutsideInput: decided.models,
    };
  }
}

const modelKey = (dialect: string, model: string | undefined) => `${dialect}\u0000${keyPart(model ?? '')}`;

/**
 * Some series of a model carry the provider label and some do not (LiteLLM puts `api_provider`
 * on its cache counters only). When all the labelled ones agree, the others are the same
 * provider's: one cell, so cache comes out of the input it belongs to and the price is that
 * provider's.
 */
function withKnownProviders(cells: CellTable): CellTable {
  const providers = new Map<string, Set<string>>();
  for (const row of cells.rows()) {
    if (row.provider === undefined) continue;
    const key = modelKey(row.rule.dialect, row.model);
    const set = providers.get(key) ?? new Set<string>();
    set.add(row.provider);
    providers.set(key, set);
  }
  if (providers.size === 0) return cells;
  const out = new CellTable();
  for (const row of cells.rows()) {
    const known = providers.get(modelKey(row.rule.dialect, row.model));
    const provider = row.provider ?? (known?.size === 1 ? ([...known][0] as string) : undefined);
    const target = out.row(row.group, row.model, { provider, serviceTier: row.serviceTier }, row.rule);
    for (const c of row.cells.values()) {
      const t = cellAt(target, c.slice);
      for (const type of RAW_TOKEN_TYPES) t.raw[type] += c.raw[type];
    }
  }
  return out;
}

/**
 * Tokens of a repeating metric (an alternate) where the metric it repeats reports the same
 * dialect, model and type are dropped: they are the same tokens. The rest join the cells of the
 * series they belong with (so cache comes out of the right input). Says how many were dropped.
 */
function dropRepeats(cells: CellTable, primaries: ReadonlySet<string>): { cells: CellTable; repeated: number } {
  // (Most data has no repeating metric: the table is then left as it is, not copied.)
  let alternates = false;
  for (const row of cells.rows()) if (row.rule.alternate) alternates = true;
  if (!alternates) return { cells, repeated: 0 };
  let repeated = 0;
  const out = new CellTable();
  for (const row of cells.rows()) {
    const alternate = row.rule.alternate;
    const target = out.row(row.group, row.model, row, alternate ? { ...row.rule, alternate: false } : row.rule);
    const model = modelKey(row.rule.dialect, row.model);
    for (const c of row.cells.values()) {
      const t = cellAt(target, c.slice);
      for (const type of RAW_TOKEN_TYPES) {
        if (alternate && c.raw[type] !== 0 && primaries.has(`${model}\u0000${type}`)) repeated += c.raw[type];
        else t.raw[type] += c.raw[type];
      }
    }
  }
  return { cells: out, repeated };
}

/**
 * `auto` cache rules decided by the data: a model whose input stays below its cache reads and
 * writes over the whole window cannot be including them (agentgateway ≤ v1.4 and Anthropic).
 */
function decideCacheRules(rows: Iterable<CellRow>): { excluding: Set<string>; models: string[] } {
  const sums = new Map<string, { input: number; cache: number; model: string }>();
  for (const row of rows) {
    if (row.rule.inclusive !== 'auto') continue;
    const key = modelKey(row.rule.dialect, row.model);
    const sum = sums.get(key) ?? { input: 0, cache: 0, model: row.model ?? '(no model)' };
    for (const cell of row.cells.values()) {
      sum.input += cell.raw.input;
      sum.cache += cell.raw.cached_input + cell.raw.cache_write;
    }
    sums.set(key, sum);
  }
  const excluding = new Set<string>();
  const models: string[] = [];
  for (const [key, s] of sums) {
    if (s.cache > 0 && s.input < s.cache) {
      excluding.add(key);
      models.push(s.model);
    }
  }
  return { excluding, models };
}

function inclusiveOf(row: CellRow, excluding: ReadonlySet<string>): boolean {
  if (row.rule.inclusive !== 'auto') return row.rule.inclusive;
  return !excluding.has(modelKey(row.rule.dialect, row.model));
}

function countingFindings(decided: { models: string[] }, repeated: number): Finding[] {
  const out: Finding[] = [];
  if (decided.models.length > 0) {
    out.push(
      finding(
        'CACHE_OUTSIDE_INPUT',
        'info',
        `${decided.models.sort().join(', ')}: input stayed below its cache reads and writes, so it does not include them (as agentgateway ≤ v1.4 reports Anthropic input); counted as excluding cache (the config file's dialects.<id>.inputIncludesCache decides it for good)`,
      ),
    );
  }
  if (repeated > 0) {
    out.push(
      finding(
        'REPEATED_METRIC',
        'info',
        `${formatCount(repeated)} cache tokens were reported twice (LiteLLM's provider cache counters repeat its cached and cache-creation counters); counted once`,
      ),
    );
  }
  return out;
}

/** What the accounting noticed about the data itself. */
function usageFindings(untypedSeries: number, coverage: Coverage, clamped: number): Finding[] {
  const findings: Finding[] = [];
  if (untypedSeries > 0) {
    findings.push(
      finding('UNKNOWN_TOKEN_TYPE', 'warning', `${untypedSeries} token series have a token type no dialect knows; they are not counted`),
    );
  }
  if (coverage.invalidSamples > 0) {
    findings.push(
      finding(
        'INVALID_SAMPLES',
        'error',
        `${coverage.invalidSamples} samples held no counter value (±Inf, negative, or above 2^53, where a double is no longer exact) and were skipped: the usage around them is counted from the next valid sample`,
      ),
    );
  }
  if (coverage.fractionalIncrements > 0) {
    findings.push(
      finding(
        'FRACTIONAL_TOKENS',
        'warning',
        `${coverage.fractionalIncrements} increments were not whole numbers of tokens (is this a rate, not a counter?)`,
      ),
    );
  }
  if (clamped > 0) {
    findings.push(
      finding(
        'INPUT_BELOW_CACHED',
        'warning',
        `input counters were ${clamped} tokens lower than the cached and cache-write counters they should include; uncached input was set to 0 there (check the dialect's inputIncludesCache setting)`,
      ),
    );
  }
  return findings;
}

/** Value of a `--by`/`--match` dimension: canonical ones from the dialect, others from labels. */
export function dimension(name: string, c: Classified, labels: Labels, source: string | undefined): string {
  switch (name) {
    case 'model':
      return c.model ?? '';
    case 'provider':
      return c.provider ?? '';
    case 'operation':
      return c.operation ?? '';
    case 'gateway':
      return c.gateway ?? source ?? '';
    case 'dialect':
      return c.dialect;
    default:
      return Object.hasOwn(labels, name) ? (labels[name] as string) : '';
  }
}

/**
 * Disjoint canonical tokens. Where the source's input includes cache reads and writes, they are
 * taken out here, and only here, so that no token is priced twice. Reasoning is part of output;
 * `total` series are never priced.
 */
export function canonicalTokens(raw: RawCounts, inclusive: boolean): { tokens: TokenCounts; clampedBy: number } {
  const tokens = zeroTokens();
  tokens.cached_input = raw.cached_input;
  tokens.cache_write = raw.cache_write;
  tokens.output = raw.output;
  let input = raw.input;
  let clampedBy = 0;
  if (inclusive) {
    input -= raw.cached_input + raw.cache_write;
    if (input < 0) {
      clampedBy = -input;
      input = 0;
    }
  }
  tokens.input = input;
  return { tokens, clampedBy };
}

/** The cells of one group × model × price labels × counting rule, by slice. */
interface CellRow extends PriceLabels {
  group: string[];
  model: string | undefined;
  rule: CountingRule;
  /** By slice, in the order they were first written (a window's slices can be many, its cells few). */
  cells: Map<number, RawCell>;
}

/**
 * Raw cells keyed by everything but the slice, then indexed by slice: a key is built once per
 * row (a series' whole window), not once per cell.
 */
class CellTable {
  private readonly byKey = new Map<string, CellRow>();

  row(group: string[], model: string | undefined, labels: PriceLabels, rule: CountingRule): CellRow {
    const key = `${groupKey(group)}\u0001${keyPart(model)}\u0001${priceKey(labels)}\u0001${rule.dialect}\u0003${rule.inclusive}\u0003${rule.alternate ? 1 : 0}`;
    let row = this.byKey.get(key);
    if (!row) {
      row = { group, model, provider: labels.provider, serviceTier: labels.serviceTier, rule, cells: new Map() };
      this.byKey.set(key, row);
    }
    return row;
  }

  cell(group: string[], model: string | undefined, labels: PriceLabels, rule: CountingRule, slice: number): RawCell {
    return cellAt(this.row(group, model, labels, rule), slice);
  }

  rows(): IterableIterator<CellRow> {
    return this.byKey.values();
  }
}

function cellAt(row: CellRow, slice: number): RawCell {
  let cell = row.cells.get(slice);
  if (!cell) {
    cell = { slice, raw: zeroRaw() };
    row.cells.set(slice, cell);
  }
  return cell;
}

function priceKey(l: { provider?: string | undefined; serviceTier?: string | undefined }): string {
  return `${keyPart(l.provider)}\u0003${keyPart(l.serviceTier)}`;
}

/** Identity of a series: its source, name and sorted labels. */
export function seriesKey(name: string, labels: Labels, source: string | undefined): string {
  const keys = Object.keys(labels);
  // (Servers mostly write labels in order already: sorting is then left out.)
  if (!inOrder(keys)) keys.sort();
  let key = `${keyPart(source ?? '')}\u0000${name}`;
  for (const k of keys) key += `\u0000${k}\u0001${keyPart(labels[k] as string)}`;
  return key;
}

function inOrder(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) > (keys[i] as string)) return false;
  return true;
}

/** A series' name and labels, safe for a terminal. */
function describeSeries(s: Series): string {
  const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return terminalText(`${s.name}{${labels.join(',')}}`);
}

function lateSampleError(s: Series, late: { time: number; after: number }): Error {
  const window = `${OUT_OF_ORDER_WINDOW_MS / 60_000} minutes`;
  return new Error(
    `${describeSeries(s)}: a sample at ${isoTime(late.time)} comes after one at ${isoTime(late.after)}; ` +
      `samples of one series may be out of time order by at most ${window}; sort each series' samples by time`,
  );
}

/**
 * Replica copies where one copy carries no replica label: it was accounted as it streamed, so it
 * cannot be merged with the others any more. Never counted twice: refused.
 */
function unmergeableError(copies: readonly Series[], labels: readonly string[]): Error {
  return incompleteError(
    `${describeSeries(copies.find((s) => s.stream) as Series)} has no ${labels.join(', ')} label but is a replica copy of ${describeSeries(copies.find((s) => !s.stream) as Series)}`,
    'give --no-dedupe to count each copy, or put the replica label on every copy',
  );
}

function sortSeries(s: Series): void {
  const order = s.times.map((_, i) => i).sort((a, b) => (s.times[a] as number) - (s.times[b] as number));
  s.times = order.map((i) => s.times[i] as number);
  s.values = order.map((i) => s.values[i] as number);
  s.sorted = true;
}
