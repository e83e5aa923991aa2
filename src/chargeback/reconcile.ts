import type { CostReport } from '../cost/report.js';
import type { CustomMapping } from '../dialects/mappings.js';
import { DIALECTS } from '../dialects/table.js';
import { sliceOf } from '../ledger/accounting.js';
import type { Usage } from '../ledger/store.js';
import { isoTime } from '../ledger/time.js';
import { TOKEN_TYPES, type TokenType } from '../model.js';
import type { PriceBook } from '../pricing/book.js';
import { providerOfLabel } from '../pricing/providers.js';
import type { Invoice } from './invoice.js';
import { formatCount } from '../text.js';

/**
 * Our computed cost against what someone else says it cost — the gateway's own cost counter, or
 * a provider's cost export — per period and group, each difference classed and, where the data
 * shows why, given its likely cause.
 */

export type ReconcileClass = 'matched' | 'only-ours' | 'only-theirs' | 'mismatch';

export interface Tolerance {
  /** A difference up to this share of the larger side is a match (0.01 = 1%). */
  share: number;
  /** A difference up to this amount (femto-units) is a match, whatever its share. */
  amount: bigint;
}

/** One side's figures for one period and group. */
export interface Side {
  cost: bigint;
  /** Per token type, where that side says (our report; an export with token types). */
  byType: Partial<Record<TokenType, bigint>>;
}

export interface ReconcileRow {
  /** Index of the period (report bucket); its bounds are in the result's `buckets`. */
  bucket: number;
  group: Record<string, string>;
  ours: Side | undefined;
  theirs: Side | undefined;
  /** Ours − theirs (a missing side counts 0), femto-units. */
  diff: bigint;
  /** The difference as a share of theirs; undefined when theirs is 0 or missing. */
  share: number | undefined;
  class: ReconcileClass;
  withinTolerance: boolean;
  causes: string[];
}

export interface ReconcileResult {
  /** What "theirs" is: `litellm_spend_metric_total`, or the export file and its format. */
  against: string;
  currency: string;
  /** The zone periods are calendar-aligned in. */
  timezone: string;
  window: { start: number; end: number; label: string };
  /** Period edges: period i is (buckets[i], buckets[i+1]]. */
  buckets: readonly number[];
  by: readonly string[];
  tolerance: Tolerance;
  rows: ReconcileRow[];
  totals: { ours: bigint; theirs: bigint; diff: bigint };
  /** Rows beyond tolerance: the gate fails on any. */
  failing: number;
  notes: string[];
}

/** The config-file mapping that reads each seen dialect's own cost counter as "input tokens" of money. */
export function costCounterMappings(dialects: readonly string[]): CustomMapping[] {
  return DIALECTS.filter((d) => dialects.includes(d.id) && d.ownCostMetric !== undefined).map((d) => ({
    metric: d.ownCostMetric as string,
    tokenType: 'input' as const,
    model: [...d.labels.model],
    ...(d.labels.provider ? { provider: [...d.labels.provider] } : {}),
    gateway: [...(d.labels.gateway ?? ['gateway'])],
    inputIncludesCache: false,
  }));
}

/** Per-group facts our report adds to a row: unpriced tokens, the long-context upper bound, cached tokens. */
interface OursExtra {
  unpricedTokens: number;
  unpricedModels: Set<string>;
  costHigh: bigint | undefined;
  cachedTokens: number;
}

type Key = string;
const keyOf = (bucket: number, values: readonly string[]) => JSON.stringify([bucket, ...values]);

interface Cell {
  bucket: number;
  values: string[];
  ours?: Side & OursExtra;
  theirs?: Side;
}

function cellAt(cells: Map<Key, Cell>, bucket: number, values: string[]): Cell {
  const k = keyOf(bucket, values);
  let c = cells.get(k);
  if (!c) cells.set(k, (c = { bucket, values }));
  return c;
}

/**
 * Our side from the report's rows, keyed by `keyValues` of each row's group (the `--by` values,
 * or a normalised model for exports); rows `keep` rejects are left out (another provider's models).
 */
export function oursFrom(
  report: CostReport,
  keyValues: (group: Record<string, string>) => string[] | undefined,
  cells = new Map<Key, Cell>(),
): Map<Key, Cell> {
  const stepped = report.buckets.length > 2;
  for (const row of report.rows) {
    const values = keyValues(row.group);
    if (values === undefined) continue;
    const c = cellAt(cells, stepped ? (row.bucket ?? 0) : 0, values);
    const o = (c.ours ??= { cost: 0n, byType: {}, unpricedTokens: 0, unpricedModels: new Set(), costHigh: undefined, cachedTokens: 0 });
    o.cachedTokens += row.tokens.cached_input + row.tokens.cache_write;
    if (!row.priced) {
      o.unpricedTokens += TOKEN_TYPES.reduce((s, t) => s + row.tokens[t], 0);
      o.unpricedModels.add(row.group.model ?? '(no model label)');
      continue;
    }
    o.cost += row.totalCost ?? 0n;
    for (const t of TOKEN_TYPES) o.byType[t] = (o.byType[t] ?? 0n) + (row.cost?.[t] ?? 0n);
    if (row.costHigh !== undefined) o.costHigh = (o.costHigh ?? 0n) + row.costHigh - (row.totalCost ?? 0n);
  }
  for (const c of cells.values()) if (c.ours?.costHigh !== undefined) c.ours.costHigh += c.ours.cost;
  return cells;
}

