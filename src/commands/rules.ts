import type { DataFlags, DataOptions } from '../config/data.js';
import { ExitCode, usageError } from '../errors.js';
import { DATA_OPTIONS, formatOption, type OptionSpec } from '../options.js';
import { RULE_FORMATS, type RuleFormat } from '../render/formats.js';
import type { ResourceOptions } from '../render/rules/index.js';
import type { TestRequest } from '../rules/tests.js';
import { defineCommand } from './command.js';
import { emit, printFindings } from './context.js';
import { loadBook } from './read.js';

type RulesFlags = DataFlags & {
  by?: string[];
  budgets?: string;
  timezone?: string;
  model?: string[];
  at?: string;
  format?: string;
  output?: string;
  withTests?: boolean;
  name?: string;
  namespace?: string;
  label?: string[];
  partialResponseStrategy?: 'abort' | 'warn';
  evaluationInterval?: string;
};

interface RulesOptions {
  data: DataOptions;
  hasSource: boolean;
  levels: string[][];
  budgetsFile: string | undefined;
  timezone: string | undefined;
  models: string[];
  at: number | undefined;
  format: RuleFormat;
  output: string | undefined;
  withTests: boolean;
  resource: ResourceOptions;
  partialResponse: 'abort' | 'warn' | undefined;
  interval: string | undefined;
}

const options: OptionSpec[] = [
  {
    flags: '--by <labels>',
    description: 'also record cost per these labels: team,model → team_model:tokenspend_cost_usd:increase1h (repeatable)',
    repeatable: true,
  },
  {
    flags: '--budgets <file>',
    description: 'budgets file: an alert per budget, and burn-rate alerts',
    defaultText: "the config file's budgets",
  },
  { flags: '--timezone <zone>', description: "IANA zone for calendar periods (default: the budgets file's, else UTC)" },
  { flags: '--model <name>', description: 'with --dialect and no source: a model to price (repeatable)', repeatable: true },
  { flags: '--at <time>', description: 'embed the prices in force at this time (default: now)' },
  { ...formatOption(RULE_FORMATS), defaultText: 'prometheus' },
  { flags: '--output <file>', description: 'write the rules to this file (atomically) instead of stdout' },
  { flags: '--with-tests', description: 'with --output rules.yaml: also write rules.test.yaml for promtool test rules' },
  { flags: '--name <name>', description: 'prometheus-operator: the resource name', defaultText: 'tokenspend' },
  { flags: '--namespace <namespace>', description: "prometheus-operator: the resource namespace (default: kubectl's)" },
  {
    flags: '--label <key=value>',
    description: 'prometheus-operator: a resource label, for the Prometheus ruleSelector (repeatable)',
    repeatable: true,
    defaultText: 'release=kube-prometheus-stack',
  },
  {
    flags: '--partial-response-strategy <s>',
    description: 'Thanos Ruler: abort or warn when a store answers partially',
    choices: ['abort', 'warn'],
  },
  {
    flags: '--evaluation-interval <duration>',
    description: "rule groups' evaluation interval (under 5m)",
    defaultText: "the server's global one",
  },
  ...DATA_OPTIONS.map((o) =>
    o.flags.startsWith('--lookback') ? { ...o, description: 'how far back to look for token series on a server', defaultText: '7d' } : o,
  ),
];

/** Alerts read the hourly cost through the default 5-minute look-back, so groups must evaluate more often than that. */
function interval(ms: number, duration: (ms: number) => string): string {
  if (ms >= 5 * 60_000)
    throw usageError('--evaluation-interval: expected less than 5m (alerts read the recorded hourly cost within a 5-minute look-back)');
  return duration(ms);
}

function parseLabels(pairs: readonly string[] | undefined): Record<string, string> {
  if (pairs === undefined) return { release: 'kube-prometheus-stack' };
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const m = /^([A-Za-z0-9]([A-Za-z0-9_./-]*[A-Za-z0-9])?)=(.*)$/.exec(p);
    if (!m) throw usageError(`--label: expected key=value (a Kubernetes label), got "${p}"`);
    out[m[1] as string] = m[3] as string;
  }
  return out;
}

