import type { Rule, RuleGroup, RuleSet } from '../../rules/model.js';

/** A rule as the rule file spells it (keys in Prometheus' order). */
function ruleData(r: Rule): Record<string, unknown> {
  if ('record' in r) return { record: r.record, expr: r.expr };
  return { alert: r.alert, expr: r.expr, ...(r.for ? { for: r.for } : {}), labels: r.labels, annotations: r.annotations };
}

/** Groups as Prometheus (and the Prometheus Operator's `spec.groups`) read them. */
export function groupsData(set: RuleSet): Record<string, unknown>[] {
  return set.groups.map((g: RuleGroup) => ({
    name: g.name,
    ...(g.interval ? { interval: g.interval } : {}),
    ...(g.partialResponseStrategy ? { partial_response_strategy: g.partialResponseStrategy } : {}),
    rules: g.rules.map(ruleData),
  }));
}

/** The header comment as YAML comment text (each line gets `# `). */
export function headerComment(set: RuleSet): string {
  return set.header.map((l) => ` ${l}`).join('\n');
}
