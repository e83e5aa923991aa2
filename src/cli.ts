import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { CommandContext } from './commands/context.js';
import type { ReportFlags } from './config/resolve.js';
import { ExitCode, TokenspendError } from './errors.js';

// The only module that reads argv and the environment and sets the exit code. Everything but
// commander is imported when a command runs, so `--help` and `--version` start fast.

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** An internal error (a bug): distinct from every documented code. */
const EXIT_INTERNAL = 70;

const EXIT_CODES = `
Exit codes:
  0  success (warnings go to stderr)
  1  a budget is breached
  2  usage or configuration error: bad flags, invalid pricing or config file
  3  data source failure: unreachable, timeout, HTTP error, malformed data
  4  incomplete data: no matching series, no samples in the window,
     unpriced usage or a partial response under --strict; for budgets:
     a scope with no data, unpriced usage in scope, too little history
 70  internal error (a bug: please report it with the stack trace)`;

const ENVIRONMENT = `
Environment:
  TOKENSPEND_PROMETHEUS_URL      default for --prometheus (when no --file or --scrape)
  TOKENSPEND_BEARER_TOKEN        bearer token for --prometheus and --scrape (or --bearer-token-file)
  TOKENSPEND_BASIC_AUTH_PASSWORD password for --basic-auth-user
  NO_COLOR, FORCE_COLOR    colour control; COLUMNS sets the table width`;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function context(): CommandContext {
  const env = process.env;
  const tty = process.stdout.isTTY === true;
  const force = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const columns = Number(env.COLUMNS);
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdin: process.stdin,
    clock: Date.now,
    color: force || (tty && !noColor),
    tty,
    width: Number.isInteger(columns) && columns > 20 ? columns : (process.stdout.columns ?? 120),
  };
}

function connectionEnv() {
  return {
    bearerToken: process.env.TOKENSPEND_BEARER_TOKEN,
    prometheusUrl: process.env.TOKENSPEND_PROMETHEUS_URL,
    basicAuthPassword: process.env.TOKENSPEND_BASIC_AUTH_PASSWORD,
    log: (line: string) => process.stderr.write(`tokenspend: ${line}\n`),
  };
}

async function run(command: Promise<number>): Promise<void> {
  process.exitCode = await command;
}

function pricingOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--pricing <file>', 'pricing file layered over the bundled list (repeatable; later wins per model)')
        .default([])
        .argParser(collect),
    )
    .option('--no-default-pricing', 'do not load the bundled price list');
}

/** Where the data comes from and how to reach it: shared by report, budget, forecast. */
function sourceOptions(cmd: Command, scrapeInterval = true): Command {
  const c = pricingOptions(cmd)
    .option('--prometheus <url>', 'Prometheus-compatible API (Prometheus, Thanos, Mimir, VictoriaMetrics), with any path prefix')
    .addOption(
      new Option('--file <[name=]path>', 'Prometheus text or OpenMetrics file, - for stdin (repeatable); NAME becomes the gateway')
        .default([])
        .argParser(collect),
    )
    .addOption(
      new Option('--scrape <[name=]url>', 'a /metrics endpoint to read (repeatable, read concurrently)').default([]).argParser(collect),
    );
  if (scrapeInterval) c.option('--interval <duration>', 'with --scrape: scrape twice this far apart and report the usage between');
  return c
    .option(
      '--dialect <id>',
      'read only this dialect: agentgateway, envoy-ai-gateway, otel-semconv, otel-counters, llm-tokens, litellm, vllm, kong, custom',
    )
    .option('--config <file>', 'config file (YAML or JSON): pricing, timezone, dialect settings, custom metric mappings')
    .option(
      '--lookback <duration>',
      "how far before the window a sample still counts as a series' baseline (default: all data; 7d on a server)",
    )
    .option('--count-samples', '--prometheus: also count samples per slice for coverage and gaps (the server reads the data twice)')
    .option('--timeout <duration>', 'per-request timeout for --scrape and --prometheus', '30s')
    .option('--retries <n>', '--prometheus: retries for connection errors, 429 and 502/503/504 (with backoff)', '3')
    .addOption(new Option('--header <header>', "extra HTTP header, 'Name: value' (repeatable)").default([]).argParser(collect))
    .option('--bearer-token-file <file>', 'file holding a bearer token for --scrape and --prometheus')
    .option(
      '--basic-auth-user <user>',
      '--prometheus: basic auth user (password from TOKENSPEND_BASIC_AUTH_PASSWORD or --basic-auth-password-file)',
    )
    .option('--basic-auth-password-file <file>', 'file holding the basic auth password')
    .option('--ca-file <file>', 'CA certificate(s) to trust for https')
    .option('--insecure-skip-verify', 'do not verify the server certificate (prints a warning)')
    .option('--verbose', 'log every request to the server on stderr (credentials are never shown)');
}

