import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataOptions } from '../config/data.js';
import type { OutputOptions } from '../config/resolve.js';
import { ExitCode } from '../errors.js';
import { dataExitCodes, reachableExample } from '../help.js';
import { type OptionSpec, outputOptions } from '../options.js';
import { type Format, FORMATS } from '../render/formats.js';
import { defineCommand } from './command.js';
import { emit, printFindings, renderOptionsFor } from './context.js';
import { loadBook, readReport } from './read.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HISTORY = 'fixtures/demo/history.om.gz';

/** What to try next on the same data; paths as the package knows them, made reachable by `reachableExample`. */
const NEXT = [
  `tokenspend forecast --file ${HISTORY} --budget 2500`,
  `tokenspend budget check --budgets docs/examples/budgets.yaml --file ${HISTORY}`,
  `tokenspend report --file ${HISTORY} --window 7d --step 1d --by model,feature --format csv --output demo.csv`,
];

interface DemoOptions {
  data: DataOptions;
  output: OutputOptions<Format>;
  next: string[];
}

const options: OptionSpec[] = [...outputOptions(FORMATS)];

/** `tokenspend demo`: the bundled history as a report by gateway and model, and what to try next. */
export const demo = defineCommand<{ format?: string; output?: string }, DemoOptions>({
  name: 'demo',
  options,
  examples: ['tokenspend demo', 'tokenspend demo --format html --output demo.html', ...NEXT],
  exitCodes: dataExitCodes('incomplete data (the bundled history is missing from the package)'),
  async resolve(flags, env) {
    const [d, r] = await Promise.all([import('../config/data.js'), import('../config/resolve.js')]);
    // The bundled history and prices only: no config file, no server from the environment.
    const data = await d.resolveData({ file: [join(ROOT, HISTORY)], config: false }, env);
    return {
      data,
      output: r.resolveOutput(flags, FORMATS),
      next: NEXT.map((c) => reachableExample(c, ROOT, env.cwd)),
    };
  },
  async run(o, ctx) {
    const [{ REPORT_RENDERERS }, { parseWindow }, { wrapCommand }] = await Promise.all([
      import('../render/report/index.js'),
      import('../ledger/periods.js'),
      import('../render/terminal.js'),
    ]);
    const request = {
      grouping: { by: ['gateway', 'model'], matchers: [] },
      plan: { kind: 'window' as const, window: parseWindow({ window: '7d' }), step: undefined },
      timezone: 'UTC',
      now: undefined,
    };
    const result = await readReport(o.data, request, await loadBook(o.data), ctx);
    const { format, output } = o.output;
    await emit(ctx, output, REPORT_RENDERERS[format](result, renderOptionsFor(ctx, output)));
    if (format === 'table' && output === undefined) {
      const lines = ['', 'Next, on the same data (also in tokenspend demo --help):'];
      for (const c of o.next) lines.push(...wrapCommand(c, ctx.width));
      ctx.stdout(`${lines.join('\n')}\n`);
    }
    printFindings(ctx, result.findings, false);
    return ExitCode.ok;
  },
});
