import { type CellRate, costAt, rateOfCell } from '../cost/price.js';
import type { CostReport, UnpricedReason } from '../cost/report.js';
import type { Usage, UsageCell } from '../ledger/store.js';
import { isoTime } from '../ledger/time.js';
import { TOKEN_TYPES, type TokenType } from '../model.js';
import type { PriceBook } from '../pricing/book.js';
import { publisherOf } from '../pricing/providers.js';
import { rowId } from './export.js';
import type { ExportPeriod, ExportUnit } from './periods.js';

/** One price of one SKU: the entry that gave it, the dated rate, and the price per 1M tokens. */
export interface SkuRate {
  provider: string;
  modelId: string;
  /** When the rate took effect (-Infinity: the entry's one undated rate). */
  from: number;
  /** Nano-units per 1M tokens, in the price file's currency. */
  unitNano: bigint;
  /** Units of the billing currency per unit of the price files' (1e-9 units), when converted. */
  fx: bigint | undefined;
}

/** A priced FOCUS row's prices and costs (femto-units of the billing currency). */
export interface FocusPrice {
  contracted: SkuRate;
  list: SkuRate;
  /** `list`: from the list layers; `contracted`: no list layer prices the name, so list = contracted. */
  listFrom: 'list' | 'contracted';
  contractedCost: bigint;
  listCost: bigint;
  /** The billing tier the rate is for: `standard`, `batch`, `flex`, `priority`. */
  tier: string;
  publisher: string;
}

/**
 * One FOCUS row: one period × group × gateway × SKU (model, provider, service tier, token type)
 * × dated rate. The contracted price is the one the report charges (every layer); the list price
 * comes from the list layers alone, or is the contracted one where no list layer prices the name.
 */
export interface FocusRow {
  period: ExportPeriod;
  rowId: string;
  /** The `--by` labels (FOCUS Tags). */
  group: Record<string, string>;
  /** The gateway, when the series name one (FOCUS ResourceId). */
  gateway: string | undefined;
  tokenType: TokenType;
  /** The model, provider and service tier as the source labelled them. */
  model: string | undefined;
  providerLabel: string | undefined;
  tierLabel: string | undefined;
  tokens: number;
  price: FocusPrice | undefined;
  unpricedReason: UnpricedReason | undefined;
  /**
   * Set on an Adjustment row: what the report adds over the base rate where request-size
   * histograms show requests that surely crossed a long-context threshold (femto-units).
   */
  surcharge?: { cost: bigint; provider: string; modelId: string; publisher: string };
}

type Found = CellRate | { reason: UnpricedReason; detail?: string };

function skuRate(found: Found | undefined, type: TokenType): SkuRate | undefined {
  if (found === undefined || !('model' in found)) return undefined;
  const p = found.prices.prices[type];
  if (p === undefined) return undefined;
  return { provider: found.model.provider, modelId: found.model.id, from: found.rate.from, unitNano: p, fx: found.fx };
}

const rateKey = (s: SkuRate) => [s.provider, s.modelId, s.from, String(s.unitNano), String(s.fx ?? '')];

/** How one cell's tokens of one type are priced: the rates in both books, or why they have none. */
function priceOf(
  type: TokenType,
  contracted: Found,
  list: Found | undefined,
): { key: unknown[]; price?: Omit<FocusPrice, 'contractedCost' | 'listCost'>; reason?: UnpricedReason } {
  if (!('model' in contracted)) return { key: ['unpriced', contracted.reason], reason: contracted.reason };
  const c = skuRate(contracted, type);
  if (!c) return { key: ['unpriced', 'no-rate'], reason: 'no-rate' };
  const l = skuRate(list, type);
  const price = {
    contracted: c,
    list: l ?? c,
    listFrom: l ? ('list' as const) : ('contracted' as const),
    tier: contracted.tier,
    publisher: publisherOf(contracted.model.id, contracted.model.provider),
  };
  return { key: [contracted.tier, ...rateKey(c), ...(l ? rateKey(l) : ['same'])], price };
}

export interface FocusOptions {
  unit: ExportUnit;
  /** The `--by` dimensions: the first values of each cell's group. */
  by: readonly string[];
  /** Where the gateway is in each cell's group (it was added to the grouping for ResourceId). */
  gatewayIndex: number;
  /** Where the model is in each cell's group (added too: long-context surcharges are per model). */
  modelIndex: number;
}

/**
 * FOCUS rows for the periods, from the exact usage per slice: each slice's tokens priced at the
 * rate in force at its start in both books, so contracted costs equal the report's to the femto.
 */
