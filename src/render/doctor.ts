import { CANONICAL_DIMENSIONS } from '../ledger/store.js';
import { terminalCell } from '../text.js';
import type { DoctorResult } from '../sources/prometheus/inspect.js';
import type { LookupFormat } from './formats.js';
import type { Renderer } from './options.js';
import { painter, truncate, wrap, wrapCommand } from './terminal.js';

/** Findings first (with severity), then what the server has, then a command to try; every line fits the width. */
function renderDoctorTable(result: DoctorResult, options: { color: boolean; width: number }): string {
  const paint = painter(options.color);
  const { width } = options;
  const mark = { info: paint('green', 'ok  '), warning: paint('yellow', 'warn'), error: paint('red', 'FAIL') };
  const lines = result.findings.flatMap((f) => {
    const [first = '', ...rest] = wrap(`....  ${terminalCell(f.message)}`, width, { indent: 6 });
    return [`${mark[f.severity]}${first.slice(4)}`, ...rest];
  });
  if (result.labels.length > 0) {
    lines.push('', `${paint('bold', 'Labels for --by / --match')} (distinct values):`);
    const canonical: readonly string[] = CANONICAL_DIMENSIONS;
    const own = result.labels.filter((l) => !canonical.includes(l.name));
    const list = terminalCell(`${canonical.join(', ')}, ${own.map((l) => `${l.name} (${l.values})`).join(', ')}`);
    lines.push(...wrap(`  ${list}`, width, { indent: 2 }));
  }
  if (result.models.length > 0) {
    lines.push('', `${paint('bold', 'Models')} (series → price entry):`);
    for (const m of result.models) {
      const priced = m.pricedAs === undefined || m.pricedAs === null ? undefined : terminalCell(m.pricedAs);
      const tail = ` (${m.series}) → ${priced ?? 'unpriced'}`;
      const name = truncate(`  ${terminalCell(m.name)}`, Math.max(12, width - tail.length));
      const line = truncate(`${name}${tail}`, width);
      lines.push(priced === undefined ? line.replace(/unpriced$/, paint('yellow', 'unpriced')) : line);
    }
  }
  // A command to copy: broken before its flags, never cut.
  if (result.suggestion) lines.push('', paint('bold', 'Try:'), ...wrapCommand(terminalCell(result.suggestion), width));
  return `${lines.join('\n')}\n`;
}

export const DOCTOR_RENDERERS: Record<LookupFormat, Renderer<DoctorResult>> = {
  json: (result) => `${JSON.stringify(result, null, 2)}\n`,
  table: renderDoctorTable,
};
