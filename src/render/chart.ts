/**
 * A small terminal chart of daily spend: actual days as `●`, forecast days as `○` inside a shaded
 * band for the interval. Pure: values in, lines out.
 */
export function spendChart(
  actual: readonly number[],
  forecast: readonly number[],
  band: readonly [number, number][],
  options: { height?: number; width: number; label: (v: number) => string },
): string {
  const height = options.height ?? 8;
  let values = [...actual, ...forecast];
  let lows = [...actual.map(() => Number.NaN), ...band.map((b) => b[0])];
  let highs = [...actual.map(() => Number.NaN), ...band.map((b) => b[1])];
  let split = actual.length;
  // Keep the most recent days that fit.
  const room = Math.max(10, options.width - 12);
  if (values.length > room) {
    const cut = values.length - room;
    values = values.slice(cut);
    lows = lows.slice(cut);
    highs = highs.slice(cut);
    split = Math.max(0, split - cut);
  }
  const top = Math.max(...values, ...highs.filter((v) => !Number.isNaN(v)), 1e-9);
  const row = (v: number) => Math.min(height - 1, Math.max(0, Math.round((v / top) * (height - 1))));
  const grid = Array.from({ length: height }, () => new Array<string>(values.length).fill(' '));
  values.forEach((v, x) => {
    if (x >= split && !Number.isNaN(lows[x] as number)) {
      for (let y = row(lows[x] as number); y <= row(highs[x] as number); y++) (grid[height - 1 - y] as string[])[x] = '░';
    }
    (grid[height - 1 - row(v)] as string[])[x] = x < split ? '●' : '○';
  });
  const width = Math.max(options.label(top).length, options.label(0).length);
  const lines = grid.map((cells, i) => {
    const axis = i === 0 ? options.label(top) : i === height - 1 ? options.label(0) : '';
    return `${axis.padStart(width)} ┤${cells.join('')}`;
  });
  lines.push(`${' '.repeat(width)} └${'─'.repeat(values.length)}`);
  lines.push(`${' '.repeat(width)}  ● spent per day   ○ forecast   ░ interval`);
  return lines.join('\n');
}
