import type { RuleFormat } from '../formats.js';
import type { RuleSet } from '../../rules/model.js';
import { type ResourceOptions, renderPrometheusRule } from './operator.js';
import { renderRuleFile } from './prometheus.js';

export type { ResourceOptions } from './operator.js';

/** One renderer per `--format` of `tokenspend rules`. */
export const RULE_RENDERERS: Record<RuleFormat, (set: RuleSet, resource: ResourceOptions) => string> = {
  prometheus: (set) => renderRuleFile(set),
  'prometheus-operator': (set, resource) => renderPrometheusRule(set, resource),
};
