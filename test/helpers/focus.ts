/**
 * The column rules of FinOps FOCUS 1.2 (specification/columns/*.md and attributes/*.md at the
 * v1.2 tag of the FOCUS_Spec repository), written out by hand for the columns tokenspend writes,
 * and a checker that holds CSV records against them. Nothing here comes from tokenspend's code.
 */

type DataType = 'Decimal' | 'DateTime' | 'String' | 'Currency' | 'Unit' | 'JSON';

interface Rule {
  /** Feature level in the spec. */
  level: 'Mandatory' | 'Recommended' | 'Conditional';
  type: DataType;
  /** "Allows nulls" in the column's content constraints, and for usage rows the nullability rules. */
  nullOnUsage: 'never' | 'allowed' | 'always';
  /** Nullability on rows of another ChargeCategory (Adjustment here), where it differs from usage rows. */
  nullOtherwise?: 'never' | 'allowed' | 'always';
  allowed?: readonly string[];
}

/** ServiceCategory's allowed values (columns/servicecategory.md). */
const SERVICE_CATEGORIES = [
  'AI and Machine Learning',
  'Analytics',
  'Business Applications',
  'Compute',
  'Databases',
  'Developer Tools',
  'Multicloud',
  'Identity',
  'Integration',
  'Internet of Things',
  'Management and Governance',
  'Media',
  'Migration',
  'Mobile',
  'Networking',
  'Security',
  'Storage',
  'Web',
  'Other',
];

export const FOCUS_RULES: Readonly<Record<string, Rule>> = {
  BilledCost: { level: 'Mandatory', type: 'Decimal', nullOnUsage: 'never' },
  EffectiveCost: { level: 'Mandatory', type: 'Decimal', nullOnUsage: 'never' },
  ListCost: { level: 'Mandatory', type: 'Decimal', nullOnUsage: 'never' },
  ContractedCost: { level: 'Mandatory', type: 'Decimal', nullOnUsage: 'never' },
  BillingCurrency: { level: 'Mandatory', type: 'Currency', nullOnUsage: 'never' },
  BillingAccountId: { level: 'Mandatory', type: 'String', nullOnUsage: 'never' },
  BillingAccountName: { level: 'Mandatory', type: 'String', nullOnUsage: 'allowed' },
  BillingPeriodStart: { level: 'Mandatory', type: 'DateTime', nullOnUsage: 'never' },
  BillingPeriodEnd: { level: 'Mandatory', type: 'DateTime', nullOnUsage: 'never' },
  ChargePeriodStart: { level: 'Mandatory', type: 'DateTime', nullOnUsage: 'never' },
  ChargePeriodEnd: { level: 'Mandatory', type: 'DateTime', nullOnUsage: 'never' },
  ChargeCategory: {
    level: 'Mandatory',
    type: 'String',
    nullOnUsage: 'never',
    allowed: ['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment'],
  },
  // Null unless the row corrects a previously invoiced billing period.
  ChargeClass: { level: 'Mandatory', type: 'String', nullOnUsage: 'always', allowed: ['Correction'] },
  ChargeDescription: { level: 'Mandatory', type: 'String', nullOnUsage: 'allowed' },
  ChargeFrequency: { level: 'Recommended', type: 'String', nullOnUsage: 'never', allowed: ['One-Time', 'Recurring', 'Usage-Based'] },
  ConsumedQuantity: { level: 'Conditional', type: 'Decimal', nullOnUsage: 'never', nullOtherwise: 'always' },
  ConsumedUnit: { level: 'Conditional', type: 'Unit', nullOnUsage: 'never', nullOtherwise: 'always' },
  PricingQuantity: { level: 'Mandatory', type: 'Decimal', nullOnUsage: 'never', nullOtherwise: 'allowed' },
  PricingUnit: { level: 'Mandatory', type: 'Unit', nullOnUsage: 'never', nullOtherwise: 'allowed' },
  ListUnitPrice: { level: 'Conditional', type: 'Decimal', nullOnUsage: 'never', nullOtherwise: 'allowed' },
  ContractedUnitPrice: { level: 'Conditional', type: 'Decimal', nullOnUsage: 'never', nullOtherwise: 'allowed' },
  ProviderName: { level: 'Mandatory', type: 'String', nullOnUsage: 'never' },
  PublisherName: { level: 'Mandatory', type: 'String', nullOnUsage: 'never' },
  InvoiceIssuerName: { level: 'Mandatory', type: 'String', nullOnUsage: 'never' },
  ServiceName: { level: 'Mandatory', type: 'String', nullOnUsage: 'never' },
  ServiceCategory: { level: 'Mandatory', type: 'String', nullOnUsage: 'never', allowed: SERVICE_CATEGORIES },
  // "Generative AI" belongs to "AI and Machine Learning" (columns/servicesubcategory.md).
  ServiceSubcategory: { level: 'Recommended', type: 'String', nullOnUsage: 'never', allowed: ['Generative AI'] },
  SkuId: { level: 'Conditional', type: 'String', nullOnUsage: 'never', nullOtherwise: 'allowed' },
  SkuPriceId: { level: 'Conditional', type: 'String', nullOnUsage: 'never', nullOtherwise: 'allowed' },
  ResourceId: { level: 'Conditional', type: 'String', nullOnUsage: 'allowed' },
  Tags: { level: 'Conditional', type: 'JSON', nullOnUsage: 'allowed' },
};

