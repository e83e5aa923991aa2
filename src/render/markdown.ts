/**
 * Text from outside inside a Markdown table cell: nothing in it may end the cell (`|`), start a
 * new row (a newline), or become markup (HTML, links, emphasis, code).
 */
export function markdownCell(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#!]/g, (c) => `\\${c}`);
}

/**
 * A value shown as code: a code span fenced by more backticks than it holds (CommonMark), pipes
 * escaped (GitHub splits table cells on them even in code), newlines turned into spaces.
 */
export function markdownCode(s: string): string {
  const text = s.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A GitHub-flavoured Markdown table: header, alignment row (`right` columns end in a colon), rows. */
export function markdownTable(head: readonly string[], right: readonly boolean[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (right[i] ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}
