/**
 * The table renderer at 10,000 and 20,000 rows: ours, the cli-table3 table it replaced (same
 * cells, same style), and the JSON renderer of the same report, in one process, one run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import type { CostReport } from '../../src/cost/report.js';
import { reportColumns, tabulate, visibleColumns } from '../../src/render/report/columns.js';
import { renderReportJson } from '../../src/render/report/json.js';
import { renderReportTable } from '../../src/render/report/table.js';
import { formatMoney, formatTokens } from '../../src/render/format.js';
import { loadPriceBook } from '../../src/pricing/load.js';
import { report } from '../helpers/report.js';

/** A snapshot exposition with `rows` teams, each with input and output on one of four models. */
function writeTeams(path: string, rows: number): void {
  const models = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-5', 'gemini-2.5-flash'];
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const team = `team-${String(i).padStart(5, '0')}-${'x'.repeat(i % 17)}`;
    const model = models[i % models.length];
    lines.push(`llm_tokens_in{model="${model}",team="${team}"} ${1000 + ((i * 7919) % 1_000_000)}`);
    lines.push(`llm_tokens_out{model="${model}",team="${team}"} ${100 + ((i * 104729) % 100_000)}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** The renderer this project used before: cli-table3 over the same cells. */
function cliTable3(r: CostReport): string {
  const { rows, totals } = tabulate(r, 2);
  const cols = visibleColumns(r, reportColumns(r)).filter((c) => !(c.kind === 'money' && c.tokenType));
  const text = (kind: string, v: string | number | null) =>
    v === null
      ? 'unpriced'
      : kind === 'tokens'
        ? formatTokens(v as number)
        : kind === 'money'
          ? formatMoney(v as string, r.currency)
          : String(v);
  const table = new Table({
    head: cols.map((c) => c.header),
    colAligns: cols.map((c) => (c.kind === 'tokens' || c.kind === 'money' ? 'right' : 'left')),
    style: { head: [], border: [], compact: true },
  });
  for (const row of rows) table.push(cols.map((c) => text(c.kind, row[c.key] ?? null)));
  table.push(cols.map((c, i) => (i === 0 ? 'Total' : c.kind === 'dimension' ? '' : text(c.kind, totals[c.key] ?? null))));
  return `${table.toString()}\n`;
}

function time(f: () => string, rounds = 3): { ms: number; chars: number } {
  let best = Number.POSITIVE_INFINITY;
  let chars = 0;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    chars = f().length;
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, chars };
}

/** Rows for BENCHMARKS.md. */
export async function tableBench(work: string, row: (what: string, value: string, baseline: string, ratio: string) => void): Promise<void> {
  for (const n of [10_000, 20_000]) {
    const path = join(work, `teams-${n}.prom`);
    writeTeams(path, n);
    // The bundled list by its path: dist-test has no compiled copy beside the modules.
    const book = await loadPriceBook([join(process.cwd(), 'pricing', 'default.yaml')], { noDefault: true });
    const r = await report({ files: [path], by: ['team', 'model'] }, book);
    const options = { color: false, width: 120 };
    const ours = time(() => renderReportTable(r, options));
    const json = time(() => [...renderReportJson(r, options)].join(''));
    // Quadratic: 40 s at 20,000 rows, so once.
    const old = time(() => cliTable3(r), 1);
    row(
      `report table renderer, ${n.toLocaleString('en-US')} rows (best of 3; cli-table3 once)`,
      `${ours.ms.toFixed(0)} ms`,
      `cli-table3 (before): ${old.ms.toFixed(0)} ms; JSON renderer: ${json.ms.toFixed(0)} ms`,
      `${(old.ms / ours.ms).toFixed(1)}× faster; ${(ours.ms / json.ms).toFixed(2)}× JSON`,
    );
  }
}
