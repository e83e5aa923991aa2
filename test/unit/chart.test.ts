import { describe, expect, it } from 'vitest';
import { spendChart } from '../../src/render/chart.js';

describe('spendChart', () => {
  it('puts actual days as ●, forecast days as ○ inside their band, scaled to the top value', () => {
    const chart = spendChart([0, 50, 100], [50], [[25, 75]], { height: 5, width: 80, label: (v) => `$${v}` });
    const lines = chart.split('\n');
    // Rows from the top: 100 → row 0, 50 → row 2, 0 → row 4; the forecast band spans rows 1–3.
    expect(lines[0]).toBe('$100 ┤  ● ');
    expect(lines[1]).toBe('     ┤   ░');
    expect(lines[2]).toBe('     ┤ ● ○');
    expect(lines[3]).toBe('     ┤   ░');
    expect(lines[4]).toBe('  $0 ┤●   ');
    expect(lines[5]).toBe('     └────');
  });

  it('keeps the most recent days that fit the width', () => {
    const chart = spendChart(
      Array.from({ length: 100 }, (_, i) => i),
      [],
      [],
      { height: 3, width: 40, label: () => 'x' },
    );
    expect(chart.split('\n')[3]).toBe(`  └${'─'.repeat(28)}`);
  });
});