function warnInsecure(flags: { insecureSkipVerify?: boolean }): void {
  if (flags.insecureSkipVerify)
    process.stderr.write('tokenspend: warning: --insecure-skip-verify: the server certificate is NOT verified\n');
}

/** `--format table|json|csv|markdown` and `--output FILE`. */
function outputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv', 'markdown']).default('table'))
    .option('--output <file>', 'write to this file (atomically) instead of stdout');
}

/** Budget and forecast flags that shape the forecast. */
function forecastOptions(cmd: Command): Command {
  return cmd
    .option('--history <duration>', 'days of daily spend the forecast learns from', '56d')
    .addOption(new Option('--method <method>', 'forecast method').choices(['auto', 'seasonal', 'holt-winters', 'run-rate']).default('auto'))
    .option('--interval <percent>', 'prediction interval level, in percent', '80')
    .option('--force', 'forecast even with less history than the method needs');
}

const program = new Command('tokenspend')
  .description('Turn LLM token counters into exact cost reports, forecasts and budget gates.')
  .version(VERSION, '-V, --version')
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText('after', `${EXIT_CODES}\n${ENVIRONMENT}`)
  .exitOverride()
  .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });

outputOptions(
  sourceOptions(
    program
      .command('report')
      .description('cost per group (model, feature, team, gateway, any label) over a window')
      .option('--by <dimensions>', 'group by: model, provider, operation, gateway, dialect or any label (comma-separated)')
      .addOption(
        new Option('--match <selector>', 'keep series where label=value, label!=value, label=~regex or label!~regex (repeatable)')
          .default([])
          .argParser(collect),
      )
      .option('--top <n>', 'keep the N dearest groups; fold the rest into "(other)"')
      .option(
        '--window <window>',
        '24h, 7d, today, yesterday, week, lastweek, month, lastmonth, quarter, all (default: all; 7d on a server)',
      )
      .option('--since <time>', 'window start, RFC 3339 (exclusive)')
      .option('--until <time>', 'window end, RFC 3339 (inclusive)')
      .option('--step <step>', 'one row per 1h, 1d, 1w, 1mo (calendar-aligned in --timezone) or any duration')
      .option('--timezone <zone>', 'IANA zone for calendar windows and steps (default UTC)')
      .option('--now <time>', 'anchor for relative windows (default: the last sample of timestamped data, else the clock)')
      .option('--decimals <n>', 'digits of money (default: 2 in table and markdown, 6 in json and csv)')
      .option('--strict', 'exit 4 when any usage is unpriced or a server answered partially', false),
  ),
)
  .addHelpText(
    'after',
    `
Examples:
  tokenspend report --prometheus http://127.0.0.1:9090 --window lastweek --step 1d --by team,model
  tokenspend report --file fixtures/demo/history.om.gz --window 7d --by gateway,model
  tokenspend report --file gw1=./gw1.prom --file gw2=./gw2.prom --by gateway,model
  tokenspend report --scrape http://127.0.0.1:15020/metrics --by model --format json
  tokenspend report --file history.om --window 7d --step 1d --by model,feature --format csv --output week.csv
${EXIT_CODES}`,
  )
  .action(async (flags: ReportFlags) => {
    const [{ resolveReportOptions }, { reportCommand }] = await Promise.all([
      import('./config/resolve.js'),
      import('./commands/report.js'),
    ]);
    const options = await resolveReportOptions(flags, connectionEnv());
    warnInsecure(flags);
    await run(reportCommand(options, context()));
  });