/** The gateway's cost counter, read through the ledger like tokens: each cell's "input" is money (as a float of currency units). */
export function theirsFromCounter(usage: Usage, buckets: readonly number[], cells: Map<Key, Cell>): void {
  for (const cell of usage.cells) {
    const end = usage.edges[cell.slice + 1] as number;
    const bucket = buckets.length > 2 ? sliceOf(buckets, end) : 0;
    if (bucket < 0) continue;
    const c = cellAt(cells, bucket, [...cell.group]);
    const t = (c.theirs ??= { cost: 0n, byType: {} });
    // The counter is a float of currency units: exact to the nano-unit is all it can claim.
    t.cost += BigInt(Math.round(cell.tokens.input * 1e9)) * 1_000_000n;
  }
}

/** A provider export's lines, by period and (normalised) model; lines outside the window are counted, not kept. */
export function theirsFromInvoice(
  invoice: Invoice,
  buckets: readonly number[],
  keyValues: (model: string) => string[],
  cells: Map<Key, Cell>,
): number {
  let outside = 0;
  for (const line of invoice.lines) {
    const bucket = sliceOf(buckets, line.start + 1);
    if (bucket < 0) {
      outside++;
      continue;
    }
    const c = cellAt(cells, buckets.length > 2 ? bucket : 0, keyValues(line.model));
    const t = (c.theirs ??= { cost: 0n, byType: {} });
    t.cost += line.cost;
    if (line.tokenType) t.byType[line.tokenType] = (t.byType[line.tokenType] ?? 0n) + line.cost;
  }
  return outside;
}

const abs = (x: bigint) => (x < 0n ? -x : x);

/** Whether a difference is within tolerance: up to the amount, or up to the share of the larger side. */
export function within(ours: bigint, theirs: bigint, tol: Tolerance): boolean {
  const d = abs(ours - theirs);
  const larger = abs(ours) > abs(theirs) ? abs(ours) : abs(theirs);
  return d <= tol.amount || Number(d) <= tol.share * Number(larger);
}

const money = (f: bigint, currency: string) => `${(Number(f) / 1e15).toFixed(2)} ${currency}`;

/** Why only the other side has a group: for a counter without a `--by` label, which label it lacks. */
function onlyTheirs(c: Cell, kind: 'counter' | 'invoice', by: readonly string[]): string {
  if (kind === 'invoice')
    return 'not in the gateway counters: traffic that bypassed the gateway, another key or project, or a name that resolves to another price entry';
  const lacking = by.filter((_, i) => (c.values[i] ?? '') === '');
  if (lacking.length > 0)
    return `the gateway's cost counter has no ${lacking.join(', ')} label, so its cost cannot be split by it: reconcile without it in --by`;
  return 'counted by the gateway but not in our token series';
}

/** Likely causes of a difference, from what each side says. */
function causes(c: Cell, kind: 'counter' | 'invoice', currency: string, setting: { by: readonly string[] }): string[] {
  const out: string[] = [];
  const o = c.ours;
  const t = c.theirs;
  if (o && o.unpricedTokens > 0)
    out.push(
      `unpriced model: ${formatCount(o.unpricedTokens)} tokens of ${[...o.unpricedModels].join(', ')} have no price, so ours leaves them out`,
    );
  if (!o && kind === 'invoice' && c.values.length > 0 && c.values.every((v) => v === ''))
    out.push('a charge for no model: web search, code execution, or a line without a model');
  else if (!o) out.push(onlyTheirs(c, kind, setting.by));
  if (!t)
    out.push(
      kind === 'invoice'
        ? 'not in the export: billed elsewhere (another account, a cloud marketplace), not billed yet, or another name for the model'
        : 'no cost counter for this group',
    );
  if (!o || !t) return out;
  const ratio = o.cost === 0n ? undefined : Number(t.cost) / Number(o.cost);
  if (o.costHigh !== undefined && t.cost > o.cost && t.cost <= o.costHigh) {
    out.push(
      `tier not modelled: long requests bill the whole request at a higher rate that token counters cannot see (ours ${money(o.cost, currency)}, the least long requests can cost; ${money(o.costHigh, currency)} if every request crossed the threshold)`,
    );
  } else if (ratio !== undefined && ratio >= 0.47 && ratio <= 0.53) {
    out.push('tier not modelled: theirs is half of ours, as batch or flex pricing bills; the series carry no service tier label');
  } else if (ratio !== undefined && ratio >= 1.6 && ratio <= 2.1) {
    out.push('tier not modelled: theirs is about twice ours, as priority pricing bills; the series carry no service tier label');
  }
  const theirsCache = (t.byType.cached_input ?? 0n) + (t.byType.cache_write ?? 0n);
  if (o.cachedTokens === 0 && (theirsCache > 0n || (kind === 'invoice' && t.cost < o.cost && Object.keys(t.byType).length === 0))) {
    out.push('cache not reported: the gateway reported no cached tokens, so any the provider served from cache were priced as full input');
  }
  const typed = TOKEN_TYPES.filter((ty) => t.byType[ty] !== undefined);
  if (typed.length > 0) {
    const worst = typed.reduce((a, b) =>
      abs((o.byType[a] ?? 0n) - (t.byType[a] ?? 0n)) >= abs((o.byType[b] ?? 0n) - (t.byType[b] ?? 0n)) ? a : b,
    );
    out.push(
      `most of the difference is in ${worst} tokens (ours ${money(o.byType[worst] ?? 0n, currency)}, theirs ${money(t.byType[worst] ?? 0n, currency)})`,
    );
  }
  if (out.length === 0 && kind === 'counter') {
    const model = c.values[setting.by.indexOf('model')] ?? 'MODEL';
    out.push(`the gateway prices it differently: compare \`tokenspend pricing show ${model}\` with the gateway's own price table`);
  }
  return out;
}

