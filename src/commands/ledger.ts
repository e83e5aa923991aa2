import { readFile } from 'node:fs/promises';
import type { ExportResult } from '../chargeback/build.js';
import type { LedgerLayout } from '../chargeback/ledger.js';
import type { ExportOptions } from '../config/export.js';
import { usageError } from '../errors.js';
import type { Finding } from '../findings.js';
import type { ExportView, RenderedLedger } from '../render/export/view.js';
import type { CommandContext } from './context.js';
import { loadBook, readUsage } from './read.js';

// The export's I/O: the ledger file (read, merged under its lock, written atomically) and the data.

/** The text of the ledger at `path`, or '' when there is none yet. */
export async function ledgerText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return '';
    throw usageError(`--output ${path}: cannot read the ledger: ${code ?? (e as Error).message}`);
  }
}

/**
 * Where `--catch-up` starts: the end of the newest complete period the ledger holds (undefined
 * for other runs, or a ledger with none). A file of another layout is a usage error, before any data is read.
 */
export async function catchUpStart(o: ExportOptions, layout: LedgerLayout, ctx: CommandContext): Promise<number | undefined> {
  if (o.output === undefined) return undefined;
  const { parseLedger, newestComplete } = await import('../chargeback/ledger.js');
  const since = newestComplete(parseLedger(await ledgerText(o.output), layout, o.output));
  if (since === undefined && o.schedule.choice.kind === 'catch-up') {
    ctx.stderr(`tokenspend: ${o.output} holds no complete period yet: --catch-up exports the last complete ${o.schedule.unit}\n`);
  }
  return since;
}

/** Reads the history the chosen periods need and builds their rows (FOCUS rows also group by gateway). */
export async function readExport(
  o: ExportOptions,
  since: number | undefined,
  ctx: CommandContext,
): Promise<{ result: ExportResult; findings: Finding[] }> {
  const [{ buildExport }, { exportPlan }] = await Promise.all([import('../chargeback/build.js'), import('../chargeback/periods.js')]);
  const schedule = o.schedule.choice.kind === 'catch-up' ? { ...o.schedule, choice: { kind: 'catch-up' as const, since } } : o.schedule;
  const book = await loadBook(o.data);
  const focus = o.format === 'focus';
  // FOCUS rows name the gateway (ResourceId), and long-context surcharges are per model: group by both too.
  const by = focus ? [...o.grouping.by, ...['gateway', 'model'].filter((d) => !o.grouping.by.includes(d))] : o.grouping.by;
  const plan = exportPlan(schedule, o.at ?? ctx.clock());
  const request = { grouping: { ...o.grouping, by }, plan, timezone: schedule.zone, now: o.at, dialects: o.data.dialects };
  const read = await readUsage(o.data, request, book, ctx);
  const result = buildExport({
    ...read,
    books: { contracted: book, list: book.listPrices() },
    schedule,
    by: o.grouping.by,
    format: focus ? 'focus' : 'ledger',
    decimals: o.decimals,
  });
  // Staleness is judged per period and unpriced usage is summed over the periods written: the export says both itself.
  const findings = read.report.findings.filter((f) => f.code !== 'STALE_DATA' && f.code !== 'UNPRICED_USAGE');
  return { result, findings };
}

/** What the renderers get: the periods written and their rows. */
export function exportView(o: ExportOptions, r: ExportResult): ExportView {
  return {
    unit: o.schedule.unit,
    zone: o.schedule.zone,
    by: o.grouping.by,
    provenance: r.provenance,
    periods: r.periods,
    rows: r.rows,
    ...(o.billing ? { focus: { rows: r.focus, billing: o.billing } } : {}),
  };
}

export interface LedgerWrite {
  written: string[];
  unchanged: string[];
  keptEmpty: string[];
}

/**
 * Merges the rendered periods into the ledger at `path` under its lock file: read, merge, write
 * atomically (temp file and rename, permissions kept), and only when something changed.
 */
export async function writeLedger(
  path: string,
  rendered: RenderedLedger,
  exportedAt: string,
  waitMs: number,
  ctx: CommandContext,
): Promise<LedgerWrite> {
  const [{ withLock }, { parseLedger, mergeLedger }, { writeAtomic }] = await Promise.all([
    import('../files/lock.js'),
    import('../chargeback/ledger.js'),
    import('../files/write.js'),
  ]);
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  return withLock(path, { waitMs, clock: ctx.clock, sleep, pid: ctx.pid, alive: ctx.alive }, async () => {
    const before = await ledgerText(path);
    const merged = mergeLedger(parseLedger(before, rendered.layout, path), rendered.layout, rendered.blocks, exportedAt);
    if (merged.text !== before) await writeAtomic(path, merged.text);
    return merged;
  });
}

/** The header and every period's rows, for `--output -`: no ledger, no lock. */
export function ledgerStream(rendered: RenderedLedger, exportedAt: string): string {
  return `${rendered.layout.header ?? ''}${rendered.blocks.flatMap((b) => b.render(exportedAt)).join('')}`;
}
