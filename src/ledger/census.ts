import { incompleteError, usageError } from '../errors.js';
import type { Matcher } from './matchers.js';
import { compareText, terminalCell } from '../text.js';

/** Dimensions that come from the dialect rather than from a label of the same name. */
export const CANONICAL_DIMENSIONS = ['model', 'provider', 'operation', 'gateway', 'dialect'] as const;

/** Most values remembered per matched label, for messages. */
const MAX_VALUES = 50;

/**
 * What the series read look like, so that a mistyped label or a selector that matches nothing is
 * named instead of silently giving an empty report: every label name, and how many series each
 * matcher let through (with the values its label had).
 */
export class Census {
  readonly labelNames = new Set<string>();
  /** Series of a known dialect, before matchers. */
  series = 0;
  /** Series every matcher let through. */
  admitted = 0;
  private readonly passed: number[];
  private readonly values = new Map<string, Set<string>>();

  constructor(private readonly matchers: readonly Matcher[]) {
    this.passed = matchers.map(() => 0);
  }

  /** Counts one classified series; `value(label)` gives its value of a dimension. True when every matcher lets it through. */
  observe(labelNames: Iterable<string>, value: (dimension: string) => string): boolean {
    this.series++;
    for (const n of labelNames) this.labelNames.add(n);
    let all = true;
    this.matchers.forEach((m, i) => {
      const v = value(m.label);
      let set = this.values.get(m.label);
      if (!set) this.values.set(m.label, (set = new Set()));
      if (set.size < MAX_VALUES) set.add(v);
      if (m.test(v)) this.passed[i] = (this.passed[i] as number) + 1;
      else all = false;
    });
    if (all) this.admitted++;
    return all;
  }

  /** Every name usable in `--by` or `--match`: the canonical dimensions and each label seen. */
  known(): string[] {
    return [...new Set<string>([...CANONICAL_DIMENSIONS, ...[...this.labelNames].sort()])];
  }

  /**
   * Throws a usage error (exit 2) for a dimension no series carries, naming where it was asked
   * for (`origins`: label → "in --by", …) and the closest labels present.
   */
  checkLabels(labels: readonly string[], origins: Readonly<Record<string, string>>): void {
    if (this.series === 0) return;
    const known = this.known();
    for (const label of labels) {
      if (known.includes(label)) continue;
      const close = closest(label, known);
      const shown = known.length > 14 ? `${known.slice(0, 14).join(', ')}, …` : known.join(', ');
      throw usageError(
        `unknown label "${label}" ${origins[label] ?? 'in --by'}; labels present: ${shown}${close.length > 0 ? ` (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)` : ''}`,
      );
    }
  }

  /** Throws (exit 4) when the matchers left no series, naming the one that removed them and the values its label has. */
  checkMatched(origins: Readonly<Record<string, string>>): void {
    if (this.series === 0 || this.admitted > 0 || this.matchers.length === 0) return;
    const blocking = this.matchers.filter((_, i) => this.passed[i] === 0);
    const describe = (m: Matcher) => {
      // (Each value on the message's one line: a newline in one is shown escaped.)
      const values = [...(this.values.get(m.label) ?? [])].sort().map(terminalCell);
      const shown = values.length > 10 ? `${values.slice(0, 10).join(', ')}, …` : values.join(', ');
      return `${origins[`${m.label}${m.op}${m.value}`] ?? `--match ${m.label}${m.op}${m.value}`} matched none of the ${this.series} series (${m.label} is ${shown || 'empty'})`;
    };
    const message =
      blocking.length > 0
        ? blocking.map(describe).join('; ')
        : `each matcher matches some series, but no series matches all of ${this.matchers.map((m) => `${m.label}${m.op}${m.value}`).join(', ')}`;
    throw incompleteError(`no series left: ${message}`);
  }
}

/** Labels within a small edit distance of `name`, closest first. */
export function closest(name: string, candidates: readonly string[]): string[] {
  const limit = Math.max(1, Math.floor(name.length / 3));
  return candidates
    .map((c) => ({ c, d: editDistance(name.toLowerCase(), c.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || compareText(a.c, b.c))
    .slice(0, 3)
    .map((x) => x.c);
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Math.abs(a.length - b.length);
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}