interface CompareSetting {
  report: CostReport;
  by: readonly string[];
  tolerance: Tolerance;
  against: string;
  kind: 'counter' | 'invoice';
  notes: string[];
}

/** One cell as a row: both sides, the difference, its class and likely causes. */
function rowOf(c: Cell, setting: CompareSetting): ReconcileRow {
  const ours = c.ours?.cost ?? 0n;
  const theirs = c.theirs?.cost ?? 0n;
  const ok = within(ours, theirs, setting.tolerance);
  const cls: ReconcileClass = !c.theirs ? 'only-ours' : !c.ours ? 'only-theirs' : ok ? 'matched' : 'mismatch';
  const side = (s: Side | undefined) => (s ? { cost: s.cost, byType: s.byType } : undefined);
  const explain = cls !== 'matched' || (c.ours?.unpricedTokens ?? 0) > 0;
  return {
    bucket: c.bucket,
    group: Object.fromEntries(setting.by.map((d, i) => [d, c.values[i] ?? ''])),
    ours: side(c.ours),
    theirs: side(c.theirs),
    diff: ours - theirs,
    share: theirs === 0n ? undefined : Number(ours - theirs) / Number(theirs),
    class: cls,
    withinTolerance: ok,
    causes: explain ? causes(c, setting.kind, setting.report.currency, { by: setting.by }) : [],
  };
}

/** Period order, the largest difference first, then the group. */
function compareRows(a: ReconcileRow, b: ReconcileRow): number {
  if (a.bucket !== b.bucket) return a.bucket - b.bucket;
  if (abs(a.diff) !== abs(b.diff)) return abs(b.diff) > abs(a.diff) ? 1 : -1;
  const ka = JSON.stringify(a.group);
  const kb = JSON.stringify(b.group);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Classes every cell and sums the sides. */
export function compare(cells: Map<Key, Cell>, setting: CompareSetting): ReconcileResult {
  const { report, tolerance } = setting;
  const rows = [...cells.values()].map((c) => rowOf(c, setting)).sort(compareRows);
  const totals = { ours: 0n, theirs: 0n, diff: 0n };
  for (const r of rows) {
    totals.ours += r.ours?.cost ?? 0n;
    totals.theirs += r.theirs?.cost ?? 0n;
  }
  totals.diff = totals.ours - totals.theirs;
  return {
    against: setting.against,
    currency: report.currency,
    timezone: report.timezone,
    window: { start: report.window.start, end: report.window.end, label: report.window.label },
    buckets: report.buckets.length > 2 ? report.buckets : [report.window.start, report.window.end],
    by: setting.by,
    tolerance,
    rows,
    totals,
    failing: rows.filter((r) => !r.withinTolerance).length,
    notes: setting.notes,
  };
}

/**
 * The key of a model on both sides of an export: the price entry its name resolves to (so
 * `gpt-4o-2024-08-06` and a dated alias meet), else the name as an id. Undefined when the
 * entry's provider is not the export's (an OpenAI export does not bill Claude).
 */
export function modelKey(
  book: PriceBook,
  name: string,
  providerLabel: string | undefined,
  provider: string | undefined,
): string | undefined {
  const found = name === '' ? undefined : book.model(name, providerLabel);
  if (provider !== undefined) {
    const owner = found?.provider ?? providerOfLabel(providerLabel)?.id ?? providerLabel;
    if (owner !== undefined && owner !== provider) return undefined;
    if (owner === undefined) return undefined;
  }
  return found ? found.id : name;
}

/** `2026-11-20` or the bucket's ISO bounds, for messages and outputs. */
export function bucketText(buckets: readonly number[], i: number): string {
  return `${isoTime(buckets[i] as number)}..${isoTime(buckets[i + 1] as number)}`;
}
