import type { FocusRow, SkuRate } from '../../chargeback/focus.js';
import { addCalendar, isoTime, startOf } from '../../ledger/time.js';
import type { TokenType } from '../../model.js';
import { FEMTO_DECIMALS, PRICE_DECIMALS } from '../../money.js';
import { csvText } from '../csv.js';
import type { BillingAccount } from '../../chargeback/build.js';
import { blocksOf, exactDecimal, type ExportView, type RenderedLedger } from './view.js';

/** The FOCUS version whose columns these are (specification/columns/*.md at the v1.2 tag). */
export const FOCUS_VERSION = '1.2';

/** FOCUS 1.2 columns written, in this order; custom `x_` columns follow them. */
export const FOCUS_COLUMNS = [
  'BilledCost',
  'EffectiveCost',
  'ListCost',
  'ContractedCost',
  'BillingCurrency',
  'BillingAccountId',
  'BillingAccountName',
  'BillingPeriodStart',
  'BillingPeriodEnd',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargeFrequency',
  'ConsumedQuantity',
  'ConsumedUnit',
  'PricingQuantity',
  'PricingUnit',
  'ListUnitPrice',
  'ContractedUnitPrice',
  'ProviderName',
  'PublisherName',
  'InvoiceIssuerName',
  'ServiceName',
  'ServiceCategory',
  'ServiceSubcategory',
  'SkuId',
  'SkuPriceId',
  'ResourceId',
  'Tags',
] as const;

export const FOCUS_CUSTOM_COLUMNS = [
  'x_RowId',
  'x_Period',
  'x_Complete',
  'x_Priced',
  'x_UnpricedReason',
  'x_TokenType',
  'x_Model',
  'x_ServiceTier',
  'x_ListPriceSource',
  'x_PricingVersion',
  'x_PricingSha256',
  'x_Source',
  'x_ExportedAt',
] as const;

type Column = (typeof FOCUS_COLUMNS)[number] | (typeof FOCUS_CUSTOM_COLUMNS)[number];

/** Prices are per 1M tokens: the pricing unit is a block of a million (FOCUS Unit Format `<quantity> <plural-units>`). */
const PRICING_UNIT = '1000000 Tokens';

const TYPE_TEXT: Record<TokenType, string> = {
  input: 'input tokens',
  cached_input: 'cached input tokens (cache reads)',
  cache_write: 'cache write tokens',
  output: 'output tokens',
};

/** A unit price in the billing currency: exact, 9 decimals, or 18 where an FX rate converted it. */
function unitPrice(s: SkuRate): string {
  return s.fx === undefined ? exactDecimal(s.unitNano, PRICE_DECIMALS) : exactDecimal(s.unitNano * s.fx, 2 * PRICE_DECIMALS);
}

const dateOf = (t: number) => (Number.isFinite(t) ? isoTime(t).replace('T00:00:00Z', '') : 'undated');

function skuId(r: FocusRow): string {
  const p = r.price;
  return p
    ? `${p.contracted.provider}/${p.contracted.modelId}/${r.tokenType}`
    : `${r.providerLabel ?? 'unknown'}/${r.model ?? 'unknown'}/${r.tokenType}`;
}

/**
 * A long-context surcharge (chargeback/focus.ts `surchargeRows`): an Adjustment, with no quantity
 * or unit price (FOCUS allows both null outside Usage), joined to its SKU by SkuId.
 */
function surchargeValues(usage: Record<Column, string | null>, r: FocusRow, billing: BillingAccount): Record<Column, string | null> {
  const s = r.surcharge as NonNullable<FocusRow['surcharge']>;
  const cost = exactDecimal(s.cost, FEMTO_DECIMALS);
  return {
    ...usage,
    BilledCost: cost,
    EffectiveCost: cost,
    ListCost: cost,
    ContractedCost: cost,
    ChargeCategory: 'Adjustment',
    ChargeDescription: `${s.modelId} long-context surcharge on ${TYPE_TEXT[r.tokenType]}: requests that surely crossed the threshold, from request-size histograms`,
    ConsumedQuantity: null,
    ConsumedUnit: null,
    PricingQuantity: null,
    PricingUnit: null,
    ListUnitPrice: null,
    ContractedUnitPrice: null,
    ProviderName: s.provider,
    PublisherName: s.publisher,
    InvoiceIssuerName: billing.invoiceIssuer ?? s.provider,
    ServiceName: s.modelId,
    SkuId: `${s.provider}/${s.modelId}/${r.tokenType}`,
    SkuPriceId: null,
    x_Priced: 'true',
    x_ListPriceSource: 'contracted',
  };
}

