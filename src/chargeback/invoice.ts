import { parse } from 'csv-parse/sync';
import { usageError } from '../errors.js';
import { DURATION, hasRealDate, parseTime } from '../ledger/time.js';
import type { TokenType } from '../model.js';
import { FEMTO_DECIMALS } from '../money.js';

/**
 * Provider cost exports as "their" side of a reconciliation. Column names are the providers' own
 * (facts from their export files): OpenAI's organisation cost export (`start_time`,
 * `amount_value`, `amount_currency`, `line_item` = "model, type"), Anthropic's console cost export
 * (`usage_date_utc`, `model`, `token_type`, `cost_usd`), and any CSV through a column mapping.
 */

export const INVOICE_FORMATS = ['auto', 'openai', 'anthropic', 'generic'] as const;
export type InvoiceFormat = Exclude<(typeof INVOICE_FORMATS)[number], 'auto'>;

/** `--invoice-columns date=Day,model=Model,cost=Amount[,currency=Currency]`. */
export interface InvoiceColumns {
  date: string;
  model: string;
  cost: string;
  currency?: string | undefined;
}

/** One charge of the export: a day (or the bucket it names), a model, maybe a token type, an exact amount. */
export interface InvoiceLine {
  /** Start of the charge's time bucket, UTC. */
  start: number;
  /** Its end (a day after the start unless the file says). */
  end: number;
  /** As the file names it; '' for a charge of no model (web search, a total). */
  model: string;
  tokenType: TokenType | undefined;
  /** Femto-units. */
  cost: bigint;
  currency: string | undefined;
  /** Line of the file, for messages. */
  line: number;
}

export interface Invoice {
  format: InvoiceFormat;
  /** Whose invoice it is (`openai`, `anthropic`), when the format says; undefined for a generic file. */
  provider: string | undefined;
  lines: InvoiceLine[];
}

/** An amount written as a plain or E-notation decimal (`0.8958740000000000`, `-3`, `1.5e-3`), exactly, in femto-units. */
export function parseAmount(text: string): bigint | undefined {
  const m = /^\s*(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d{1,3}))?\s*$/.exec(text);
  if (!m) return undefined;
  const digits = `${m[2]}${m[3] ?? ''}`;
  const scale = (m[3]?.length ?? 0) - Number(m[4] ?? 0) - FEMTO_DECIMALS;
  let units = BigInt(digits);
  if (scale > 0) {
    const unit = 10n ** BigInt(scale);
    units = (units + unit / 2n) / unit; // below a femto-unit: rounded half up
  } else units *= 10n ** BigInt(-scale);
  return m[1] === '-' ? -units : units;
}

/** "Claude Haiku 4.5" → "claude-haiku-4-5": display names as model ids. */
export function modelIdOf(name: string): string {
  const t = name.trim();
  return /\s/.test(t) ? t.toLowerCase().replace(/\s+/g, '-').replace(/\./g, '-') : t;
}

const OPENAI_TYPES: [RegExp, TokenType][] = [
  [/cached/i, 'cached_input'],
  [/cache.?(write|creation)/i, 'cache_write'],
  [/input|prompt/i, 'input'],
  [/output|completion/i, 'output'],
];

const ANTHROPIC_TYPES: [RegExp, TokenType][] = [
  [/cache_read/i, 'cached_input'],
  [/cache_(write|creation)|ephemeral/i, 'cache_write'],
  [/input/i, 'input'],
  [/output/i, 'output'],
];

const typeOf = (text: string | undefined, table: [RegExp, TokenType][]) => (text ? table.find(([re]) => re.test(text))?.[1] : undefined);

/** A day (`2026-11-20`, midnight UTC) or an RFC 3339 time with its offset; anything else names where it was. */
function dayStart(text: string, where: string): number {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t) && hasRealDate(t)) return Date.parse(`${t}T00:00:00Z`);
  try {
    return parseTime(t, where);
  } catch {
    throw usageError(`${where}: expected a date like 2026-11-20 or an RFC 3339 time with its offset, got "${text}"`);
  }
}

type Row = Record<string, string>;

function detect(head: readonly string[]): InvoiceFormat | undefined {
  if (head.includes('amount_value') && (head.includes('start_time') || head.includes('start_time_iso'))) return 'openai';
  if (head.includes('usage_date_utc') && head.includes('cost_usd')) return 'anthropic';
  return undefined;
}

