// Prints the GitHub Action's outputs (`name=value` lines) from tokenspend's exit code and JSON.
// Arguments: exit code, command, JSON path, Markdown path.
import { existsSync, readFileSync } from 'node:fs';

const [code, command, json, markdown] = process.argv.slice(2);
const STATUS = { 0: 'ok', 1: 'breached', 2: 'usage-error', 3: 'source-error', 4: 'incomplete' };
const out = {
  status: STATUS[code] ?? 'internal-error',
  'exit-code': code,
  json: existsSync(json) ? json : '',
  markdown,
  spent: '',
  failing: '',
};
if (existsSync(json)) {
  const j = JSON.parse(readFileSync(json, 'utf8'));
  if (command === 'budget check') {
    out.spent = JSON.stringify(Object.fromEntries(j.budgets.map((b) => [b.instance, b.spent])));
    out.failing = j.budgets
      .filter((b) => b.fails)
      .map((b) => b.instance)
      .join(',');
  } else if (command === 'report') out.spent = String(j.totals.totalCost);
  else out.spent = String(Math.round(j.groups.reduce((s, g) => s + g.spent, 0) * 1e6) / 1e6);
}
// A value with a newline would start an output of its own.
for (const [k, v] of Object.entries(out)) process.stdout.write(`${k}=${String(v).replace(/[\r\n]+/g, ' ')}\n`);
