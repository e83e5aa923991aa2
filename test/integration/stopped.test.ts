import { describe, expect, it } from 'vitest';
import { parseStep } from '../../src/ledger/periods.js';
import { reportAsJson } from '../helpers/report.js';
import { startPrometheusWith, startVictoriaMetricsWith } from '../helpers/servers.js';
import { useServer } from '../helpers/server-suite.js';

// One group (one model) whose pods stop at different days, scraped hourly at :30. Summed on the
// server, a day edge after a pod's last sample has no reading for it: the group's readings there
// must be the live pods' only, and the stopped pod's last sample ends its usage. Counted by hand:
// - pod a: 1000 at 23:30 the day before, +10 an hour all five days: 240 a day;
// - pod b: 500 the day before, +5 an hour, last sample on day 2 at 12:30: 120, then 65 (13 samples);
// - pod c: 2000 the day before, +1 an hour, last sample on day 4 at 05:30: 24, 24, 24, then 6;
// - pod d: one sample, 7, on day 1 at 12:30: born, all of it usage.
// Days: 391, 329, 264, 246, 240 input tokens (1,470); output 24 a day (pod a).
const HOUR = 3600;
const T0 = Date.parse('2026-11-01T00:00:00Z') / 1000;
const before = T0 - HOUR / 2;

function hourly(labels: string, from: number, last: number, start: number, step: number): string[] {
  const out: string[] = [];
  for (let t = from, v = start; t <= last; t += HOUR, v += step) out.push(`llm_tokens_in_total{${labels}} ${v} ${t}`);
  return out;
}

const END = T0 + 5 * 24 * HOUR;

const T1 = Date.parse('2026-10-20T00:00:00Z') / 1000;
function weekWithResets(): string[] {
  const out: string[] = [];
  const at = (day: number, hour: number) => T1 + day * 24 * HOUR + hour * HOUR + HOUR / 2;
  for (let t = T1 - HOUR / 2, a = 1000, x = 100; t <= T1 + 7 * 24 * HOUR - HOUR / 2; t += HOUR, a += 10, x += 3) {
    if (t === at(3, 12)) a = 5;
    if (t === at(4, 6)) x = 2;
    out.push(`llm_tokens_in_total{model="m-mini",pod="a"} ${a} ${t}`, `llm_tokens_in_total{model="m-big",pod="x"} ${x} ${t}`);
  }
  for (let t = at(4, 2), b = 50; t <= at(4, 20); t += HOUR, b += 5) out.push(`llm_tokens_in_total{model="m-mini",pod="b"} ${b} ${t}`);
  return out;
}
// Three days from 10 October, model m-cross, pods b and c in zones z1 and z2, hourly at :30 from
// 23:30 the day before: (b, z1) 100 +2 an hour, last sample on the 11th at 11:30 (172); (c, z2)
// 200 +3 an hour, last on the 11th at 15:30 (320); (b, z2) 1000 +5 and (c, z1) 5000 +7 run on. The
// stopped pods' labels cannot be told from the live ones' by matchers (pods b, c × zones z1, z2),
// so the lookup at the 12th's edge sees live series too. By hand: the 10th 48 + 72 + 120 + 168 =
// 408; the 11th 24 + 48 + 120 + 168 = 360; the 12th 288. Model m-ha: one counter (10 +1 an hour)
// scraped by two replicas; replica A's copy stops on the 11th at 05:30 and is back on the 12th at
// 20:30 (79), B's runs on: 24 a day.
const T2 = Date.parse('2026-10-10T00:00:00Z') / 1000;
function crossedStops(): string[] {
  const out: string[] = [];
  const series: [string, number, number, number][] = [
    ['pod="b",zone="z1"', 100, 2, T2 + 35 * HOUR + HOUR / 2],
    ['pod="c",zone="z2"', 200, 3, T2 + 39 * HOUR + HOUR / 2],
    ['pod="b",zone="z2"', 1000, 5, T2 + 3 * 24 * HOUR],
    ['pod="c",zone="z1"', 5000, 7, T2 + 3 * 24 * HOUR],
  ];
  for (const [labels, start, step, last] of series) out.push(...hourly(`model="m-cross",${labels}`, T2 - HOUR / 2, last, start, step));
  out.push(...hourly('model="m-ha",pod="p",replica="A"', T2 - HOUR / 2, T2 + 29 * HOUR + HOUR / 2, 10, 1));
  out.push(...hourly('model="m-ha",pod="p",replica="A"', T2 + 68 * HOUR + HOUR / 2, T2 + 3 * 24 * HOUR, 79, 1));
  out.push(...hourly('model="m-ha",pod="p",replica="B"', T2 - HOUR / 2, T2 + 3 * 24 * HOUR, 10, 1));
  return out;
}

