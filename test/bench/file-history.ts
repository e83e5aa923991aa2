/**
 * The file benchmark's data: the scale data set (`scale-data.ts`: births, a gateway restart,
 * series that stop, every series at its own offset, 5-minute samples) written as one timestamped
 * OpenMetrics history, series after series, as `promtool tsdb dump-openmetrics` writes it.
 * 1,000 series × 28 days is 8.1 M samples, about 0.8 GB; writing it takes a minute or two.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { scaleSeries } from './scale-data.js';

/** Writes the history; returns how many samples it holds. */
export async function writeFileHistory(path: string, count: number, days: number): Promise<number> {
  const out = createWriteStream(path, { highWaterMark: 1 << 22 });
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  let samples = 0;
  await write('# TYPE llm_tokens_in counter\n# TYPE llm_tokens_out counter\n');
  for (const s of scaleSeries(count, days)) {
    const head = `${s.name}{${Object.entries(s.labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',')}} `;
    let buf = '';
    for (let i = 0; i < s.times.length; i++) buf += `${head}${s.values[i]} ${(s.times[i] as number) / 1000}\n`;
    samples += s.times.length;
    await write(buf);
  }
  await write('# EOF\n');
  out.end();
  await once(out, 'finish');
  return samples;
}