/** The values of one row, by column; null is an empty cell (FOCUS null). */
function values(view: ExportView, billing: BillingAccount, r: FocusRow, exportedAt: string): Record<Column, string | null> {
  const prov = view.provenance;
  const p = r.price;
  const money = (f: bigint | undefined) => (f === undefined ? null : exactDecimal(f, FEMTO_DECIMALS));
  const billingStart = startOf(r.period.start, 'month', view.zone);
  const provider = p?.contracted.provider ?? r.providerLabel ?? null;
  const tags = view.by.length > 0 ? JSON.stringify(Object.fromEntries(view.by.map((d) => [d, r.group[d] ?? '']))) : null;
  const serviceName = p?.contracted.modelId ?? r.model ?? null;
  const tier = p?.tier ?? r.tierLabel ?? 'standard';
  return {
    BilledCost: money(p?.contractedCost),
    EffectiveCost: money(p?.contractedCost),
    ListCost: money(p?.listCost),
    ContractedCost: money(p?.contractedCost),
    BillingCurrency: prov.currency,
    BillingAccountId: billing.id,
    BillingAccountName: billing.name ?? null,
    BillingPeriodStart: isoTime(billingStart),
    BillingPeriodEnd: isoTime(addCalendar(billingStart, 'month', 1, view.zone)),
    ChargePeriodStart: isoTime(r.period.start),
    ChargePeriodEnd: isoTime(r.period.end),
    ChargeCategory: 'Usage',
    ChargeClass: null,
    ChargeDescription: `${serviceName ?? 'unknown model'} ${TYPE_TEXT[r.tokenType]}${tier === 'standard' ? '' : `, ${tier} tier`}${p ? '' : ', unpriced'}`,
    ChargeFrequency: 'Usage-Based',
    ConsumedQuantity: String(r.tokens),
    ConsumedUnit: 'Tokens',
    PricingQuantity: exactDecimal(BigInt(r.tokens), 6),
    PricingUnit: PRICING_UNIT,
    ListUnitPrice: p ? unitPrice(p.list) : null,
    ContractedUnitPrice: p ? unitPrice(p.contracted) : null,
    ProviderName: provider,
    PublisherName: p?.publisher ?? provider,
    InvoiceIssuerName: billing.invoiceIssuer ?? provider,
    ServiceName: serviceName,
    ServiceCategory: 'AI and Machine Learning',
    ServiceSubcategory: 'Generative AI',
    SkuId: skuId(r),
    SkuPriceId: p ? `${skuId(r)}/${p.tier}@${dateOf(p.contracted.from)}` : null,
    ResourceId: r.gateway ?? null,
    Tags: tags,
    x_RowId: r.rowId,
    x_Period: view.unit,
    x_Complete: r.period.complete ? 'true' : 'false',
    x_Priced: p ? 'true' : 'false',
    x_UnpricedReason: r.unpricedReason ?? null,
    x_TokenType: r.tokenType,
    x_Model: r.model ?? null,
    x_ServiceTier: tier,
    x_ListPriceSource: p ? p.listFrom : null,
    x_PricingVersion: prov.pricingVersion,
    x_PricingSha256: prov.pricingSha256,
    x_Source: prov.source,
    x_ExportedAt: exportedAt,
  };
}

/**
 * FinOps FOCUS 1.2 as CSV: one row per period × group × gateway × SKU (model, provider, service
 * tier, token type) × dated rate. Costs and unit prices are exact, so that unit price × pricing
 * quantity equals the cost as the specification requires; null is an empty cell.
 */
export function renderFocus(view: ExportView): RenderedLedger {
  const columns: readonly Column[] = [...FOCUS_COLUMNS, ...FOCUS_CUSTOM_COLUMNS];
  const focus = view.focus ?? { rows: [], billing: { id: '', name: undefined, invoiceIssuer: undefined } };
  return {
    layout: {
      kind: 'csv',
      header: csvText([columns]),
      fields: { start: 'ChargePeriodStart', end: 'ChargePeriodEnd', unit: 'x_Period', complete: 'x_Complete', exportedAt: 'x_ExportedAt' },
      unit: view.unit,
    },
    blocks: blocksOf(view.periods, focus.rows, (r, at) => {
      const usage = values(view, focus.billing, r, at);
      const v = r.surcharge ? surchargeValues(usage, r, focus.billing) : usage;
      return csvText([columns.map((c) => v[c] ?? '')]);
    }),
  };
}
