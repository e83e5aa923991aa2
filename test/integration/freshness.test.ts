import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/inprocess.js';
import { startPrometheusWith, startVictoriaMetricsWith } from '../helpers/servers.js';
import { useServer } from '../helpers/server-suite.js';

// Hourly scrapes (a batch gateway, a slow exporter): the staleness threshold follows the scrape
// interval the server shows (four intervals), as it does from a file, so a day that ends an hour
// after the last scrape is fresh and one that ends five hours after it is stale.
const T0 = Date.parse('2026-11-10T00:00:00Z') / 1000;
const HOURS = 48;
const lines = [
  '# TYPE llm_tokens_in_total counter',
  ...Array.from({ length: HOURS }, (_, h) => `llm_tokens_in_total{model="gpt-4o-mini"} ${1000 * (h + 1)} ${T0 + 3600 * h + 37}`),
  '# TYPE llm_tokens_out_total counter',
  ...Array.from({ length: HOURS }, (_, h) => `llm_tokens_out_total{model="gpt-4o-mini"} ${100 * (h + 1)} ${T0 + 3600 * h + 37}`),
  '# EOF',
];
// The last scrape is at 2026-11-11T23:00:37Z.
const FRESH_DAY = ['--since', '2026-11-11T00:00:00Z', '--until', '2026-11-12T00:00:00Z', '--strict', '--format', 'json'];
const STALE_DAY = ['--since', '2026-11-11T04:00:00Z', '--until', '2026-11-12T04:00:00Z', '--strict', '--format', 'json'];