const lines = [
  '# TYPE llm_tokens_in_total counter',
  ...hourly('model="gpt-4o-mini",pod="a"', before, END - HOUR / 2, 1000, 10),
  ...hourly('model="gpt-4o-mini",pod="b"', before, T0 + 36 * HOUR + HOUR / 2, 500, 5),
  ...hourly('model="gpt-4o-mini",pod="c"', before, T0 + 77 * HOUR + HOUR / 2, 2000, 1),
  `llm_tokens_in_total{model="gpt-4o-mini",pod="d"} 7 ${T0 + 12 * HOUR + HOUR / 2}`,
  // An hour, then twenty minutes (10 November): pod A's last sample is at 00:30, inside the hour's
  // reading window at 01:00 but not in the twenty minutes after; C runs on; B is born at 01:05.
  // By hand: 00:00–01:00 A +10, C +10 = 20; 01:00–01:20 C +10, B 400 + 100 = 510.
  ...[
    ['A', 90, '2026-11-09T23:50:00Z'],
    ['A', 100, '2026-11-10T00:30:00Z'],
    ['C', 990, '2026-11-09T23:55:00Z'],
    ['C', 1000, '2026-11-10T01:00:00Z'],
    ['C', 1010, '2026-11-10T01:20:00Z'],
    ['B', 400, '2026-11-10T01:05:00Z'],
    ['B', 500, '2026-11-10T01:20:00Z'],
  ].map(([pod, v, at]) => `llm_tokens_in_total{model="gpt-4o",pod="${pod}"} ${v} ${Date.parse(at as string) / 1000}`),
  // A week from 20 October, two models. m-mini: pod a +10 an hour, reset on the 23rd at 12:30
  // (to 5); pod b born on the 24th at 02:30 (50), +5 an hour, last sample 20:30 (140). m-big: pod
  // x +3 an hour, reset on the 24th at 06:30 (to 2). By hand, m-mini: 240 a day; the 23rd 12×10 +
  // 5 + 11×10 = 235; the 24th 240 + 140 = 380. m-big: 72 a day; the 24th 6×3 + 2 + 17×3 = 71. One
  // birth. (Anomalies of different groups on neighbouring days, next to the edge where b stopped.)
  ...weekWithResets(),
  ...crossedStops(),
  '# TYPE llm_tokens_out_total counter',
  ...hourly('model="gpt-4o-mini",pod="a"', before, END - HOUR / 2, 0, 1).map((l) =>
    l.replace('llm_tokens_in_total', 'llm_tokens_out_total'),
  ),
  '# EOF',
];

const days = (json: any) => json.rows.map((r: any) => [r.start.slice(0, 10), r.tokens.input, r.tokens.output]);

