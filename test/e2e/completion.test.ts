import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

// The bash script, sourced in a real bash and asked what it completes (zsh and fish: test/system).

const dir = mkdtempSync(join(tmpdir(), 'tokenspend-completion-'));
const script = join(dir, 'tokenspend.bash');

beforeAll(async () => {
  const r = await run(['completion', 'bash']);
  expect(r.code).toBe(0);
  writeFileSync(script, r.stdout);
});

/** What bash offers for the command line `words` (the last one being completed). */
function complete(...words: string[]): string[] {
  const setup = `source ${JSON.stringify(script)}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _tokenspend; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', setup], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter((l) => l !== '');
}

describe('tokenspend completion bash', () => {
  it('completes commands and sub-commands', () => {
    expect(complete('tokenspend', 'b')).toEqual(['budget']);
    expect(complete('tokenspend', 'pricing', '').sort()).toEqual(['diff', 'drift', 'import', 'list', 'show', 'validate']);
    expect(complete('tokenspend', 'pricing', 'import', '')).toEqual(['litellm', 'genai-prices']);
    expect(complete('tokenspend', 'pricing', 'import', 'litellm', '--')).toEqual(['--output', '--date']);
  });

  it("completes a command's own options and their choices", () => {
    expect(complete('tokenspend', 'budget', 'check', '--fail')).toEqual(['--fail-on']);
    expect(complete('tokenspend', 'budget', 'check', '--fail-on', '')).toEqual(['breach', 'forecast', 'warn']);
    // Each command's own formats: jsonl is report's only.
    expect(complete('tokenspend', 'report', '--format', '')).toEqual(['table', 'json', 'csv', 'markdown', 'html', 'jsonl']);
    expect(complete('tokenspend', 'forecast', '--format', '')).toEqual(['table', 'json', 'csv', 'markdown', 'html']);
    // doctor reads no files: no --file to offer.
    expect(complete('tokenspend', 'doctor', '--fi')).toEqual([]);
  });

  it('completes dynamic values: --by lists, model ids from the price list, time zones', async () => {
    const ids: string[] = JSON.parse((await run(['pricing', 'list', '--format', 'json'])).stdout).models.map((m: any) => m.id);
    const claude = [...new Set(ids.filter((id) => id.startsWith('claude-3-5-')))].sort();
    expect(claude.length).toBeGreaterThan(0);
    expect(complete('tokenspend', 'report', '--by', 'model,ga')).toEqual(['model,gateway']);
    expect(complete('tokenspend', 'pricing', 'show', 'claude-3-5-')).toEqual(claude);
    expect(complete('tokenspend', 'forecast', '--timezone', 'Europe/Berl')).toEqual(['Europe/Berlin']);
  });

  it('refuses a shell it does not know', async () => {
    const r = await run(['completion', 'powershell']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected one of bash, zsh, fish');
  });
});
