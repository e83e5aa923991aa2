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
 * A value shown as code: a code span, pipes escaped (GitHub splits table cells on them even in
 * code), newlines turned into spaces. A value with a backtick or HTML characters is shown as
 * escaped text instead, so that nothing in it can close the span or read as markup.
 */
export function markdownCode(s: string): string {
  if (/[`<>&]/.test(s)) return markdownCell(s);
  return `\`${s.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|')}\``;
}

/** A GitHub-flavoured Markdown table: header, alignment row (`right` columns end in a colon), rows. */
export function markdownTable(head: readonly string[], right: readonly boolean[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (right[i] ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}
