import { join, relative, resolve } from 'node:path';
import { EXIT_INTERNAL, type ExitCode } from './errors.js';

/** What each exit code means, for the top-level `--help` (commands say it in their own words). */
export const EXIT_CODE_MEANINGS: Record<ExitCode, string> = {
  0: 'success (warnings go to stderr)',
  1: 'a budget is breached; reconcile or pricing drift: a difference beyond tolerance',
  2: 'usage or configuration error: bad flags, invalid pricing or config file',
  3: 'data source failure: unreachable, timeout, HTTP error, malformed data',
  4: 'incomplete data: no matching series, no samples in the window,\n     unpriced usage or a partial response under --strict; for budgets:\n     a scope with no data, unpriced usage in scope, too little history',
};

/** The `Exit codes:` block of `--help`: the given codes (default: all), and 70 for a bug. */
export function exitCodesHelp(codes: Partial<Record<ExitCode, string>> = EXIT_CODE_MEANINGS): string {
  const lines = Object.entries(codes).map(([code, text]) => `  ${code.padStart(2)}  ${text}`);
  lines.push(` ${EXIT_INTERNAL}  internal error (a bug: please report it with the stack trace)`);
  return `\nExit codes:\n${lines.join('\n')}`;
}

/** The exit codes of a command that reads token data: 0, 2, 3, and 4 for what `incomplete` says. */
export function dataExitCodes(incomplete: string): Partial<Record<ExitCode, string>> {
  return { 0: EXIT_CODE_MEANINGS[0], 2: EXIT_CODE_MEANINGS[2], 3: EXIT_CODE_MEANINGS[3], 4: incomplete };
}

const BUNDLED = /(^|[\s=])((?:fixtures|docs\/examples|pricing)\/[\w./-]+)/g;

/**
 * An example as a user can run it where they are: paths to files the package ships
 * (`fixtures/…`, `docs/examples/…`, `pricing/…`) are relative to the package, so from elsewhere they become
 * the path from `cwd` (absolute when that is shorter), quoted when the shell needs it.
 */
export function reachableExample(text: string, root: string, cwd: string): string {
  if (resolve(cwd) === resolve(root)) return text;
  return text.replace(BUNDLED, (_, before: string, path: string) => {
    const absolute = join(root, path);
    const rel = relative(cwd, absolute);
    const shortest = rel.startsWith('../../..') || rel.length >= absolute.length ? absolute : rel;
    return before + (/^[\w./=-]+$/.test(shortest) ? shortest : `'${shortest.replace(/'/g, `'\\''`)}'`);
  });
}
