import type { Finding } from '../findings.js';
import type { Readable } from 'node:stream';

/** What a command may use of the outside world; cli.ts builds it from `process`. */
export interface CommandContext {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin?: Readable | undefined;
  clock: () => number;
  /** stdout is a terminal that takes colour (TTY, no NO_COLOR, or FORCE_COLOR). */
  color: boolean;
  /** stdout is a terminal (charts are drawn only there). */
  tty: boolean;
  /** Terminal width (COLUMNS, the TTY's, or 120). */
  width: number;
}

/** Findings go to stderr, one line each; `info` ones only where a person reads a table. */
export function printFindings(ctx: CommandContext, findings: readonly Finding[], withInfo: boolean): void {
  for (const f of findings) if (f.severity !== 'info' || withInfo) ctx.stderr(`tokenspend: ${f.severity}: ${f.message}\n`);
}

/** Output choices shared by commands that print reports. */
export interface OutputOptions {
  format: 'table' | 'json' | 'csv' | 'markdown';
  output: string | undefined;
  decimals: number | undefined;
}