const budget = program.command('budget').description('budgets and the CI gate');

outputOptions(
  forecastOptions(
    sourceOptions(
      budget
        .command('check')
        .description('every budget for its current period; exit 1 when one is breached')
        .requiredOption('--budgets <file>', 'budgets file (YAML or JSON)')
        .option('--at <time>', 'check as of this time (default: now; for files, the last sample)')
        .addOption(new Option('--fail-on <what>', 'also fail on a forecast breach or a warning').choices(['breach', 'forecast', 'warn']))
        .option('--timezone <zone>', "IANA zone for calendar periods (default: the budgets file's, else UTC)"),
      false,
    ),
  ),
)
  .addHelpText(
    'after',
    `
Examples:
  tokenspend budget check --budgets budgets.yaml --prometheus http://127.0.0.1:9090
  tokenspend budget check --budgets budgets.yaml --fail-on forecast --format markdown >> "$GITHUB_STEP_SUMMARY"
${EXIT_CODES}`,
  )
  .action(async (flags: ReportFlags & BudgetFlags) => {
    const [{ resolveReportOptions, resolveForecastFlags }, { budgetCheckCommand }] = await Promise.all([
      import('./config/resolve.js'),
      import('./commands/budget.js'),
    ]);
    const options = await resolveReportOptions({ ...flags, match: [], strict: false, interval: undefined }, connectionEnv());
    const f = resolveForecastFlags(flags);
    warnInsecure(flags);
    await run(
      budgetCheckCommand(
        {
          budgetsFile: flags.budgets,
          input: { ...options.input, now: flags.at === undefined ? undefined : f.parseAt(flags.at) },
          output: options.output,
          pricingFiles: options.pricingFiles,
          noDefaultPricing: options.noDefaultPricing,
          failOn: flags.failOn,
          historyDays: f.historyDays,
          method: f.method,
          level: f.level,
          force: f.force,
          timezone: flags.timezone,
        },
        context(),
      ),
    );
  });

outputOptions(
  forecastOptions(
    sourceOptions(
      program
        .command('forecast')
        .description('period-end spend per group, with a prediction interval and the day a budget runs out')
        .addOption(
          new Option('--period <period>', 'the period to forecast to the end of')
            .choices(['week', 'month', 'quarter', 'year'])
            .default('month'),
        )
        .option('--by <dimensions>', 'group by: model, provider, gateway or any label (comma-separated)')
        .addOption(new Option('--match <selector>', 'keep series where label=value, … (repeatable)').default([]).argParser(collect))
        .option('--budget <amount>', 'a limit to forecast the exhaustion date against')
        .option('--backtest', 'measure the forecast on this data instead: MASE, error of the period total, interval coverage')
        .option('--at <time>', 'forecast as of this time (default: now; for files, the last sample)')
        .option('--timezone <zone>', 'IANA zone for days and periods (default UTC)')
        .option('--no-chart', 'no chart under the table (there is none unless stdout is a terminal)'),
      false,
    ),
  ),
)
  .addHelpText(
    'after',
    `
Examples:
  tokenspend forecast --period month --by team --prometheus http://127.0.0.1:9090
  tokenspend forecast --period month --backtest --file fixtures/demo/history.om.gz
  tokenspend forecast --period month --budget 500 --match team=search
${EXIT_CODES}`,
  )
  .action(async (flags: ReportFlags & ForecastFlags) => {
    const [{ resolveReportOptions, resolveForecastFlags }, { forecastCommand }] = await Promise.all([
      import('./config/resolve.js'),
      import('./commands/forecast.js'),
    ]);
    const options = await resolveReportOptions({ ...flags, strict: false, interval: undefined }, connectionEnv());
    const f = resolveForecastFlags(flags);
    warnInsecure(flags);
    const ctx = context();
    await run(
      forecastCommand(
        {
          input: { ...options.input, now: flags.at === undefined ? undefined : f.parseAt(flags.at) },
          output: options.output,
          pricingFiles: options.pricingFiles,
          noDefaultPricing: options.noDefaultPricing,
          period: flags.period,
          budget: flags.budget,
          backtest: flags.backtest === true,
          chart: flags.chart !== false,
          historyDays: f.historyDays,
          method: f.method,
          level: f.level,
          force: f.force,
        },
        { ...ctx, color: ctx.color && options.output.output === undefined },
      ),
    );
  });

