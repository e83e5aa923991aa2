import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStep, parseWindow } from '../../src/ledger/periods.js';
import { computeUsageReport, type ReportRequest } from '../../src/pipeline.js';
import { reportJson } from '../../src/render/report/json.js';
import { openSources } from '../../src/sources/open.js';
import type { SourceReading, UsageSource } from '../../src/sources/source.js';
import { parseSourceArg } from '../../src/sources/spec.js';
import { bundledPrices, FIXED_NOW } from '../helpers/report.js';

// A window anchored to the data's last sample (`--window 7d`, no --now): large files are read
// twice, first for that sample, then streamed into the final slices. Here the size from which
// that happens is 0 (always) or Infinity (never, samples kept): the reports must be the same.

const NAME = 'agentgateway_gen_ai_client_token_usage_sum';
const IN = 'gen_ai_token_type="input",gen_ai_request_model="gpt-4o",gen_ai_system="openai"';
const OUT = 'gen_ai_token_type="output",gen_ai_request_model="gpt-4o",gen_ai_system="openai"';
const line = (labels: string, value: number | string, seconds: number) => `${NAME}{${labels}} ${value} ${seconds}\n`;
const DAY = 86_400;

function request(
  files: string[],
  window: string,
  step: string | undefined,
  prescanFromBytes: number,
): { req: ReportRequest; reads: () => number } {
  const sources = openSources({
    specs: files.map((f) => parseSourceArg('file', f)),
    prometheusUrl: undefined,
    retries: 0,
    countSamples: false,
    perSeries: false,
    http: { headers: {}, timeoutMs: 1000 },
  });
  let reads = 0;
  for (const s of sources) {
    const read = s.read.bind(s);
    s.read = (sink, r) => {
      reads++;
      return read(sink, r);
    };
  }
  const req: ReportRequest = {
    sources,
    grouping: { by: ['gateway', 'model'], matchers: [] },
    plan: { kind: 'window', window: parseWindow({ window }), step: step === undefined ? undefined : parseStep(step) },
    timezone: 'UTC',
    now: undefined,
    dialects: { forced: undefined, settings: {}, mappings: [] },
    lookbackMs: undefined,
    prescanFromBytes,
  };
  return { req, reads: () => reads };
}

async function both(files: string[], window: string, step?: string) {
  const book = await bundledPrices();
  const ctx = { clock: () => FIXED_NOW };
  const kept = request(files, window, step, Number.POSITIVE_INFINITY);
  const twice = request(files, window, step, 0);
  const a = JSON.parse(JSON.stringify(reportJson((await computeUsageReport(kept.req, book, ctx)).report)));
  const b = JSON.parse(JSON.stringify(reportJson((await computeUsageReport(twice.req, book, ctx)).report)));
  return { kept: a, twice: b, keptReads: kept.reads(), twiceReads: twice.reads() };
}

function write(text: string, name = 'history.om'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tokenspend-prescan-')), name);
  writeFileSync(path, text);
  return path;
}

