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
     unpriced usage under --strict
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
    width: Number.isInteger(columns) && columns > 20 ? columns : (process.stdout.columns ?? 120),
  };
}

function connectionEnv() {
  return {
    bearerToken: process.env.TOKENSPEND_BEARER_TOKEN,
    prometheusUrl: process.env.TOKENSPEND_PROMETHEUS_URL,
    basicAuthPassword: process.env.TOKENSPEND_BASIC_AUTH_PASSWORD,
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

const program = new Command('tokenspend')
  .description('Turn LLM token counters into exact cost reports.')
  .version(VERSION, '-V, --version')
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText('after', `${EXIT_CODES}\n${ENVIRONMENT}`)
  .exitOverride()
  .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });

pricingOptions(
  program
    .command('report')
    .description('cost per group (model, feature, team, gateway, any label) over a window')
    .option('--prometheus <url>', 'Prometheus-compatible API (Prometheus, Thanos, Mimir, VictoriaMetrics), with any path prefix')
    .addOption(
      new Option('--file <[name=]path>', 'Prometheus text or OpenMetrics file, - for stdin (repeatable); NAME becomes the gateway')
        .default([])
        .argParser(collect),
    )
    .addOption(
      new Option('--scrape <[name=]url>', 'a /metrics endpoint to read (repeatable, read concurrently)').default([]).argParser(collect),
    )
    .option('--interval <duration>', 'with --scrape: scrape twice this far apart and report the usage between')
    .option('--by <dimensions>', 'group by: model, provider, operation, gateway, dialect or any label (comma-separated)')
    .addOption(
      new Option('--match <selector>', 'keep series where label=value, label!=value, label=~regex or label!~regex (repeatable)')
        .default([])
        .argParser(collect),
    )
    .option('--top <n>', 'keep the N dearest groups; fold the rest into "(other)"')
    .option('--window <window>', '24h, 7d, today, yesterday, week, lastweek, month, lastmonth, quarter, all (default: all)')
    .option('--since <time>', 'window start, RFC 3339 (exclusive)')
    .option('--until <time>', 'window end, RFC 3339 (inclusive)')
    .option('--step <step>', 'one row per 1h, 1d, 1w, 1mo (calendar-aligned in --timezone) or any duration')
    .option('--timezone <zone>', 'IANA zone for calendar windows and steps', undefined)
    .option('--now <time>', 'anchor for relative windows (default: the last sample of timestamped data, else the clock)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv', 'markdown']).default('table'))
    .option('--output <file>', 'write to this file (atomically) instead of stdout')
    .option('--decimals <n>', 'digits of money (default: 2 in table and markdown, 6 in json and csv)')
    .option(
      '--dialect <id>',
      'read only this dialect: agentgateway, envoy-ai-gateway, otel-semconv, otel-counters, llm-tokens, litellm, vllm, kong, custom',
    )
    .option('--config <file>', 'config file (YAML or JSON): pricing, timezone, dialect settings, custom metric mappings')
    .option('--strict', 'exit 4 when any usage is unpriced', false)
    .option(
      '--lookback <duration>',
      "how far before the window a sample still counts as a series' baseline (default: all data; 7d on a server)",
    )
    .option('--count-samples', '--prometheus: also count samples per slice for coverage and gaps (the server reads the data twice)')
    .option('--timeout <duration>', 'per-request timeout for --scrape and --prometheus', '30s')
    .option('--retries <n>', '--prometheus: retries for connection errors, 429 and 502/503/504 (with backoff)', '3')
    .option(
      '--basic-auth-user <user>',
      '--prometheus: basic auth user (password from TOKENSPEND_BASIC_AUTH_PASSWORD or --basic-auth-password-file)',
    )
    .option('--basic-auth-password-file <file>', 'file holding the basic auth password')
    .option('--ca-file <file>', 'CA certificate(s) to trust for https')
    .option('--insecure-skip-verify', 'do not verify the server certificate (prints a warning)')
    .addOption(new Option('--header <header>', "extra HTTP header for --scrape, 'Name: value' (repeatable)").default([]).argParser(collect))
    .option('--bearer-token-file <file>', 'file holding a bearer token for --scrape and --prometheus'),
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
    if (flags.insecureSkipVerify)
      process.stderr.write('tokenspend: warning: --insecure-skip-verify: the server certificate is NOT verified\n');
    await run(reportCommand(options, context()));
  });

pricingOptions(
  program
    .command('doctor')
    .description('check a Prometheus-compatible server: connectivity, dialects, labels, models and prices, cardinality, retention')
    .option('--prometheus <url>', 'Prometheus-compatible API (default: TOKENSPEND_PROMETHEUS_URL)')
    .option('--lookback <duration>', 'how far back to look for token series', '7d')
    .option('--dialect <id>', 'read only this dialect')
    .option('--config <file>', 'config file (custom metric mappings, dialect settings)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--timeout <duration>', 'per-request timeout', '30s')
    .option('--retries <n>', 'retries for connection errors, 429 and 502/503/504', '3')
    .addOption(new Option('--header <header>', "extra HTTP header, 'Name: value' (repeatable)").default([]).argParser(collect))
    .option('--bearer-token-file <file>', 'file holding a bearer token')
    .option('--basic-auth-user <user>', 'basic auth user (password from TOKENSPEND_BASIC_AUTH_PASSWORD or --basic-auth-password-file)')
    .option('--basic-auth-password-file <file>', 'file holding the basic auth password')
    .option('--ca-file <file>', 'CA certificate(s) to trust for https')
    .option('--insecure-skip-verify', 'do not verify the server certificate (prints a warning)'),
)
  .addHelpText('after', `\nExample:\n  tokenspend doctor --prometheus http://127.0.0.1:9090\n${EXIT_CODES}`)
  .action(async (flags: ReportFlags & { format: 'table' | 'json' }) => {
    const [{ resolveReportOptions }, { doctorCommand }] = await Promise.all([
      import('./config/resolve.js'),
      import('./commands/doctor.js'),
    ]);
    const options = await resolveReportOptions(
      { ...flags, file: [], scrape: [], match: [], format: 'table', strict: false },
      connectionEnv(),
    );
    if (flags.insecureSkipVerify)
      process.stderr.write('tokenspend: warning: --insecure-skip-verify: the server certificate is NOT verified\n');
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
for (const cmd of [program, ...program.commands, ...pricing.commands]) {
  cmd.exitOverride().configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
}

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
