import { Document } from 'yaml';
import type { RuleSet } from '../../rules/model.js';
import { groupsData, headerComment } from './groups.js';

/** Metadata of the PrometheusRule resource. */
export interface ResourceOptions {
  name: string;
  namespace: string | undefined;
  labels: Record<string, string>;
}

/**
 * A `PrometheusRule` custom resource (monitoring.coreos.com/v1) for the Prometheus Operator and
 * kube-prometheus-stack, whose Prometheus loads the rules of resources its ruleSelector matches.
 */
export function renderPrometheusRule(set: RuleSet, o: ResourceOptions): string {
  const doc = new Document({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: o.name,
      ...(o.namespace ? { namespace: o.namespace } : {}),
      ...(Object.keys(o.labels).length > 0 ? { labels: o.labels } : {}),
    },
    spec: { groups: groupsData(set) },
  });
  doc.commentBefore = headerComment(set);
  return doc.toString({ lineWidth: 0, blockQuote: 'literal' });
}
