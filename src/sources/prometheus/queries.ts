import type { Labels } from '../../model.js';
import type { ServerFlavour } from './client.js';

/** Label names tokenspend adds to tell the parts of one query apart in its answer. */
export const Q = '__tokenspend_q';
export const N = '__tokenspend_name';
const BARE_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** PromQL selector for a metric name (UTF-8 names go inside the braces). */
export function selector(name: string, matchers: Labels = {}): string {
  const parts = Object.entries(matchers).map(([k, v]) => `${BARE_NAME.test(k) ? k : JSON.stringify(k)}=${JSON.stringify(v)}`);
  if (BARE_NAME.test(name)) return parts.length > 0 ? `${name}{${parts.join(',')}}` : name;
  return `{${[`__name__=${JSON.stringify(name)}`, ...parts].join(',')}}`;
}

export function duration(ms: number): string {
  return `${Math.max(1, Math.round(ms))}ms`;
}

export function tag(expr: string, label: string, value: string): string {
  return `label_replace(${expr}, ${JSON.stringify(label)}, ${JSON.stringify(value)}, "", "")`;
}

/** How far before an edge a sample still counts as the reading there (at most one slice). */
export function readingWindow(stepMs: number): number {
  return Math.min(stepMs, 3_600_000);
}

/** The one query of a run: readings, resets (and sample counts) of every named metric. */
export function runQuery(
  names: readonly string[],
  stepMs: number,
  flavour: ServerFlavour,
  countSamples = false,
  selectors: Readonly<Record<string, string>> = {},
): string {
  // Prometheus 2.x range selectors are closed [t − r, t]; VictoriaMetrics' are (t − r, t].
  const open = flavour === 'victoriametrics' ? 0 : 1;
  const reading = readingWindow(stepMs);
  // The slice and the reading window before it: the slice's own pairs and the one across its
  // start. resets() answers for every series with a sample there, so it also says "present".
  const withStart = duration(stepMs + reading - open);
  const parts: string[] = [];
  for (const name of names) {
    const sel = Object.hasOwn(selectors, name) ? (selectors[name] as string) : selector(name);
    parts.push(tag(tag(`last_over_time(${sel}[${duration(reading)}])`, Q, 'last'), N, name));
    parts.push(tag(tag(`resets(${sel}[${withStart}])`, Q, 'resets'), N, name));
    if (countSamples) parts.push(tag(tag(`count_over_time(${sel}[${duration(stepMs - open)}])`, Q, 'count'), N, name));
  }
  return parts.join(' or ');
}

export interface Run {
  /** Index of the first edge. */
  first: number;
  /** Number of slices. */
  slices: number;
  stepMs: number;
}

/** Maximal runs of consecutive slices of equal length. */
export function sliceRuns(edges: readonly number[]): Run[] {
  const runs: Run[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const step = (edges[i + 1] as number) - (edges[i] as number);
    const last = runs[runs.length - 1];
    if (last && last.stepMs === step && last.first + last.slices === i) last.slices++;
    else runs.push({ first: i, slices: 1, stepMs: step });
  }
  return runs;
}

/** Our labels and `__name__` taken off a series from an answer. */
export function stripOurs(metric: Record<string, string>): Labels {
  const labels: Labels = {};
  for (const [k, v] of Object.entries(metric)) if (k !== Q && k !== N && k !== '__name__') labels[k] = v;
  return labels;
}

/** Sample values arrive as strings because JSON has no NaN or infinities. */
export function parseValue(v: string): number {
  if (v === '+Inf') return Number.POSITIVE_INFINITY;
  if (v === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(v);
}