/** `tokenspend rules`: recording and alerting rules from the same prices and budgets as reports. */
export const rules = defineCommand<RulesFlags, RulesOptions>({
  name: 'rules',
  options,
  examples: [
    'tokenspend rules --file fixtures/demo/history.om.gz --budgets fixtures/demo/budgets.yaml --by gateway --by feature',
    'tokenspend rules --prometheus http://127.0.0.1:9090 --budgets budgets.yaml --format prometheus-operator | kubectl apply -f -',
    'tokenspend rules --prometheus http://127.0.0.1:9090 --output tokenspend-rules.yaml --with-tests && promtool test rules tokenspend-rules.test.yaml',
    'tokenspend rules --dialect otel-counters --model gpt-4o --model gpt-4o-mini',
  ],
  exitCodes: {
    [ExitCode.ok]: 'rules written (notes and warnings on stderr)',
    [ExitCode.usage]: 'usage or configuration error: no source or --dialect, unknown labels, bad flags, invalid pricing, budgets or config',
    [ExitCode.source]: 'the data source cannot be read',
    [ExitCode.incomplete]: 'no token metric of a known dialect in the source',
  },
  async resolve(flags, env) {
    const [d, r, t, { duration }] = await Promise.all([
      import('../config/data.js'),
      import('../config/resolve.js'),
      import('../ledger/time.js'),
      import('../rules/promql.js'),
    ]);
    const data = await d.resolveData(flags, env);
    const hasSource = data.sources.prometheusUrl !== undefined || data.sources.specs.length > 0;
    if (!hasSource && data.dialects.forced === undefined)
      throw usageError(
        'rules needs a source to find the metrics and models that exist, or --dialect',
        'give --prometheus URL, --file PATH or --scrape URL, or --dialect ID (with --model NAME)',
      );
    if (hasSource && flags.model !== undefined)
      throw usageError('--model goes with --dialect and no source: with a source, the models found are priced');
    const out = r.resolveOutput({ format: flags.format ?? 'prometheus', output: flags.output }, RULE_FORMATS);
    if (flags.withTests && out.output === undefined) throw usageError('--with-tests needs --output FILE (the tests go next to it)');
    if (flags.withTests && out.format !== 'prometheus')
      throw usageError('--with-tests goes with --format prometheus (promtool reads rule files, not resources)');
    const config = data.config;
    return {
      data,
      hasSource,
      levels: (flags.by ?? []).map((b) => r.parseBy(b)).filter((l) => l.length > 0),
      budgetsFile: flags.budgets ?? (config?.data.budgets === undefined ? undefined : config.resolvePath(config.data.budgets)),
      timezone: flags.timezone === undefined ? undefined : t.checkTimeZone(flags.timezone),
      models: flags.model ?? [],
      at: r.resolveInstant(flags.at, '--at'),
      format: out.format,
      output: out.output,
      withTests: flags.withTests === true,
      resource: { name: flags.name ?? 'tokenspend', namespace: flags.namespace, labels: parseLabels(flags.label) },
      partialResponse: flags.partialResponseStrategy,
      interval:
        flags.evaluationInterval === undefined
          ? undefined
          : interval(r.positiveDuration(flags.evaluationInterval, '--evaluation-interval'), duration),
    };
  },
  async run(o, ctx) {
    const [{ Classifier }, { customDialects }, { describedDialect, modelsToEmbed }, { discover }, { buildRules }, { RULE_RENDERERS }] =
      await Promise.all([
        import('../dialects/classifier.js'),
        import('../dialects/mappings.js'),
        import('../rules/discovery.js'),
        import('../rules/read.js'),
        import('../rules/build.js'),
        import('../render/rules/index.js'),
      ]);
    const book = await loadBook(o.data);
    const { dialects } = o.data;
    const classifier = new Classifier({ forced: dialects.forced, extra: customDialects(dialects.mappings), settings: dialects.settings });
    let discovery;
    if (o.hasSource) {
      discovery = await discover({
        sources: o.data.sources,
        classifier,
        book,
        replicas: o.data.replicas,
        lookbackMs: o.data.lookbackMs,
        ctx,
      });
    } else {
      const embed = modelsToEmbed(book, o.models, o.data.pricing.files);
      discovery = describedDialect(classifier.dialects[0] as (typeof classifier.dialects)[number], embed.names, embed.what);
      ctx.stderr(`tokenspend: note: no source: prices embedded for ${embed.what}\n`);
    }
    const budgets = o.budgetsFile === undefined ? undefined : await loadBudgetsFor(o, book.currency, o.data.config?.data.timezone);
    const set = buildRules({
      discovery,
      settings: dialects.settings,
      forced: dialects.forced !== undefined,
      book,
      at: o.at ?? ctx.clock(),
      levels: o.levels,
      budgets,
      partialResponse: o.partialResponse,
      interval: o.interval,
    });
    await emit(ctx, o.output, RULE_RENDERERS[o.format](set, o.resource));
    if (o.withTests && o.output !== undefined) {
      const req = {
        set,
        discovery,
        settings: dialects.settings,
        forced: dialects.forced !== undefined,
        budgets: budgets?.budgets,
        at: o.at ?? ctx.clock(),
      };
      await writeTests(req, o.output);
    }
    printFindings(ctx, set.findings, true);
    return ExitCode.ok;
  },
});

/** The budgets file, in the time zone `--timezone`, else its own, else the config file's. */
async function loadBudgetsFor(o: RulesOptions, currency: string, configZone: string | undefined) {
  const { loadBudgets } = await import('../budget/load.js');
  const file = o.budgetsFile as string;
  const b = await loadBudgets(file);
  if (b.currency && b.currency !== currency)
    throw usageError(`${file}: currency: the budgets are in ${b.currency} but the prices in ${currency}`);
  const timezone = o.timezone ?? (b.timezoneDeclared ? b.timezone : (configZone ?? b.timezone));
  return { budgets: { ...b, timezone }, path: file };
}

/** `rules.yaml` → `rules.test.yaml` beside it, for `promtool test rules`. */
async function writeTests(req: Omit<TestRequest, 'ruleFile'>, output: string): Promise<void> {
  const [{ basename, dirname, join }, { ruleTests }, { renderRuleTests }, { writeAtomic }] = await Promise.all([
    import('node:path'),
    import('../rules/tests.js'),
    import('../render/rules/tests.js'),
    import('../files/write.js'),
  ]);
  const name = basename(output);
  const tests = join(dirname(output), name.replace(/(\.ya?ml)?$/i, '.test.yaml'));
  await writeAtomic(tests, renderRuleTests(ruleTests({ ...req, ruleFile: name })));
}
