import { describe, expect, it } from 'vitest';
import { progressLine, progressText } from '../../src/render/progress.js';

describe('progress line', () => {
  it('says what is going on', () => {
    expect(progressText({ kind: 'requests', what: 'http://127.0.0.1:9090', done: 3, bytes: 1_250_000 })).toBe(
      'http://127.0.0.1:9090: 3 requests, 1.3 MB received',
    );
    expect(progressText({ kind: 'requests', what: 'p', done: 1, planned: 9, bytes: 2_000 })).toBe('p: 1/9 request, 2 kB received');
    expect(progressText({ kind: 'wait', what: 'the second scrape', remainingMs: 299_500 })).toBe('waiting 5:00 for the second scrape');
    expect(progressText({ kind: 'read', what: 'big.prom', bytes: 50_000_000, total: 200_000_000 })).toBe(
      'reading big.prom: 50.0 MB of 200.0 MB (25%)',
    );
    expect(progressText({ kind: 'read', what: 'evil\u001b[2J', bytes: 1000 })).toBe('reading evil\\x1b[2J: 1 kB');
  });

  it('waits a moment before the first line, draws at most ten a second, and clears only what it drew', () => {
    let t = 0;
    const out: string[] = [];
    const line = progressLine(
      (s) => out.push(s),
      () => t,
      40,
    );
    const read = (bytes: number) => line.update({ kind: 'read', what: 'f', bytes });
    read(1);
    line.clear();
    expect(out).toEqual([]);
    t = 300;
    read(2_000);
    t = 350;
    read(3_000);
    t = 420;
    read(4_000);
    expect(out).toEqual(['\r⠋ reading f: 2 kB\u001b[K', '\r⠙ reading f: 4 kB\u001b[K']);
    line.clear();
    line.clear();
    expect(out.slice(2)).toEqual(['\r\u001b[K']);
  });

  it('shows a countdown at once, and fits the width', () => {
    const out: string[] = [];
    const line = progressLine(
      (s) => out.push(s),
      () => 0,
      24,
    );
    line.update({ kind: 'wait', what: 'the second scrape of 3 targets', remainingMs: 5000 });
    // 23 columns: one left free so the cursor never wraps.
    expect(out).toEqual(['\r⠋ waiting 0:05 for the…\u001b[K']);
  });
});
