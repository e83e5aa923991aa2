import { describe, expect, it } from 'vitest';
import { type CommandContext, emit } from '../../src/commands/context.js';

function contextWith(written: string[], drain: (() => Promise<void>) | undefined): CommandContext {
  return {
    stdout: (text) => written.push(text),
    drain,
    stderr: () => undefined,
    clock: () => 0,
    pid: 1,
    alive: () => true,
    color: false,
    tty: false,
    width: 80,
  };
}

describe('emit to stdout', () => {
  it('asks a streaming renderer for its next chunk only after stdout took the last one', async () => {
    const written: string[] = [];
    const pulled: string[] = [];
    const releases: (() => void)[] = [];
    const drain = () => new Promise<void>((resolve) => releases.push(resolve));
    function* chunks() {
      for (const c of ['a', 'b', 'c']) {
        pulled.push(c);
        yield c;
      }
    }
    const done = emit(contextWith(written, drain), undefined, chunks());
    await new Promise((r) => setTimeout(r, 10));
    // The reader has not caught up: the second chunk is not even rendered yet.
    expect(pulled).toEqual(['a']);
    expect(written).toEqual(['a']);
    releases.shift()?.();
    await new Promise((r) => setTimeout(r, 10));
    expect(pulled).toEqual(['a', 'b']);
    releases.shift()?.();
    await new Promise((r) => setTimeout(r, 10));
    releases.shift()?.();
    await done;
    expect(written).toEqual(['a', 'b', 'c']);
  });

  it('writes everything at once where stdout needs no waiting', async () => {
    const written: string[] = [];
    await emit(contextWith(written, undefined), undefined, ['x', 'y']);
    await emit(contextWith(written, undefined), undefined, 'z');
    expect(written).toEqual(['x', 'y', 'z']);
  });
});