/** Every column the spec makes mandatory at 1.2 (feature level Mandatory). */
export const FOCUS_MANDATORY = [
  'BilledCost',
  'BillingAccountId',
  'BillingAccountName',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'ContractedCost',
  'EffectiveCost',
  'InvoiceIssuerName',
  'ListCost',
  'PricingQuantity',
  'PricingUnit',
  'ProviderName',
  'PublisherName',
  'ServiceCategory',
  'ServiceName',
];

// Numeric Format: integer, decimal or E notation; no sign on positives, no commas, no units.
const NUMERIC = /^-?\d+(\.\d+)?(E-?\d+)?$/;
// Date/Time Format: YYYY-MM-DDTHH:mm:ssZ, UTC.
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
// Unit Format: `<plural-units>` or `<quantity> <plural-units>` with a whole-number quantity, capitalised.
const UNIT = /^(\d+ )?[A-Z][A-Za-z]*s$/;

function typeProblem(type: DataType, v: string): string | undefined {
  switch (type) {
    case 'Decimal':
      return NUMERIC.test(v) ? undefined : 'not a FOCUS numeric value';
    case 'DateTime':
      return DATETIME.test(v) ? undefined : 'not YYYY-MM-DDTHH:mm:ssZ';
    case 'Currency':
      return /^[A-Z]{3}$/.test(v) ? undefined : 'not an ISO 4217 code';
    case 'Unit':
      return UNIT.test(v) ? undefined : 'not in Unit Format';
    case 'JSON': {
      let o: unknown;
      try {
        o = JSON.parse(v);
      } catch {
        return 'not JSON';
      }
      if (o === null || typeof o !== 'object' || Array.isArray(o)) return 'not a JSON object';
      return Object.values(o).every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x))
        ? undefined
        : 'a value is an object or array';
    }
    case 'String':
      return v.trim() === '' ? 'an empty string' : undefined;
  }
}

/**
 * Problems of FOCUS records (header names → cell; '' is null): missing mandatory columns, custom
 * columns without `x_` or before FOCUS ones, and per row types, nullability for usage rows,
 * allowed values, and ListUnitPrice × PricingQuantity = ListCost (likewise contracted).
 * `exempt(row)` names columns a row may leave null (tokenspend's unpriced rows: costs, prices, SkuPriceId).
 */
export function focusProblems(
  header: readonly string[],
  rows: readonly Record<string, string>[],
  exempt: (row: Record<string, string>) => readonly string[] = () => [],
): string[] {
  const problems: string[] = [];
  for (const c of FOCUS_MANDATORY) if (!header.includes(c)) problems.push(`missing mandatory column ${c}`);
  const firstCustom = header.findIndex((h) => !(h in FOCUS_RULES));
  header.forEach((h, i) => {
    if (!(h in FOCUS_RULES) && !h.startsWith('x_')) problems.push(`column ${h} is neither FOCUS nor x_-prefixed`);
    if (h in FOCUS_RULES && firstCustom >= 0 && i > firstCustom) problems.push(`FOCUS column ${h} after a custom column`);
  });
  rows.forEach((row, n) => {
    const free = exempt(row);
    const usage = row.ChargeCategory === 'Usage';
    for (const [col, rule] of Object.entries(FOCUS_RULES)) {
      if (!header.includes(col)) continue;
      const v = row[col] ?? '';
      const where = `row ${n + 1} ${col}`;
      const nulls = usage ? rule.nullOnUsage : (rule.nullOtherwise ?? rule.nullOnUsage);
      if (v === '') {
        if (nulls === 'never' && !free.includes(col)) problems.push(`${where}: null`);
        continue;
      }
      if (nulls === 'always') problems.push(`${where}: must be null on this row (${row.ChargeCategory}), got "${v}"`);
      const t = typeProblem(rule.type, v);
      if (t) problems.push(`${where}: ${t}: "${v}"`);
      if (rule.allowed && !rule.allowed.includes(v)) problems.push(`${where}: "${v}" is not an allowed value`);
    }
    if (row.ServiceSubcategory === 'Generative AI' && row.ServiceCategory !== 'AI and Machine Learning')
      problems.push(`row ${n + 1}: Generative AI under ${row.ServiceCategory}`);
    for (const [price, cost] of [
      ['ListUnitPrice', 'ListCost'],
      ['ContractedUnitPrice', 'ContractedCost'],
    ] as const) {
      if (!row[price] || !row.PricingQuantity || !row[cost]) continue;
      if (!sameDecimal(product(row[price], row.PricingQuantity), row[cost]))
        problems.push(`row ${n + 1}: ${price} × PricingQuantity ≠ ${cost}`);
    }
  });
  return problems;
}

/** Exact decimal arithmetic on strings, by scaled BigInts. */
function scaled(v: string): [bigint, number] {
  const [w, f = ''] = v.split('.');
  return [BigInt(`${w}${f}`), f.length];
}

function product(a: string, b: string): string {
  const [x, dx] = scaled(a);
  const [y, dy] = scaled(b);
  return toDecimal(x * y, dx + dy);
}

function toDecimal(units: bigint, decimals: number): string {
  const neg = units < 0n;
  const s = (neg ? -units : units).toString().padStart(decimals + 1, '0');
  return `${neg ? '-' : ''}${s.slice(0, s.length - decimals)}.${s.slice(s.length - decimals)}`;
}

function sameDecimal(a: string, b: string): boolean {
  return sumDecimals([a]) === sumDecimals([b]);
}

/** The exact sum of decimal strings, as a decimal string with 18 digits. */
export function sumDecimals(values: readonly string[]): string {
  let total = 0n;
  for (const v of values) {
    const [x, d] = scaled(v);
    total += x * 10n ** BigInt(18 - d);
  }
  return toDecimal(total, 18);
}
