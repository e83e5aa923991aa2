import { usageError } from '../errors.js';
import { userRegex } from '../regex.js';

/** A `--match` selector: `team=search`, `team!=search`, `model=~gpt-4.*`, `model!~claude.*`. */
export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  test(actual: string): boolean;
}

/** Parses one `--match` argument; regexes are anchored like PromQL's. */
export function parseMatcher(text: string): Matcher {
  const m = /^([A-Za-z_][A-Za-z0-9_.:]*)\s*(=~|!~|!=|=)\s*(.*)$/.exec(text);
  if (!m) throw usageError(`--match: expected label=value, label!=value, label=~regex or label!~regex; got "${text}"`);
  const label = m[1] as string;
  const op = m[2] as Matcher['op'];
  const value = (m[3] as string).replace(/^"(.*)"$/, '$1');
  if (op === '=' || op === '!=') {
    const want = op === '=';
    return { label, op, value, test: (actual) => (actual === value) === want };
  }
  const re = userRegex(value, `--match ${text}`);
  const want = op === '=~';
  return { label, op, value, test: (actual) => re.test(actual) === want };
}
