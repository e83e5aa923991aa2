import { parse } from 'csv-parse/sync';
import { usageError } from '../errors.js';
import type { ExportUnit } from './periods.js';

/**
 * A chargeback file is a ledger keyed by period: exporting a period replaces exactly its rows and
 * leaves every other row byte for byte as it was. This module merges new periods into the text of
 * an existing ledger; it reads and writes nothing itself.
 */

/** How a format lays out the fields the ledger needs. */
export interface LedgerLayout {
  kind: 'csv' | 'jsonl';
  /** The CSV header record as written (with its newline); undefined for JSON lines. */
  header: string | undefined;
  /** Names of the columns (CSV) or keys (JSON) holding the period's bounds, its unit, completeness and export time. */
  fields: { start: string; end: string; unit: string; complete: string; exportedAt: string };
  unit: ExportUnit;
}

/** One record of a ledger, as it is in the file. */
export interface LedgerRecord {
  /** The record's exact text, newline included. */
  raw: string;
  start: string;
  end: string;
  complete: boolean;
  exportedAt: string;
}

/** The new rows of one period, rendered with a given export time (so an unchanged period can keep its old one). */
export interface LedgerBlock {
  start: string;
  end: string;
  render(exportedAt: string): string[];
}

const key = (start: string, end: string) => `${start}\u0000${end}`;

function fieldsOf(get: (name: string) => unknown, layout: LedgerLayout, where: string): Omit<LedgerRecord, 'raw'> {
  const text = (name: string) => {
    const v = get(name);
    if (typeof v !== 'string' && typeof v !== 'boolean')
      throw usageError(`${where}: ${name}: expected a value, got ${JSON.stringify(v) ?? 'nothing'}`);
    return String(v);
  };
  const unit = text(layout.fields.unit);
  if (unit !== layout.unit) {
    throw usageError(`${where}: holds ${unit} periods; this export writes ${layout.unit} periods`, 'keep one ledger file per --period');
  }
  return {
    start: text(layout.fields.start),
    end: text(layout.fields.end),
    complete: text(layout.fields.complete) !== 'false',
    exportedAt: text(layout.fields.exportedAt),
  };
}

function parseCsv(text: string, layout: LedgerLayout, path: string): LedgerRecord[] {
  let parsed: { record: string[]; raw: string }[];
  try {
    parsed = parse(text, { raw: true, relax_column_count: false }) as unknown as { record: string[]; raw: string }[];
  } catch (e) {
    throw usageError(`${path}: not a CSV ledger: ${(e as Error).message}`);
  }
  const head = parsed[0];
  const newline = (raw: string) => (raw.endsWith('\n') ? raw : `${raw}\n`);
  if (!head || newline(head.raw) !== layout.header) {
    const had = head ? head.record.join(', ') : 'nothing';
    throw usageError(
      `${path}: its columns are not the ones this export writes (it has ${had.length > 300 ? `${had.slice(0, 300)}…` : had})`,
      'a different --by, --format or version wrote it: export to another file',
    );
  }
  const names = head.record;
  return parsed.slice(1).map((r, i) => {
    const get = (name: string) => r.record[names.indexOf(name)];
    return { raw: newline(r.raw), ...fieldsOf(get, layout, `${path}: record ${i + 2}`) };
  });
}

function parseJsonl(text: string, layout: LedgerLayout, path: string): LedgerRecord[] {
  const out: LedgerRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw usageError(`${path}: line ${i + 1}: not JSON: ${(e as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw usageError(`${path}: line ${i + 1}: expected an object`);
    const get = (name: string) => (Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined);
    out.push({ raw: `${line}\n`, ...fieldsOf(get, layout, `${path}: line ${i + 1}`) });
  });
  return out;
}

/** The records of an existing ledger (empty text: none); a file of another layout is a usage error naming it. */
export function parseLedger(text: string, layout: LedgerLayout, path: string): LedgerRecord[] {
  if (text.trim() === '') return [];
  return layout.kind === 'csv' ? parseCsv(text, layout, path) : parseJsonl(text, layout, path);
}

/** The end of the newest complete period in the ledger (`--catch-up` starts there), or undefined. */
export function newestComplete(records: readonly LedgerRecord[]): number | undefined {
  let newest: number | undefined;
  for (const r of records) {
    const end = Date.parse(r.end);
    if (r.complete && Number.isFinite(end) && !(end <= (newest ?? Number.NEGATIVE_INFINITY))) newest = end;
  }
  return newest;
}

export interface MergeResult {
  text: string;
  /** Periods whose rows were added or replaced (`start..end`). */
  written: string[];
  /** Periods re-exported with the same rows: left as they were, export time included. */
  unchanged: string[];
  /** Periods that had rows but now read as no usage: their old rows are kept (data gone from the source?). */
  keptEmpty: string[];
}

/**
 * Merges new period blocks into a ledger's records: a period's rows are replaced as a whole; a
 * period whose new rows equal the old ones (export time aside) keeps its old bytes; every other
 * record stays byte for byte. Periods are ordered by start.
 */
export function mergeLedger(
  records: readonly LedgerRecord[],
  layout: LedgerLayout,
  blocks: readonly LedgerBlock[],
  exportedAt: string,
): MergeResult {
  const byPeriod = new Map<string, { start: string; end: string; raws: string[] }>();
  for (const r of records) {
    const k = key(r.start, r.end);
    const entry = byPeriod.get(k) ?? { start: r.start, end: r.end, raws: [] };
    entry.raws.push(r.raw);
    byPeriod.set(k, entry);
  }
  const result: MergeResult = { text: '', written: [], unchanged: [], keptEmpty: [] };
  for (const b of blocks) {
    const k = key(b.start, b.end);
    const old = byPeriod.get(k);
    const name = `${b.start}..${b.end}`;
    const before = old ? records.find((r) => r.start === b.start && r.end === b.end)?.exportedAt : undefined;
    if (old && before !== undefined && b.render(before).join('') === old.raws.join('')) {
      result.unchanged.push(name);
      continue;
    }
    const fresh = b.render(exportedAt);
    if (fresh.length === 0 && old) {
      result.keptEmpty.push(name);
      continue;
    }
    byPeriod.set(k, { start: b.start, end: b.end, raws: fresh });
    result.written.push(name);
  }
  const ordered = [...byPeriod.values()].sort((a, b) => (a.start === b.start ? cmp(a.end, b.end) : cmp(a.start, b.start)));
  result.text = `${layout.header ?? ''}${ordered.map((p) => p.raws.join('')).join('')}`;
  return result;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