describe('a window anchored to the last sample of a file read twice', () => {
  it('gives the demo history the same report, day by day, as when its samples are kept', async () => {
    const r = await both(['fixtures/demo/history.om.gz'], '7d', '1d');
    expect(r.keptReads).toBe(1);
    expect(r.twiceReads).toBe(2);
    expect(r.twice.window).toEqual(r.kept.window);
    expect(r.twice.rows.length).toBeGreaterThan(20);
    expect(r.twice.rows).toEqual(r.kept.rows);
    expect(r.twice.totals).toEqual(r.kept.totals);
    expect(r.twice.coverage).toEqual(r.kept.coverage);
    expect(r.twice.warnings).toEqual(r.kept.warnings);
  });

  it('counts resets, births, a series that stops and one that ends before the window alike, to the token', async () => {
    let text = '';
    // Input: hourly over 10 days, a reset on day 8 (back to 40), last sample at day 10.
    for (let h = 0; h <= 240; h++) text += line(IN, h < 192 ? 1000 + h * 10 : 40 + (h - 192) * 10, h * 3600);
    // Output: born on day 6, stops on day 9.
    for (let h = 144; h <= 216; h++) text += line(OUT, 5 * (h - 143), h * 3600 + 30);
    // Another model, only before the window.
    for (let h = 0; h <= 48; h++)
      text += line('gen_ai_token_type="input",gen_ai_request_model="gpt-4o-mini",gen_ai_system="openai"', h * 7, h * 3600);
    const r = await both([write(text)], '3d', '1d');
    expect(r.twiceReads).toBe(2);
    expect(r.twice.rows).toEqual(r.kept.rows);
    expect(r.twice.totals).toEqual(r.kept.totals);
    expect(r.twice.coverage).toEqual(r.kept.coverage);
    // The window is (day 7, day 10]: input 10 × 23 hours of day 8 before the reset, 40 at it and
    // 10 an hour after for 48 hours; output 5 an hour, from its last sample before the window
    // (hour 167) to its stop (hour 216).
    expect(r.twice.window.start).toBe('1970-01-08T00:00:00Z');
    expect(r.twice.totals.tokens.input).toBe(24 * 10 - 10 + 40 + 48 * 10);
    expect(r.twice.totals.tokens.output).toBe(5 * 49);
    expect(r.twice.coverage.resets).toBe(1);
  });

  it('keeps the samples of a file whose series run out of time order, and reports what it would have anyway', async () => {
    // One sample an hour late: streaming would refuse it; read twice, the first pass sees it.
    let text = '';
    for (let h = 0; h <= 48; h++) if (h !== 20) text += line(IN, h * 100, h * 3600);
    text += line(IN, 2000, 20 * 3600);
    const r = await both([write(text)], '1d', undefined);
    expect(r.twiceReads).toBe(2);
    expect(r.twice.rows).toEqual(r.kept.rows);
    expect(r.twice.totals.tokens.input).toBe(2400);
  });

  it('stops with exit 3 when the data changed between the two reads, naming both spans', async () => {
    const a = line(IN, 100, 0) + line(IN, 200, DAY);
    const b = a + line(IN, 300, 2 * DAY);
    const { req } = request([write(a)], '1d', undefined, 0);
    const file = req.sources[0] as UsageSource;
    let n = 0;
    const growing: UsageSource = {
      kind: 'file',
      reads: 'samples',
      defaults: file.defaults,
      rereadableBytes: () => Promise.resolve(a.length),
      read: (sink): Promise<SourceReading> => {
        const labels = { gen_ai_token_type: 'input', gen_ai_request_model: 'gpt-4o', gen_ai_system: 'openai' };
        for (const l of (n++ === 0 ? a : b).trim().split('\n')) {
          const [, value, t] = l.split(' ');
          const ms = Number(t) * 1000;
          sink.addTimed({ name: NAME, labels, value: Number(value), timestampMs: ms }, ms, undefined);
        }
        return Promise.resolve({ sources: [{ kind: 'file', name: undefined, location: 'growing.om', timestamped: true }], findings: [] });
      },
    };
    const err = await computeUsageReport({ ...req, sources: [growing] }, await bundledPrices(), { clock: () => FIXED_NOW }).catch(
      (e: unknown) => e,
    );
    expect(n).toBe(2);
    expect((err as { exitCode: number }).exitCode).toBe(3);
    expect((err as Error).message).toBe(
      'the data changed while it was read: its samples ran from 1970-01-01T00:00:00.000Z to 1970-01-02T00:00:00.000Z on the first pass, from 1970-01-01T00:00:00.000Z to 1970-01-03T00:00:00.000Z on the second',
    );
  });

  it('reads standard input once, keeping its samples', async () => {
    const { req } = request(['-'], '1d', undefined, 0);
    const bytes = await (req.sources[0] as UsageSource).rereadableBytes?.();
    expect(bytes).toBeUndefined();
  });
});