interface BudgetFlags {
  budgets: string;
  at?: string;
  failOn?: 'breach' | 'forecast' | 'warn';
  history: string;
  method: string;
  interval: string;
  force?: boolean;
}

interface ForecastFlags {
  period: 'week' | 'month' | 'quarter' | 'year';
  budget?: string;
  backtest?: boolean;
  at?: string;
  chart?: boolean;
  history: string;
  method: string;
  interval: string;
  force?: boolean;
}

sourceOptions(
  program
    .command('doctor')
    .description('check a Prometheus-compatible server: connectivity, dialects, labels, models and prices, cardinality, retention')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table')),
)
  .addHelpText('after', `\nExample:\n  tokenspend doctor --prometheus http://127.0.0.1:9090\n${EXIT_CODES}`)
  .action(async (flags: ReportFlags & { format: 'table' | 'json' }) => {
    const [{ resolveReportOptions }, { doctorCommand }] = await Promise.all([
      import('./config/resolve.js'),
      import('./commands/doctor.js'),
    ]);
    const options = await resolveReportOptions(
      { ...flags, lookback: flags.lookback ?? '7d', match: [], format: 'table', strict: false },
      connectionEnv(),
    );
    warnInsecure(flags);
    await run(
      doctorCommand(
        { input: options.input, pricingFiles: options.pricingFiles, noDefaultPricing: options.noDefaultPricing, format: flags.format },
        context(),
      ),
    );
  });

const pricing = program.command('pricing').description('list, show and validate prices');

pricingOptions(pricing.command('list').description('every priced model with the rates in force now'))
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
  .action(async (flags: { pricing: string[]; defaultPricing: boolean; format: 'table' | 'json' }) => {
    const { pricingList } = await import('./commands/pricing.js');
    await run(pricingList({ pricingFiles: flags.pricing, noDefaultPricing: !flags.defaultPricing, format: flags.format }, context()));
  });

pricingOptions(
  pricing
    .command('show')
    .argument('<model>', 'a model id, alias or name matched by a pattern')
    .description('the dated rates that price a model name'),
)
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
  .action(async (model: string, flags: { pricing: string[]; defaultPricing: boolean; format: 'table' | 'json' }) => {
    const { pricingShow } = await import('./commands/pricing.js');
    await run(
      pricingShow(model, { pricingFiles: flags.pricing, noDefaultPricing: !flags.defaultPricing, format: flags.format }, context()),
    );
  });

pricing
  .command('validate')
  .argument('<files...>', 'pricing files (YAML or JSON)')
  .description('check pricing files: exit 0 when valid, 2 with one line per problem')
  .action(async (files: string[]) => {
    const { pricingValidate } = await import('./commands/pricing.js');
    await run(pricingValidate(files, context()));
  });

// commander's own errors exit with its codes; route them all through ours.
for (const cmd of [program, ...program.commands, ...pricing.commands, ...budget.commands]) {
  cmd.exitOverride().configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
}

// `tokenspend report | head`: the reader left; there is nobody to tell, so stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else if (e instanceof TokenspendError) {
    process.stderr.write(`tokenspend: ${e.message}\n`);
    if (e.hint) process.stderr.write(`  hint: ${e.hint}\n`);
    process.exitCode = e.exitCode;
  } else {
    process.stderr.write(`tokenspend: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = EXIT_INTERNAL;
  }
}
