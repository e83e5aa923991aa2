import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { joinKey, keyPart } from '../../src/text.js';
import { report } from '../helpers/report.js';

// The ledger keys groups, series, cells and prices by values joined with U+0000–U+0003. A label
// value holding those characters must not make two label sets one key.

const NAME = 'agentgateway_gen_ai_client_token_usage_sum';
const BASE = 'gen_ai_token_type="input",gen_ai_request_model="gpt-4o",gen_ai_system="openai"';

/** Two samples an hour apart: a counter from 0 to `used`. */
function series(labels: string, used: number): string {
  return `${NAME}{${BASE},${labels}} 0 1790000000\n${NAME}{${BASE},${labels}} ${used} 1790003600\n`;
}

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tokenspend-keys-')), 'history.om');
  writeFileSync(path, `${text}# EOF\n`);
  return path;
}

describe('keys built from label values', () => {
  it('keeps groups apart whose values would join to the same text', async () => {
    // ["x\0y", "z"] and ["x", "y\0z"] both join to "x\0y\0z" with NUL between values.
    const r = await report({
      files: [file(series('team="x\u0000y",feature="z"', 100) + series('team="x",feature="y\u0000z"', 7))],
      by: ['team', 'feature'],
    });
    const rows = r.rows.map((row) => [row.group.team, row.group.feature, row.tokens.input]);
    expect(rows).toEqual([
      ['x\u0000y', 'z', 100],
      ['x', 'y\u0000z', 7],
    ]);
  });

  it('keeps series apart whose label text would read as other labels', async () => {
    // {team="x\0feature\u0001z"} would read, label by label, as {team="x", feature="z"}: two
    // series, not one whose counter jumps between them (a reset each time).
    const r = await report({
      files: [file(series('team="x\u0000feature\u0001z"', 100) + series('feature="z",team="x"', 7))],
      by: ['model'],
    });
    expect(r.totals.tokens.input).toBe(107);
    expect(r.coverage.resets).toBe(0);
    expect(r.coverage.series).toBe(2);
  });

  it('escapes only what a key uses, and keeps distinct values distinct', () => {
    expect(keyPart('gpt-4o')).toBe('gpt-4o');
    expect(keyPart(undefined)).toBe('\u0002');
    expect(keyPart('')).toBe('');
    const values = ['a\u0000b', 'a', 'b', 'a\u00040', '\u0002', '\u00042', 'a\u0004'];
    const keys = new Set([...values.map((v) => keyPart(v)), keyPart(undefined)]);
    expect(keys.size).toBe(values.length + 1);
    expect(joinKey(['a\u0000b', 'c'])).not.toBe(joinKey(['a', 'b\u0000c']));
    expect(joinKey(['a', 'b'])).toBe('a\u0000b');
  });
});
