import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editDistance } from '../../src/ledger/census.js';
import { runMain } from '../helpers/inprocess.js';

const DEMO = 'fixtures/demo/history.om.gz';
const dir = mkdtempSync(join(tmpdir(), 'tokenspend-labels-'));

describe('a label no series carries is a usage error with a suggestion', () => {
  it.each([
    [['--by', 'modle'], 'unknown label "modle" in --by; labels present: model, provider', '(did you mean "model"?)'],
    [['--by', 'model,featrue'], 'unknown label "featrue" in --by', '(did you mean "feature"?)'],
    [['--match', 'gatway=gw-us'], 'unknown label "gatway" in --match gatway=gw-us', '(did you mean "gateway"?)'],
  ])('%j', async (flags, message, suggestion) => {
    const r = await runMain(['report', '--file', DEMO, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(suggestion);
  });

  it('a label present on only some series is fine: the others show (none)', async () => {
    const f = join(dir, 'partial.prom');
    writeFileSync(f, 'llm_tokens_in_total{model="gpt-4o",team="search"} 1000000\nllm_tokens_in_total{model="gpt-4o"} 1000000\n');
    const r = await runMain(['report', '--file', f, '--by', 'team', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(
      JSON.parse(r.stdout)
        .rows.map((x: any) => x.group.team)
        .sort(),
    ).toEqual(['', 'search']);
  });

  it('a budget scope on an unknown label names the budget and where it is', async () => {
    const b = join(dir, 'b.yaml');
    writeFileSync(
      b,
      'budgets:\n  - name: ok\n    period: month\n    limit: 5\n  - name: typo\n    period: month\n    limit: 5\n    each: gatewya\n',
    );
    const r = await runMain(['budget', 'check', '--budgets', b, '--file', DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`unknown label "gatewya" in ${b}: budgets[1].each (typo)`);
    expect(r.stderr).toContain('(did you mean "gateway"?)');
  });
});

describe('a selector that matches no series says which matcher removed them', () => {
  it('--match with a value no series has: exit 4, naming the matcher and the values there are', async () => {
    const r = await runMain(['report', '--file', DEMO, '--match', 'gateway=~gw-.*', '--match', 'feature=serach']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(
      '--match feature=serach matched none of the 25 series (feature is chat, code-review, export, search, summarise)',
    );
    expect(r.stderr).not.toContain('gateway=~');
  });

  it('matchers that each match but not together are named together', async () => {
    const r = await runMain(['report', '--file', DEMO, '--match', 'gateway=gw-batch', '--match', 'feature=chat']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('no series matches all of gateway=gw-batch, feature=chat');
  });

  it('a budget scope that matches nothing names the value and the values there are', async () => {
    const b = join(dir, 'mars.yaml');
    writeFileSync(b, 'budgets:\n  - name: mars\n    period: month\n    limit: 5\n    match: { gateway: gw-mars }\n');
    const r = await runMain(['budget', 'check', '--budgets', b, '--file', DEMO]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(
      'mars: no series match its scope (gateway=gw-mars): gateway=gw-mars matched no series (gateway is gw-batch, gw-eu, gw-us)',
    );
  });
});

describe('edit distance', () => {
  it('counts insertions, deletions, substitutions and swapped neighbours', () => {
    expect(editDistance('model', 'model')).toBe(0);
    expect(editDistance('modle', 'model')).toBe(1);
    expect(editDistance('gatway', 'gateway')).toBe(1);
    expect(editDistance('team', 'tenant')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
