/** Escapes what would break a Markdown table cell. */
export function markdownCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A GitHub-flavoured Markdown table: header, alignment row (`right` columns end in a colon), rows. */
export function markdownTable(head: readonly string[], right: readonly boolean[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (right[i] ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}