export function focusRows(
  usage: Usage,
  books: { contracted: PriceBook; list: PriceBook | undefined },
  periods: readonly ExportPeriod[],
  options: FocusOptions,
): FocusRow[] {
  const rows = new Map<string, FocusRow>();
  for (const cell of usage.cells) {
    const start = usage.edges[cell.slice] as number;
    const end = usage.edges[cell.slice + 1] as number;
    const period = periods.find((x) => x.start < end && end <= x.end);
    if (!period) continue;
    const contracted = rateOfCell(books.contracted, cell, start);
    const list = books.list === undefined ? undefined : books.list === books.contracted ? contracted : rateOfCell(books.list, cell, start);
    for (const type of TOKEN_TYPES) {
      const tokens = cell.tokens[type];
      if (tokens === 0) continue;
      addTokens(rows, cell, type, tokens, priceOf(type, contracted, list), period, options);
    }
  }
  return [...rows.values()].sort(compareFocus);
}

function addTokens(
  rows: Map<string, FocusRow>,
  cell: UsageCell,
  type: TokenType,
  tokens: number,
  priced: ReturnType<typeof priceOf>,
  period: ExportPeriod,
  options: FocusOptions,
): void {
  const group: Record<string, string> = {};
  options.by.forEach((d, i) => (group[d] = cell.group[i] ?? ''));
  const gateway = cell.group[options.gatewayIndex] || undefined;
  const parts = [
    options.unit,
    isoTime(period.start),
    isoTime(period.end),
    options.by,
    Object.values(group),
    gateway ?? null,
    cell.model ?? null,
    cell.provider ?? null,
    cell.serviceTier ?? null,
    type,
    ...priced.key,
  ];
  const key = JSON.stringify(parts);
  let row = rows.get(key);
  if (!row) {
    const { model, provider: providerLabel, serviceTier: tierLabel } = cell;
    const price = priced.price ? { ...priced.price, contractedCost: 0n, listCost: 0n } : undefined;
    row = {
      period,
      rowId: rowId(parts),
      group,
      gateway,
      tokenType: type,
      model,
      providerLabel,
      tierLabel,
      tokens: 0,
      price,
      unpricedReason: priced.reason,
    };
    rows.set(key, row);
  }
  row.tokens += tokens;
  if (row.price) {
    row.price.contractedCost += costAt(tokens, row.price.contracted.unitNano, row.price.contracted.fx);
    row.price.listCost += costAt(tokens, row.price.list.unitNano, row.price.list.fx);
  }
}

function compareFocus(a: FocusRow, b: FocusRow): number {
  if (a.period.start !== b.period.start) return a.period.start - b.period.start;
  const key = (r: FocusRow) =>
    JSON.stringify([
      r.group,
      r.gateway ?? '',
      r.model ?? '',
      r.providerLabel ?? '',
      r.tierLabel ?? '',
      TOKEN_TYPES.indexOf(r.tokenType),
      r.rowId,
    ]);
  const ka = key(a);
  const kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Where a row sits for the surcharge sums: period, the `--by` values, gateway, model, token type. */
const surchargeKey = (p: ExportPeriod, values: readonly string[], gateway: string, model: string, type: TokenType) =>
  JSON.stringify([p.start, ...values, gateway, model, type]);

/**
 * The report's long-context surcharges as FOCUS Adjustment rows: where request-size histograms
 * show requests that surely crossed a threshold, the report charges more than the base rate, and
 * no token count says how many tokens that was. The surcharge of each period, group, gateway,
 * model and type is what the report charged over the usage rows, so EffectiveCost still adds up
 * to the report to the femto.
 */
export function surchargeRows(
  report: CostReport,
  rows: readonly FocusRow[],
  periods: readonly ExportPeriod[],
  options: FocusOptions,
): FocusRow[] {
  const left = new Map<string, bigint>();
  const dims = report.by;
  for (const r of report.rows) {
    if (!r.priced || !r.cost || r.bucket === undefined) continue;
    const end = report.buckets[r.bucket + 1] as number;
    const period = periods.find((p) => p.start < end && end <= p.end);
    if (!period) continue;
    const values = options.by.map((d) => r.group[d] ?? '');
    const gateway = r.group[dims[options.gatewayIndex] as string] ?? '';
    const model = r.group[dims[options.modelIndex] as string] ?? '';
    for (const t of TOKEN_TYPES) {
      const k = surchargeKey(period, values, gateway, model, t);
      left.set(k, (left.get(k) ?? 0n) + r.cost[t]);
    }
  }
  const example = new Map<string, FocusRow>();
  for (const row of rows) {
    if (!row.price) continue;
    const k = surchargeKey(row.period, Object.values(row.group), row.gateway ?? '', row.model ?? '', row.tokenType);
    left.set(k, (left.get(k) ?? 0n) - row.price.contractedCost);
    if (!example.has(k)) example.set(k, row);
  }
  const out: FocusRow[] = [];
  for (const [k, cost] of left) {
    const like = example.get(k);
    if (cost === 0n || !like?.price) continue;
    const { contracted, publisher } = like.price;
    const surcharge = { cost, provider: contracted.provider, modelId: contracted.modelId, publisher };
    const id = rowId([like.rowId, 'long-context surcharge']);
    out.push({ ...like, rowId: id, tokens: 0, price: undefined, unpricedReason: undefined, surcharge });
  }
  return out;
}
