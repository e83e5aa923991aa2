import type { RunResult } from './cli.js';

type Tokens = Record<string, number>;

/** What two ways of reading the same data must agree on. */
export interface Digest {
  code: number;
  rows?: Record<string, Tokens>;
  totals?: Tokens;
  cost?: number;
}

/**
 * A `report --format json` run as tokens per row (group, bucket, priced or why not), the totals
 * and the exit code. A refusal for want of data (exit 4: no sample in the window, no series left
 * by --match) is compared by its code (the file and a server word it apart); any other failure
 * fails the test.
 */
export function digest(result: RunResult): Digest {
  if (result.code === 4) return { code: 4 };
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr.slice(0, 2000)}`);
  const json = JSON.parse(result.stdout);
  const rows: Record<string, Tokens> = {};
  for (const row of json.rows)
    rows[`${JSON.stringify(row.group)} ${row.start ?? ''} ${row.priced ? 'priced' : row.unpricedReason}`] = row.tokens;
  return { code: 0, rows, totals: json.totals.tokens, cost: json.totals.totalCost };
}
