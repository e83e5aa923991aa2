import type { Budgets } from '../budget/load.js';
import type { DialectSettings } from '../dialects/spec.js';
import type { Finding } from '../findings.js';
import type { PriceBook } from '../pricing/book.js';
import type { Discovery } from './discovery.js';
import type { PriceTable } from './prices.js';

/** A Prometheus recording rule. */
export interface RecordingRule {
  record: string;
  expr: string;
}

/** A Prometheus alerting rule; labels and annotations are already safe for its template engine. */
export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The budget it watches and the spend at which it fires (not written to the file: for generated tests). */
  budget?: { name: string; threshold: string } | undefined;
}

export type Rule = RecordingRule | AlertingRule;

/** A rule group as Prometheus, Thanos and the Prometheus Operator read it. */
export interface RuleGroup {
  name: string;
  /** undefined: the server's global evaluation interval. */
  interval: string | undefined;
  /** Thanos Ruler only: what to do when a store answers partially. */
  partialResponseStrategy?: 'abort' | 'warn' | undefined;
  rules: Rule[];
}

/** One level of cost rules: the recorded series name and its labels. */
export interface Level {
  labels: string[];
  cost: string;
  /** The per-type token rule at this level, where there is one. */
  tokens?: string;
}

/** Everything `tokenspend rules` generates, as data; renderers only lay it out. */
export interface RuleSet {
  /** Comment lines for the top of the file (already safe to print: no line breaks or controls). */
  header: string[];
  groups: RuleGroup[];
  levels: Level[];
  unpricedRule: string;
  prices: PriceTable;
  currency: string;
  findings: Finding[];
}

/** Everything `tokenspend rules` needs, resolved. */
export interface RulesRequest {
  discovery: Discovery;
  settings: DialectSettings;
  /** `--dialect` was given. */
  forced: boolean;
  book: PriceBook;
  /** Prices in force at this instant are embedded. */
  at: number;
  /** `--by` levels, each a list of labels (the model level is always there). */
  levels: string[][];
  budgets?: { budgets: Budgets; path: string } | undefined;
  partialResponse?: 'abort' | 'warn' | undefined;
  /** Rule groups' evaluation interval; undefined: the server's. */
  interval: string | undefined;
}