/** The newest-sample looks a `--verbose` run logged. */
const looks = (stderr: string) => stderr.split('\n').filter((l) => /tlast_over_time|timestamp\(/.test(l));

// Requests for the newest samples when every group had one in the last six hours. VictoriaMetrics:
// one pass over both metrics, summed by their common labels. Prometheus: a lookup of each series'
// newest sample, which an hourly scrape leaves beyond the 5-minute look-back delta, then a scan for
// what the lookup missed.
describe.each([
  ['Prometheus 2.42', () => startPrometheusWith(lines), 2],
  ['VictoriaMetrics', () => startVictoriaMetricsWith(lines, 2, (T0 + 37) * 1000), 1],
])('%s with hourly scrapes', (_name, startServer, newestLooks) => {
  const server = useServer(startServer);

  it.each([[[]], [['--per-series']]])('59 minutes after the last scrape is fresh, five hours is stale (%j)', async (extra) => {
    const fresh = await runMain(['report', '--prometheus', server.url, ...FRESH_DAY, ...extra]);
    expect(fresh.stderr).not.toContain('--max-staleness');
    expect(fresh.code).toBe(0);
    // 24 hourly increments of 1,000 and 100 tokens: the day's first scrape counts the hour before it.
    expect(JSON.parse(fresh.stdout).totals.tokens).toMatchObject({ input: 24_000, output: 2_400 });
    const stale = await runMain(['report', '--prometheus', server.url, ...STALE_DAY, ...extra]);
    expect(stale.code).toBe(4);
    expect(JSON.parse(stale.stdout).warnings.map((w: { code: string }) => w.code)).toContain('STALE_DATA');
    expect(stale.stderr).toContain('the newest token sample is from 2026-11-11T23:00:37Z, 4h 59m before 2026-11-12T04:00:00Z');
  });

  it('asks for the newest samples without looking a week back when every group had one lately', async () => {
    // (Answers that stood for no metric would leave every group to another look, a week back.)
    const fresh = await runMain(['report', '--prometheus', server.url, ...FRESH_DAY, '--verbose']);
    expect(fresh.code).toBe(0);
    const asked = looks(fresh.stderr);
    expect(asked).toHaveLength(newestLooks);
    expect(asked.join('\n')).not.toContain('[10080m]');
  });
});

// LiteLLM: a cached-input counter for gpt-4o only, and for claude-sonnet-4 only the provider's
// cache-read counter, which repeats the cached-input counter where that has the model. The
// newest-sample look must not lend claude-sonnet-4 a cached-input series (its cache reads would
// then be dropped as repeated). Ten-minute samples over three hours.
const litellm = [
  ['litellm_input_tokens_metric_total', 'claude-sonnet-4', 1000],
  ['litellm_input_tokens_metric_total', 'gpt-4o', 2000],
  ['litellm_input_cached_tokens_metric_total', 'gpt-4o', 500],
  ['litellm_provider_cache_read_input_tokens_metric_total', 'claude-sonnet-4', 400],
] as const;
const litellmLines = [
  ...litellm.flatMap(([name, model, step]) => [
    `# TYPE ${name} counter`,
    ...Array.from({ length: 19 }, (_, i) => `${name}{model="${model}"} ${step * (i + 1)} ${T0 + 600 * i}`),
  ]),
  '# EOF',
];

describe.each([
  ['Prometheus 2.42', () => startPrometheusWith(litellmLines)],
  ['VictoriaMetrics', () => startVictoriaMetricsWith(litellmLines, 4, T0 * 1000)],
])('%s with LiteLLM cache counters for one model each', (_name, startServer) => {
  const server = useServer(startServer);

  it("counts claude-sonnet-4's provider cache reads (7,200) on the summed path as series by series does", async () => {
    const args = ['report', '--prometheus', server.url, '--since', '2026-11-10T00:00:00Z', '--until', '2026-11-10T03:00:00Z'];
    const sums = JSON.parse((await runMain([...args, '--by', 'model', '--format', 'json'])).stdout);
    const each = JSON.parse((await runMain([...args, '--by', 'model', '--format', 'json', '--per-series'])).stdout);
    const cached = (json: any, model: string) => json.rows.find((r: any) => r.group.model === model)?.tokens.cached_input;
    expect(cached(sums, 'claude-sonnet-4')).toBe(7200);
    expect(cached(sums, 'gpt-4o')).toBe(9000);
    expect(sums.totals.tokens).toEqual(each.totals.tokens);
    expect(sums.warnings.map((w: any) => w.code)).not.toContain('REPEATED_METRIC');
  });
});

// A report judges staleness over all the data, so over a window of eight days or more (which holds
// all that the look at every group reaches) one group is looked at first, and every group only
// when that one's newest sample is older than the least threshold (15 minutes). Five-minute scrapes
// over eight days; model-b stops 90 minutes before model-a, so only model-a has readings at the
// window's end and is the one looked at first. Whatever is looked at, the report must say what the
// series-by-series path says: fresh 5 and 19 minutes after model-a's last sample (four scrape
// intervals are allowed), stale 31 minutes after; and, with `--match model=model-b` (a group the
// report keeps, not the one with fresh samples), stale each time.
const D0 = Date.parse('2026-11-01T00:00:00Z') / 1000;
const SAMPLES = 8 * 288;
const week = [
  ...['llm_tokens_in_total', 'llm_tokens_out_total'].flatMap((name) => [
    `# TYPE ${name} counter`,
    ...['model-a', 'model-b'].flatMap((model) =>
      Array.from(
        { length: model === 'model-a' ? SAMPLES : SAMPLES - 18 },
        (_, i) => `${name}{model="${model}"} ${10 * (i + 1)} ${D0 + 300 * i + 7}`,
      ),
    ),
  ]),
  '# EOF',
];
// model-a's last sample is at 2026-11-08T23:55:07Z, model-b's at 22:25:07Z.
const ENDS = ['2026-11-09T00:00:00Z', '2026-11-09T00:14:00Z', '2026-11-09T00:26:00Z'] as const;
const CASES = [
  [ENDS[0], [], 'fresh'],
  [ENDS[1], [], 'fresh'],
  [ENDS[2], [], '2026-11-08T23:55:07Z, 30m before 2026-11-09T00:26:00Z, more than the 20m allowed'],
  [ENDS[0], ['--match', 'model=model-b'], '2026-11-08T22:25:07Z, 1h 34m before 2026-11-09T00:00:00Z, more than the 20m allowed'],
  [ENDS[2], ['--match', 'model=model-b'], '2026-11-08T22:25:07Z, 2h before 2026-11-09T00:26:00Z, more than the 20m allowed'],
] as const;

describe.each([
  ['Prometheus 2.42', () => startPrometheusWith(week)],
  ['VictoriaMetrics', () => startVictoriaMetricsWith(week, 4, (D0 + 7) * 1000)],
])('%s, a report over eight days', (_name, startServer) => {
  const server = useServer(startServer);
  const report = (since: string, until: string, extra: readonly string[]) =>
    runMain(['report', '--prometheus', server.url, '--since', since, '--until', until, '--format', 'json', ...extra]);
  const stale = (r: { stdout: string }) => JSON.parse(r.stdout).warnings.some((w: { code: string }) => w.code === 'STALE_DATA');
  const message = (r: { stderr: string }) => r.stderr.split('\n').find((l) => l.includes('newest token sample'));

  it.each(CASES)('ending %s %j: %s, as series by series', async (until, extra, verdict) => {
    const sums = await report('2026-11-01T00:00:00Z', until, [...extra, '--verbose']);
    const each = await report('2026-11-01T00:00:00Z', until, [...extra, '--per-series']);
    expect(stale(sums)).toBe(verdict !== 'fresh');
    expect(stale(each)).toBe(verdict !== 'fresh');
    expect(message(sums)).toBe(message(each));
    if (verdict !== 'fresh') expect(message(sums)).toContain(`the newest token sample is from ${verdict}`);
    // 2,304 and 2,286 increments of 10 tokens per metric, the first sample of each counting from 0.
    const tokens = extra.length > 0 ? 22_860 : 45_900;
    expect(JSON.parse(sums.stdout).totals.tokens).toMatchObject({ input: tokens, output: tokens });
    // Without --match, model-a's newest sample is asked first: enough when it is within 15 minutes
    // (one look), else every group's are asked too. With --match, every group's at once.
    const asked = looks(sums.stderr);
    const first = asked.filter((l) => l.includes('model="model-a"'));
    if (extra.length > 0) expect(first).toEqual([]);
    else if (until === ENDS[0]) expect(asked).toEqual([expect.stringContaining('model="model-a"')]);
    else expect([first.length, asked.length > 1]).toEqual([1, true]);
  });

  it('over seven days (less than the look at every group reaches), asks every group', async () => {
    const sums = await report('2026-11-02T00:00:00Z', ENDS[0], ['--verbose']);
    expect(stale(sums)).toBe(false);
    const asked = looks(sums.stderr);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.some((l) => l.includes('model="model-a"'))).toBe(false);
  });
});
