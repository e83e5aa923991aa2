import { readUserFile } from '../files/read.js';
import { parseConfigText } from '../files/document.js';
import { usageError } from '../errors.js';
import { plainDecimal } from '../money.js';
import { type Matcher, parseMatcher } from '../ledger/matchers.js';
import { checkTimeZone, parseDuration } from '../ledger/time.js';
import type { Period } from '../ledger/periods.js';
import { type BudgetSpec, budgetsFileSchema } from './schema.js';

/** A budget after validation, with its matchers parsed. */
export interface Budget {
  name: string;
  period: Period | undefined;
  /** The limit in currency units, as written (exact decimal). */
  limit: string | undefined;
  warn: number | undefined;
  matchers: Matcher[];
  /** Labels the scope reads (for grouping the data once for all budgets). */
  labels: string[];
  each: string | undefined;
  forecast: boolean;
  failOn: 'breach' | 'forecast' | 'warn';
  burn: { windowsMs: number[]; windows: string[]; factor: number; of: string } | undefined;
}

export interface Budgets {
  path: string;
  timezone: string;
  /** The file names its time zone (else `timezone` is UTC and a config file's zone may apply). */
  timezoneDeclared: boolean;
  currency: string | undefined;
  budgets: Budget[];
}

function parsePeriod(p: string): Period {
  if (p === 'day' || p === 'week' || p === 'month' || p === 'quarter' || p === 'year') return { kind: 'calendar', unit: p, label: p };
  return { kind: 'rolling', ms: parseDuration(p) as number, label: p };
}

function matchersOf(spec: BudgetSpec, path: string, index: number): Matcher[] {
  const m = spec.match;
  if (m === undefined) return [];
  const selectors = Array.isArray(m) ? m : Object.entries(m).map(([k, v]) => `${k}=${v}`);
  return selectors.map((s, i) => {
    try {
      return parseMatcher(s);
    } catch (e) {
      throw usageError(
        `${path}: budgets[${index}].match${Array.isArray(m) ? `[${i}]` : ''}: ${(e as Error).message.replace(/^--match:? /, '')}`,
      );
    }
  });
}

/** Reads and validates a budgets file (YAML or JSON). Problems are usage errors (exit 2). */
export async function loadBudgets(path: string): Promise<Budgets> {
  return parseBudgets((await readUserFile(path, 'budgets file')).toString('utf8'), path);
}

/** Validates budgets-file text. */
export function parseBudgets(text: string, path: string): Budgets {
  const data = parseConfigText(text, path, budgetsFileSchema);
  const problems: string[] = [];
  const names = new Map<string, number>();
  data.budgets.forEach((b, i) => {
    if (names.has(b.name)) problems.push(`${path}: budgets[${i}].name: "${b.name}" is already the name of budgets[${names.get(b.name)}]`);
    names.set(b.name, i);
  });
  const budgets = data.budgets.map((b, i): Budget => {
    const matchers = matchersOf(b, path, i);
    return {
      name: b.name,
      period: b.period === undefined ? undefined : parsePeriod(b.period),
      limit: b.limit === undefined ? undefined : plainDecimal(b.limit),
      warn: b.warn,
      matchers,
      labels: [...new Set([...matchers.map((m) => m.label), ...(b.each ? [b.each] : [])])],
      each: b.each,
      forecast: b.forecast === true,
      failOn: b.fail_on ?? (b.forecast ? 'forecast' : 'breach'),
      burn: b.burn_rate
        ? {
            windowsMs: b.burn_rate.windows.map((w) => parseDuration(w) as number),
            windows: b.burn_rate.windows,
            factor: b.burn_rate.factor,
            of: b.burn_rate.of,
          }
        : undefined,
    };
  });
  budgets.forEach((b, i) => {
    if (!b.burn) return;
    const target = budgets.find((x) => x.name === b.burn?.of);
    if (!target) problems.push(`${path}: budgets[${i}].burn_rate.of: no budget is named "${b.burn.of}"`);
    else if (target.burn)
      problems.push(`${path}: budgets[${i}].burn_rate.of: "${b.burn.of}" is a burn-rate budget; expected a spend budget`);
  });
  if (problems.length > 0) throw usageError(problems.join('\n'));
  let timezone = 'UTC';
  if (data.timezone !== undefined) {
    try {
      timezone = checkTimeZone(data.timezone);
    } catch {
      throw usageError(`${path}: timezone: unknown time zone "${data.timezone}", expected an IANA name such as Europe/Berlin`);
    }
  }
  return { path, timezone, timezoneDeclared: data.timezone !== undefined, currency: data.currency, budgets };
}
