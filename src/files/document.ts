import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { usageError } from '../errors.js';

/** `models.gpt-4o.prices[1].from` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out || '(top level)';
}

/**
 * Parses YAML or JSON text and validates it. Every problem becomes one line:
 * `file: path: what was expected`, thrown as a usage error (exit 2).
 */
export function parseConfigText<S extends z.ZodType>(text: string, file: string, schema: S): z.output<S> {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e?.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    throw usageError(`${where}: not valid YAML or JSON: ${e?.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  let value: unknown;
  try {
    // The default alias limit refuses "billion laughs" documents (aliases of aliases…).
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw usageError(`${file}: cannot be read: ${(e as Error).message}`);
  }
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${file}: ${formatPath(i.path)}: ${describeIssue(i)}`);
    throw usageError(lines.join('\n'));
  }
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type') {
    const got = 'input' in issue ? describeValue(issue.input) : 'nothing';
    return `expected ${issue.expected}, got ${got}`;
  }
  return issue.message;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
