import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { closedPort, run } from '../helpers/cli.js';

// The GitHub Action's step (scripts/action.sh) run as a runner would: INPUT_* variables, and the
// files GITHUB_OUTPUT and GITHUB_STEP_SUMMARY. action.yml itself is checked against the script.

const DEMO = 'fixtures/demo/history.om.gz';

function step(inputs: Record<string, string>): Promise<{ code: number | null; outputs: Record<string, string>; summary: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tokenspend-action-'));
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary.md') };
  writeFileSync(files.GITHUB_OUTPUT, '');
  writeFileSync(files.GITHUB_STEP_SUMMARY, '');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['scripts/action.sh'], {
      env: { PATH: process.env.PATH, TZ: 'UTC', RUNNER_TEMP: dir, ...files, ...inputs },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const outputs = Object.fromEntries(
        readFileSync(files.GITHUB_OUTPUT, 'utf8')
          .trim()
          .split('\n')
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      resolve({ code, outputs, summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8') });
    });
  });
}

// Each test runs tokenspend two or three times: generous under a loaded machine.
describe('the GitHub Action', { timeout: 60_000 }, () => {
  it('budget check: keeps exit 1, names the failing budgets, and writes the Markdown to the job summary', async () => {
    // The example budgets pass on the demo; platform-monthly's forecast breach fails with --fail-on forecast.
    const inputs = {
      INPUT_COMMAND: 'budget check',
      INPUT_BUDGETS: 'docs/examples/budgets.yaml',
      INPUT_ARGS: `--file ${DEMO} --fail-on forecast`,
    };
    const [r, json] = await Promise.all([
      step(inputs),
      run(['budget', 'check', '--budgets', 'docs/examples/budgets.yaml', '--file', DEMO, '--fail-on', 'forecast', '--format', 'json']),
    ]);
    const j = JSON.parse(json.stdout);
    expect(r.code).toBe(1);
    expect(r.outputs.status).toBe('breached');
    expect(r.outputs['exit-code']).toBe('1');
    expect(JSON.parse(r.outputs.spent as string)).toEqual(Object.fromEntries(j.budgets.map((b: any) => [b.instance, b.spent])));
    expect((r.outputs.failing as string).split(',').sort()).toEqual(
      j.budgets
        .filter((b: any) => b.fails)
        .map((b: any) => b.instance)
        .sort(),
    );
    expect(r.outputs.failing).toBe('platform-monthly');
    expect(r.summary).toMatch(/^### LLM budgets: ❌ 1 failing/);
  });

  it('report: the total as `spent`, the same Markdown as the command prints, quoted arguments kept whole', async () => {
    const args = ['--file', 'fixtures/dialects/litellm.prom', '--by', 'team,model'];
    const r = await step({ INPUT_COMMAND: 'report', INPUT_ARGS: `--file 'fixtures/dialects/litellm.prom' --by "team,model"` });
    const [json, md] = await Promise.all([run(['report', ...args, '--format', 'json']), run(['report', ...args, '--format', 'markdown'])]);
    expect(r.code).toBe(0);
    expect(r.outputs.status).toBe('ok');
    expect(Number(r.outputs.spent)).toBe(JSON.parse(json.stdout).totals.totalCost);
    // The same table and total (the summary run is pinned to the JSON's instant with --now; for a
    // relative window its line would say "7d" where the unpinned one says "7d up to the last sample").
    const table = (text: string) => text.split('\n').filter((l) => l.startsWith('|') || l.startsWith('###'));
    expect(table(r.summary)).toEqual(table(md.stdout));
    expect(table(r.summary).length).toBeGreaterThan(3);
  });

  it('a source that cannot be reached: exit 3, status source-error, the reason in the summary', async () => {
    const port = await closedPort();
    const r = await step({
      INPUT_COMMAND: 'report',
      INPUT_PROMETHEUS_URL: `http://127.0.0.1:${port}`,
      INPUT_ARGS: '--window 1d --retries 0',
    });
    expect(r.code).toBe(3);
    expect(r.outputs.status).toBe('source-error');
    expect(r.outputs.spent).toBe('');
    expect(r.summary).toContain('connection refused');
  });

  it('refuses a command it does not run', async () => {
    const r = await step({ INPUT_COMMAND: 'doctor' });
    expect(r.code).toBe(2);
  });

  it('action.yml hands every input to the script and takes every output from it', async () => {
    const action = parse(readFileSync('action.yml', 'utf8')) as any;
    const script = readFileSync('scripts/action.sh', 'utf8') + readFileSync('scripts/action-outputs.mjs', 'utf8');
    const runStep = action.runs.steps.find((s: any) => s.id === 'run');
    expect(runStep.run).toContain('scripts/action.sh');
    for (const input of Object.keys(action.inputs).filter((i) => i !== 'node-version')) {
      const variable = `INPUT_${input.toUpperCase().replace(/-/g, '_')}`;
      expect(runStep.env[variable], input).toBe(`\${{ inputs.${input} }}`);
      expect(script, variable).toContain(variable);
    }
    const r = await step({ INPUT_COMMAND: 'report', INPUT_ARGS: '--file fixtures/dialects/kong.prom' });
    expect(r.code).toBe(0);
    for (const [name, output] of Object.entries<any>(action.outputs)) {
      expect(output.value).toBe(`\${{ steps.run.outputs.${name} }}`);
      expect(Object.keys(r.outputs), name).toContain(name);
    }
  });
});
