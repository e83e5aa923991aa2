import { Chalk } from 'chalk';
import type { DoctorResult } from '../sources/prometheus/inspect.js';

/** Findings first (with severity), then what the server has, then a command to try. */
export function renderDoctor(result: DoctorResult, format: 'table' | 'json', color: boolean): string {
  if (format === 'json') return `${JSON.stringify(result, null, 2)}\n`;
  const chalk = new Chalk({ level: color ? 1 : 0 });
  const mark = { info: chalk.green('ok  '), warning: chalk.yellow('warn'), error: chalk.red('FAIL') };
  const lines = result.findings.map((f) => `${mark[f.severity]}  ${f.message}`);
  if (result.labels.length > 0) {
    lines.push('', chalk.bold('Labels for --by / --match') + ' (distinct values):');
    const canonical = ['model', 'provider', 'operation', 'gateway', 'dialect'];
    const own = result.labels.filter((l) => !canonical.includes(l.name));
    lines.push(`  ${canonical.join(', ')}, ${own.map((l) => `${l.name} (${l.values})`).join(', ')}`);
  }
  if (result.models.length > 0) {
    lines.push('', chalk.bold('Models') + ' (series → price entry):');
    for (const m of result.models) lines.push(`  ${m.name} (${m.series}) → ${m.pricedAs ?? chalk.yellow('unpriced')}`);
  }
  if (result.suggestion) lines.push('', chalk.bold('Try:'), `  ${result.suggestion}`);
  return `${lines.join('\n')}\n`;
}
