import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

// The HTML pages in a real browser: Debian's Chromium, headless. Run by `.ci/run` (CI=true) and
// locally with TOKENSPEND_SYSTEM_TESTS=1. Screenshots go to test-output/html/.

const DEMO = 'fixtures/demo/history.om.gz';
const dir = mkdtempSync(join(tmpdir(), 'tokenspend-html-'));
const shots = resolve('test-output', 'html');
let browser: Browser;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

const money = (x: number) => `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** Runs a command for its HTML and its JSON; opens the page; fails on any console error or request. */
async function open(name: string, args: string[]): Promise<{ page: Page; json: any; problems: string[] }> {
  const file = join(dir, `${name}.html`);
  const [html, json] = await Promise.all([run([...args, '--format', 'html', '--output', file]), run([...args, '--format', 'json'])]);
  expect([0, 1]).toContain(html.code);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const url = pathToFileURL(file).href;
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== url) problems.push(`request: ${r.url()}`);
  });
  await page.goto(url);
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  return { page, json: JSON.parse(json.stdout), problems };
}

const seriesOf = (page: Page) => page.$$eval('svg g.series', (gs) => gs.map((g) => g.getAttribute('data-series')));

describe('HTML pages in headless Chromium', () => {
  it('report: cost per day stacked by group, the table, the total equal to JSON, unpriced rows highlighted', async () => {
    const { page, json, problems } = await open('report', [
      'report',
      '--file',
      DEMO,
      '--window',
      '7d',
      '--step',
      '1d',
      '--by',
      'gateway,model',
    ]);
    expect(problems).toEqual([]);
    const groups = new Set(json.rows.filter((r: any) => r.priced).map((r: any) => `${r.group.gateway} · ${r.group.model}`));
    expect(new Set(await seriesOf(page))).toEqual(groups);
    expect(await page.textContent('#total')).toBe(money(json.totals.totalCost));
    expect(await page.textContent('tr.total td:last-child')).toBe(money(json.totals.totalCost));
    const unpriced = new Set(json.rows.filter((r: any) => !r.priced).map((r: any) => `${r.group.gateway}|${r.group.model}`));
    const highlighted = await page.$$eval('tr.unpriced', (rows) =>
      rows.map((r) =>
        [...r.querySelectorAll('td')]
          .slice(0, 2)
          .map((td) => td.textContent)
          .join('|'),
      ),
    );
    expect(new Set(highlighted)).toEqual(unpriced);
    for (const f of json.pricing.files) expect(await page.textContent('footer')).toContain(f.version);
    await page.close();
  });

  it('budget check: each budget with the JSON spend and status', async () => {
    const budgets = join(dir, 'budgets.yaml');
    writeFileSync(
      budgets,
      'budgets:\n  - { name: daily, period: day, limit: 50 }\n  - { name: weekly, each: gateway, period: week, limit: 200 }\n  - { name: search, match: { feature: search }, period: month, limit: 500, forecast: true }\n',
    );
    const { page, json, problems } = await open('budget', ['budget', 'check', '--budgets', budgets, '--file', DEMO]);
    expect(problems).toEqual([]);
    for (const b of json.budgets) {
      const cell = await page.$(`td[data-budget="${b.instance}"]`);
      expect(await cell?.textContent(), b.instance).toBe(money(b.spent));
      const status = await cell?.evaluate((td) => td.parentElement?.querySelector('.badge')?.textContent);
      expect(status).toBe(b.status);
    }
    expect(await page.textContent('#failing')).toBe(String(json.budgets.filter((b: any) => b.fails).length));
    // Every bar and mark of the limit meters lies inside its 160-wide drawing, at a real number.
    const ends = await page.$$eval('svg.meter', (svgs) =>
      svgs.flatMap((svg) =>
        [...svg.querySelectorAll('rect, line')].map(
          (e) => Number(e.getAttribute('x') ?? e.getAttribute('x1')) + Number(e.getAttribute('width') ?? 0),
        ),
      ),
    );
    expect(ends.length).toBeGreaterThan(0);
    for (const x of ends) expect(x >= 0 && x <= 160, String(x)).toBe(true);
    await page.close();
  });

  it('forecast: spend so far, the forecast with its band, and the budget line', async () => {
    // The demo's 13 weeks: enough history for an interval.
    const { page, json, problems } = await open('forecast', ['forecast', '--file', DEMO, '--budget', '2500']);
    expect(problems).toEqual([]);
    expect(await seriesOf(page)).toEqual(['interval', 'spent', 'forecast', 'budget']);
    expect(json.groups[0].forecast.lower).toBeLessThan(json.groups[0].forecast.upper);
    // The band has width: at the period's end its top is above its bottom (SVG y grows down).
    const points: string = await page.$eval('g[data-series="interval"] polygon', (p) => p.getAttribute('points') ?? '');
    const ys = points.split(' ').map((xy: string) => Number(xy.split(',')[1]));
    expect(ys[Math.floor(ys.length / 2) - 1]).toBeLessThan(ys[Math.floor(ys.length / 2)] as number);
    expect(await page.textContent('.legend')).toContain('80% interval');
    const spent = json.groups.reduce((s: number, g: any) => s + g.spent, 0);
    expect(await page.textContent('#spent')).toBe(money(spent));
    expect(await page.textContent('#forecast')).toBe(money(json.groups.reduce((s: number, g: any) => s + g.forecast.total, 0)));
    await page.close();
  });

  it('forecast on a short history: no interval, so no band and none in the legend', async () => {
    const { page, json, problems } = await open('forecast-short', [
      'forecast',
      '--file',
      DEMO,
      '--budget',
      '2500',
      '--force',
      '--history',
      '10d',
    ]);
    expect(problems).toEqual([]);
    expect(json.groups[0].forecast.lower).toBeNull();
    expect(await seriesOf(page)).toEqual(['spent', 'forecast', 'budget']);
    expect(await page.textContent('.legend')).not.toContain('interval');
    await page.close();
  });

  it('back-test: a row per method for all teams and for each team, MASE as in JSON', async () => {
    const { page, json, problems } = await open('backtest', ['forecast', '--backtest', '--by', 'team', '--file', DEMO]);
    expect(problems).toEqual([]);
    const rows = await page.$$eval('tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    const expected = [json.pooled, ...json.groups.map((g: any) => g.methods)].flat();
    expect(rows).toHaveLength(expected.length);
    rows.forEach((cells, i) => {
      expect(cells[1]).toBe(expected[i].method);
      expect(cells[4]).toBe(expected[i].mase.toFixed(2));
    });
    expect(rows.map((c) => c[0]).filter((x) => x !== '')).toEqual(['all groups', ...json.groups.map((g: any) => `team=${g.group.team}`)]);
    expect(await page.textContent('footer')).toContain(DEMO);
    await page.close();
  });
});
