import type { CommandEntry } from './command.js';

export type { CommandEntry };

/**
 * Every command, in the order of `--help`. A new command is one file and one line here. The
 * definitions load only when their command runs (or its help is asked for), so start-up reads
 * none of them.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'report',
    description: 'cost per group (model, feature, team, gateway, any label) over a window',
    load: async () => (await import('./report.js')).report,
  },
  {
    name: 'budget check',
    description: 'every budget for its current period; exit 1 when one is breached',
    load: async () => (await import('./budget-check.js')).budgetCheck,
  },
  {
    name: 'forecast',
    description: 'period-end spend per group, with a prediction interval and the day a budget runs out',
    load: async () => (await import('./forecast.js')).forecast,
  },
  {
    name: 'export',
    description: 'complete periods into a chargeback ledger (csv, FOCUS 1.2, jsonl): re-runs replace, never duplicate',
    load: async () => (await import('./export.js')).exportCommand,
  },
  {
    name: 'reconcile',
    description: "our cost against the gateway's own cost counter or a provider's cost export; exit 1 beyond tolerance",
    load: async () => (await import('./reconcile.js')).reconcile,
  },
  {
    name: 'rules',
    description: 'Prometheus recording and alerting rules from the same prices and budgets (plain file or PrometheusRule)',
    load: async () => (await import('./rules.js')).rules,
  },
  {
    name: 'doctor',
    description: 'check a Prometheus-compatible server: connectivity, dialects, labels, models and prices, cardinality, retention',
    load: async () => (await import('./doctor.js')).doctor,
  },
  {
    name: 'demo',
    description: 'the bundled demo history: a report by gateway and model, and what to try next',
    load: async () => (await import('./demo.js')).demo,
  },
  {
    name: 'pricing list',
    description: 'every priced model with the rates in force now',
    load: async () => (await import('./pricing-list.js')).pricingList,
  },
  {
    name: 'pricing show',
    description: 'the dated rates that price a model name',
    load: async () => (await import('./pricing-show.js')).pricingShow,
  },
  {
    name: 'pricing import litellm',
    description: "LiteLLM's model_prices_and_context_window.json as a price file",
    load: async () => (await import('./pricing-import-litellm.js')).pricingImportLitellm,
  },
  {
    name: 'pricing import genai-prices',
    description: 'genai-prices data (a file, or the installed package) as a price file',
    load: async () => (await import('./pricing-import-genai.js')).pricingImportGenai,
  },
  {
    name: 'pricing diff',
    description: 'added, removed and changed rates between two price files (any format)',
    load: async () => (await import('./pricing-diff.js')).pricingDiff,
  },
  {
    name: 'pricing drift',
    description: 'compare the prices in force with another source; exit 1 beyond --tolerance',
    load: async () => (await import('./pricing-drift.js')).pricingDrift,
  },
  {
    name: 'pricing validate',
    description: 'check pricing files: exit 0 when valid, 2 with one line per problem',
    load: async () => (await import('./pricing-validate.js')).pricingValidate,
  },
  {
    name: 'completion',
    description: 'a completion script for bash, zsh or fish: commands, options, choices, model ids',
    // The completion script describes every command: it is given the table (it cannot import it).
    load: async () => (await import('./completion.js')).completionCommand(COMMANDS, COMMAND_GROUPS),
  },
];

/** Descriptions of the parents of sub-commands (`budget check`, `pricing list`). */
export const COMMAND_GROUPS: Readonly<Record<string, string>> = {
  budget: 'budgets and the CI gate',
  pricing: 'list, show, validate, import, diff and drift-check prices',
  import: "another source's price data (LiteLLM, genai-prices) as a tokenspend price file",
};

/** The entries `args` (argv without node and the script) may run: those whose first word it names, or `help <name>`'s. */
export function commandsNamed(args: readonly string[]): CommandEntry[] {
  const words = args.filter((a) => !a.startsWith('-'));
  const first = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.filter((c) => c.name.split(' ')[0] === first);
}
