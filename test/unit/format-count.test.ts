import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareText, formatCount, formatTokens } from '../../src/text.js';

// Messages used toLocaleString('en-US'), which maps ICU's locale data into the process: the
// replacement must write what it wrote.
describe('counts in messages', () => {
  it('writes whole numbers, hundredths and huge doubles as en-US does', () => {
    const numbers = fc.oneof(
      fc.integer({ min: -1e15, max: 1e15 }),
      fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 100),
      fc.double({ min: 1e15, max: 1e300, noNaN: true }),
    );
    fc.assert(
      fc.property(numbers, (n) => {
        expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps what a fraction of a token says, where tables round', () => {
    expect(formatCount(0.4)).toBe('0.4');
    expect(formatCount(1234.5678)).toBe('1,234.568');
    expect(formatTokens(1234.5678)).toBe('1,235');
    expect(formatCount(Number.NaN)).toBe('NaN');
  });
});

describe('text order', () => {
  it('is code-unit order, whatever the locale', () => {
    expect(['å', 'z', 'aa', 'B', 'a_b', 'a-b'].sort(compareText)).toEqual(['B', 'a-b', 'a_b', 'aa', 'z', 'å']);
  });
});
