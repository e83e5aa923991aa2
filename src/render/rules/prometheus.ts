import { Document } from 'yaml';
import type { RuleSet } from '../../rules/model.js';
import { groupsData, headerComment } from './groups.js';

/** A Prometheus rule file (`rule_files:`), checked by `promtool check rules`. */
export function renderRuleFile(set: RuleSet): string {
  const doc = new Document({ groups: groupsData(set) });
  doc.commentBefore = headerComment(set);
  return doc.toString({ lineWidth: 0, blockQuote: 'literal' });
}
