import type { ProgressEvent } from '../sources/source.js';
import { terminalCell } from '../text.js';
import { truncate } from './terminal.js';

// One line on stderr, redrawn in place, while a source works: only on a terminal (the caller
// decides), never on stdout, cleared before anything else is written.

const FRAMES = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
/** Quick commands show nothing: the first line waits this long. */
const DELAY_MS = 250;
const EVERY_MS = 100;

const mb = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e3)} kB`);

function clock(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The words of one progress line. */
export function progressText(e: ProgressEvent): string {
  const what = terminalCell(e.what);
  if (e.kind === 'requests')
    return `${what}: ${e.planned === undefined ? e.done : `${e.done}/${e.planned}`} request${e.done === 1 ? '' : 's'}, ${mb(e.bytes)} received`;
  if (e.kind === 'wait') return `waiting ${clock(e.remainingMs)} for ${what}`;
  const share = e.total ? ` of ${mb(e.total)} (${Math.floor((e.bytes / e.total) * 100)}%)` : '';
  return `reading ${what}: ${mb(e.bytes)}${share}`;
}

export interface ProgressLine {
  update(event: ProgressEvent): void;
  /** Removes the line (before other output, and at the end). */
  clear(): void;
}

/** A spinner line written with `write` (stderr), at most every 100 ms, fitted to `width`. */
export function progressLine(write: (text: string) => void, now: () => number, width: number): ProgressLine {
  const started = now();
  let drawn = false;
  let last = Number.NEGATIVE_INFINITY;
  let frame = 0;
  return {
    update(event) {
      const t = now();
      // A countdown shows at once and each second; the rest after a moment, ten times a second.
      if (event.kind !== 'wait' && (t - started < DELAY_MS || t - last < EVERY_MS)) return;
      last = t;
      const text = `${FRAMES[frame++ % FRAMES.length]} ${progressText(event)}`;
      write(`\r${truncate(text, Math.max(10, width - 1))}\u001b[K`);
      drawn = true;
    },
    clear() {
      if (drawn) write('\r\u001b[K');
      drawn = false;
    },
  };
}
