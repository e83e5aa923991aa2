import { Chalk } from 'chalk';
import { CANONICAL_DIMENSIONS } from '../ledger/store.js';
import type { DoctorResult } from '../sources/prometheus/inspect.js';
import type { LookupFormat } from './formats.js';
import type { Renderer } from './options.js';
import { terminalCell } from '../text.js';

/** Findings first (with severity), then what the server has, then a command to try. */
function renderDoctorTable(result: DoctorResult, options: { color: boolean }): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const mark = { info: chalk.green('ok  '), warning: chalk.yellow('warn'), error: chalk.red('FAIL') };
  const lines = result.findings.map((f) => `${mark[f.severity]}  ${terminalCell(f.message)}`);
  if (result.labels.length > 0) {
    lines.push('', chalk.bold('Labels for --by / --match') + ' (distinct values):');
    const canonical: readonly string[] = CANONICAL_DIMENSIONS;
    const own = result.labels.filter((l) => !canonical.includes(l.name));
    lines.push(`  ${canonical.join(', ')}, ${own.map((l) => `${terminalCell(l.name)} (${l.values})`).join(', ')}`);
  }
  if (result.models.length > 0) {
    lines.push('', chalk.bold('Models') + ' (series → price entry):');
    for (const m of result.models)
      lines.push(`  ${terminalCell(m.name)} (${m.series}) → ${m.pricedAs === null ? chalk.yellow('unpriced') : terminalCell(m.pricedAs)}`);
  }
  if (result.suggestion) lines.push('', chalk.bold('Try:'), `  ${result.suggestion}`);
  return `${lines.join('\n')}\n`;
}

export const DOCTOR_RENDERERS: Record<LookupFormat, Renderer<DoctorResult>> = {
  json: (result) => `${JSON.stringify(result, null, 2)}\n`,
  table: renderDoctorTable,
};
