/** Exit codes of the CLI contract (README, `--help`). */
export const ExitCode = {
  ok: 0,
  budgetBreached: 1,
  usage: 2,
  source: 3,
  incomplete: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An internal error (a bug): distinct from every documented code. */
export const EXIT_INTERNAL = 70;

/** The one error type the CLI maps to an exit code; anything else is a bug and keeps its stack. */
export class TokenspendError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'TokenspendError';
  }
}

/** Bad flags, invalid pricing/config file: exit 2. */
export function usageError(message: string, hint?: string): TokenspendError {
  return new TokenspendError(message, ExitCode.usage, hint);
}

/** Unreachable source, timeout, HTTP or parse failure of the data: exit 3. */
export function sourceError(message: string, hint?: string): TokenspendError {
  return new TokenspendError(message, ExitCode.source, hint);
}

/** No matching series, unpriced usage under --strict, partial data: exit 4. */
export function incompleteError(message: string, hint?: string): TokenspendError {
  return new TokenspendError(message, ExitCode.incomplete, hint);
}