describe.each([
  ['Prometheus 2.42', () => startPrometheusWith(lines)],
  ['VictoriaMetrics', () => startVictoriaMetricsWith(lines, 17, (T2 - HOUR / 2) * 1000)],
])('%s: pods of one group that stop inside the window', (_name, startServer) => {
  const server = useServer(startServer);
  const prometheus = () => ({ url: server.url, headers: {}, timeoutMs: 30_000, retries: 1 });

  it('bills each day to the token, summed on the server and series by series (stops at three day edges)', async () => {
    const window = { since: '2026-11-01T00:00:00Z', until: '2026-11-06T00:00:00Z' };
    const json = await reportAsJson({ prometheus: prometheus(), window, step: parseStep('1d'), by: ['model'] });
    expect(days(json)).toEqual([
      ['2026-11-01', 391, 24],
      ['2026-11-02', 329, 24],
      ['2026-11-03', 264, 24],
      ['2026-11-04', 246, 24],
      ['2026-11-05', 240, 24],
    ]);
    expect(json.coverage.births).toBe(1);
  });

  it('reads an edge alike from an hour-long slice before it and a twenty-minute slice after it', async () => {
    const window = { since: '2026-11-10T00:00:00Z', until: '2026-11-10T01:20:00Z' };
    const json = await reportAsJson({ prometheus: prometheus(), window, step: parseStep('1h'), by: ['model'] });
    const rows = json.rows.filter((r: any) => r.group.model === 'gpt-4o');
    expect(rows.map((r: any) => [r.start, r.end, r.tokens.input])).toEqual([
      ['2026-11-10T00:00:00Z', '2026-11-10T01:00:00Z', 20],
      ['2026-11-10T01:00:00Z', '2026-11-10T01:20:00Z', 510],
    ]);
  });

  it('settles a slice next to a stopped pod once, when other groups have anomalies beside it', async () => {
    const window = { since: '2026-10-20T00:00:00Z', until: '2026-10-27T00:00:00Z' };
    const json = await reportAsJson({ prometheus: prometheus(), window, step: parseStep('1d'), by: ['model'] });
    const of = (model: string) =>
      json.rows.filter((r: any) => r.group.model === model).map((r: any) => [r.start.slice(0, 10), r.tokens.input]);
    expect(of('m-mini')).toEqual([
      ['2026-10-20', 240],
      ['2026-10-21', 240],
      ['2026-10-22', 240],
      ['2026-10-23', 235],
      ['2026-10-24', 380],
      ['2026-10-25', 240],
      ['2026-10-26', 240],
    ]);
    expect(of('m-big')).toEqual([
      ['2026-10-20', 72],
      ['2026-10-21', 72],
      ['2026-10-22', 72],
      ['2026-10-23', 72],
      ['2026-10-24', 71],
      ['2026-10-25', 72],
      ['2026-10-26', 72],
    ]);
    expect(json.coverage.births).toBe(1);
    expect(json.coverage.resets).toBe(2);
  });

  it('looks up stopped series that matchers cannot tell from live ones, and an HA copy that stopped', async () => {
    const window = { since: '2026-10-10T00:00:00Z', until: '2026-10-13T00:00:00Z' };
    const json = await reportAsJson({ prometheus: prometheus(), window, step: parseStep('1d'), by: ['model'] });
    const of = (model: string) =>
      json.rows.filter((r: any) => r.group.model === model).map((r: any) => [r.start.slice(0, 10), r.tokens.input]);
    expect(of('m-cross')).toEqual([
      ['2026-10-10', 408],
      ['2026-10-11', 360],
      ['2026-10-12', 288],
    ]);
    expect(of('m-ha')).toEqual([
      ['2026-10-10', 24],
      ['2026-10-11', 24],
      ['2026-10-12', 24],
    ]);
    expect(json.coverage.births).toBe(0);
  });

  it('and over the first three days (stops at two day edges)', async () => {
    const window = { since: '2026-11-01T00:00:00Z', until: '2026-11-04T00:00:00Z' };
    const json = await reportAsJson({ prometheus: prometheus(), window, step: parseStep('1d'), by: ['model'] });
    expect(days(json)).toEqual([
      ['2026-11-01', 391, 24],
      ['2026-11-02', 329, 24],
      ['2026-11-03', 264, 24],
    ]);
  });
});