function openaiLine(r: Row, where: string): Omit<InvoiceLine, 'cost' | 'line'> & { amount: string } {
  const start =
    r.start_time !== undefined && /^\d+$/.test(r.start_time)
      ? Number(r.start_time) * 1000
      : dayStart(r.start_time_iso ?? '', `${where}: start_time_iso`);
  const end = r.end_time !== undefined && /^\d+$/.test(r.end_time) ? Number(r.end_time) * 1000 : start + DURATION.DAY;
  const [model = '', type] = (r.line_item ?? '').split(/,\s*/);
  return {
    start,
    end,
    model: model.trim(),
    tokenType: typeOf(type, OPENAI_TYPES),
    currency: r.amount_currency?.toUpperCase() || undefined,
    amount: r.amount_value ?? '',
  };
}

function anthropicLine(r: Row, where: string): Omit<InvoiceLine, 'cost' | 'line'> & { amount: string } {
  const start = dayStart(r.usage_date_utc ?? '', `${where}: usage_date_utc`);
  const tokenCharge = r.cost_type === undefined || r.cost_type === '' || /^tokens?$/i.test(r.cost_type);
  return {
    start,
    end: start + DURATION.DAY,
    model: tokenCharge ? modelIdOf(r.model ?? '') : '',
    tokenType: tokenCharge ? typeOf(r.token_type, ANTHROPIC_TYPES) : undefined,
    currency: 'USD',
    amount: r.cost_usd ?? '',
  };
}

function genericLine(r: Row, where: string, c: InvoiceColumns): Omit<InvoiceLine, 'cost' | 'line'> & { amount: string } {
  const start = dayStart(r[c.date] ?? '', `${where}: ${c.date}`);
  return {
    start,
    end: start + DURATION.DAY,
    model: (r[c.model] ?? '').trim(),
    tokenType: undefined,
    currency: c.currency ? r[c.currency]?.trim().toUpperCase() || undefined : undefined,
    amount: r[c.cost] ?? '',
  };
}

/** Parses a provider's cost export; every problem names the file, the line and the column. */
export function parseInvoice(text: string, path: string, format: InvoiceFormat | 'auto', columns: InvoiceColumns | undefined): Invoice {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (e) {
    throw usageError(`${path}: not a CSV file: ${(e as Error).message}`);
  }
  const head = (records[0] ?? []).map((h) => h.trim());
  const kind = format === 'auto' ? (columns ? 'generic' : detect(head)) : format;
  if (kind === undefined) {
    throw usageError(
      `${path}: not an OpenAI or Anthropic cost export (columns: ${head.join(', ').slice(0, 300)})`,
      'map its columns: --invoice-columns date=COLUMN,model=COLUMN,cost=COLUMN',
    );
  }
  if (kind === 'generic') {
    if (!columns) throw usageError('--invoice-format generic needs --invoice-columns date=COLUMN,model=COLUMN,cost=COLUMN');
    for (const c of [columns.date, columns.model, columns.cost, columns.currency]) {
      if (c !== undefined && !head.includes(c)) throw usageError(`${path}: no column "${c}" (columns: ${head.join(', ').slice(0, 300)})`);
    }
  }
  const lines: InvoiceLine[] = [];
  records.slice(1).forEach((values, i) => {
    const where = `${path}: line ${i + 2}`;
    const row: Row = Object.fromEntries(head.map((h, j) => [h, values[j] ?? '']));
    const l =
      kind === 'openai'
        ? openaiLine(row, where)
        : kind === 'anthropic'
          ? anthropicLine(row, where)
          : genericLine(row, where, columns as InvoiceColumns);
    // OpenAI writes days without charges as rows with no amount: nothing was billed.
    if (l.amount.trim() === '') return;
    const cost = parseAmount(l.amount);
    if (cost === undefined) throw usageError(`${where}: expected an amount like 12.34, got "${l.amount}"`);
    lines.push({ start: l.start, end: l.end, model: l.model, tokenType: l.tokenType, cost, currency: l.currency, line: i + 2 });
  });
  return { format: kind, provider: kind === 'generic' ? undefined : kind, lines };
}
