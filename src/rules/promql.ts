/**
 * PromQL text, built safely from values that came from outside (model names, label values,
 * budget scopes). Every string goes through `str`, every label_replace replacement through
 * `replacement`, every literal regex through `quoteRegex`: a model called `a"} or vector(1) #`
 * stays one label value.
 */

/** A label name PromQL 2.x can write without quotes. */
export const isLabelName = (name: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);

/** A metric name PromQL can write bare (colons are allowed; dots are not in 2.x). */
export const isMetricName = (name: string): boolean => /^[A-Za-z_:][A-Za-z0-9_:]*$/.test(name);

/** A double-quoted PromQL string: the escapes PromQL shares with Go (\\, \", \n, \t, \uXXXX). */
export function str(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) || code === 0x2028 || code === 0x2029)
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A label_replace replacement that means exactly `value` (`$` starts a group reference there). */
export function replacement(value: string): string {
  return value.replaceAll('$', '$$$$');
}

/** A regex (RE2) matching exactly `value`. */
export function quoteRegex(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** One matcher of a selector. */
export interface LabelMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** `name{matchers}`, or `{__name__="name", …}` when the name cannot be written bare. */
export function selector(name: string, matchers: readonly LabelMatcher[]): string {
  const parts = matchers.map((m) => `${m.label}${m.op}${str(m.value)}`);
  if (isMetricName(name)) return parts.length > 0 ? `${name}{${parts.join(', ')}}` : name;
  return `{${[`__name__=${str(name)}`, ...parts].join(', ')}}`;
}

/** One label_replace or label_join applied to an expression. */
export interface Step {
  fn: 'label_replace' | 'label_join';
  args: string;
}

/** Sets a constant label (removes it when `value` is empty). */
export const setStep = (label: string, value: string): Step => ({
  fn: 'label_replace',
  args: `${str(label)}, ${str(replacement(value))}, "", ""`,
});

/** Copies the part of `src` that `regex` (anchored) captures into `dst`, where it matches. */
export const copyStep = (dst: string, src: string, regex = '(.*)'): Step => ({
  fn: 'label_replace',
  args: `${str(dst)}, "$1", ${str(src)}, ${str(regex)}`,
});

/** Sets `dst` to the constant `value` on series whose `src` matches `regex` (anchored). */
export const whereStep = (dst: string, value: string, src: string, regex: string): Step => ({
  fn: 'label_replace',
  args: `${str(dst)}, ${str(replacement(value))}, ${str(src)}, ${str(regex)}`,
});

/** Joins the values of `sources` with `separator` into `dst`. */
export const joinStep = (dst: string, separator: string, sources: readonly string[]): Step => ({
  fn: 'label_join',
  args: `${str(dst)}, ${str(separator)}, ${sources.map(str).join(', ')}`,
});

/**
 * `expr` with `steps` applied in order, written so it reads top-down: the functions open on the
 * first line, then the expression, then each step's arguments in the order they apply.
 */
export function chain(expr: string, steps: readonly Step[]): string {
  if (steps.length === 0) return expr;
  const opens = steps
    .map((s) => `${s.fn}(`)
    .reverse()
    .join('');
  const inline = `${opens}${expr}, ${steps.map((s) => s.args).join('), ')})`;
  if (!expr.includes('\n') && inline.length <= 100) return inline;
  return `${opens}\n  ${indent(expr)},\n${steps.map((s) => `  ${s.args})`).join(',\n')}`;
}

/** `label_replace(expr, dst, value, "", "")`: sets a constant label (removes it when `value` is empty). */
export function setLabel(expr: string, label: string, value: string): string {
  return chain(expr, [setStep(label, value)]);
}

/** A PromQL duration (`1h`, `30d`, `6d23h59m59s`) for a whole number of seconds or milliseconds. */
export function duration(ms: number): string {
  if (ms <= 0 || !Number.isFinite(ms)) throw new Error(`not a positive duration: ${ms}`);
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ];
  let rest = Math.round(ms);
  let out = '';
  for (const [u, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${u}`;
      rest -= n * size;
    }
  }
  return out;
}

/** Indents every line after the first by `n` spaces, so nested expressions read as a tree. */
export function indent(text: string, n = 2): string {
  return text.replaceAll('\n', `\n${' '.repeat(n)}`);
}

/** `a or b or c`, one term per line, each indented by two spaces (to sit inside parentheses). */
export function union(terms: readonly string[]): string {
  if (terms.length === 0) throw new Error('empty union');
  return terms.map((t) => `  ${indent(t)}`).join('\nor\n');
}

/**
 * The union of many one-sample vectors (a price table) as a balanced tree of `or`: PromQL
 * evaluates `a or b or c …` left to right, each step over everything before it, so a flat chain
 * of n terms costs n²; halves in parentheses cost n log n.
 */
export function balancedUnion(terms: readonly string[]): string {
  const tree = (xs: readonly string[]): string => {
    if (xs.length <= 8) return xs.join('\nor\n');
    const half = Math.ceil(xs.length / 2);
    return `(\n${tree(xs.slice(0, half))}\n)\nor\n(\n${tree(xs.slice(half))}\n)`;
  };
  // One indentation level for the whole tree: nesting would indent the table quadratically.
  return `  ${indent(tree(terms))}`;
}

/** `by (a, b)` (or `by ()` for none). */
export function by(labels: readonly string[]): string {
  return `by (${labels.join(', ')})`;
}
