import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../src/model.js';
import { ExpositionParser } from '../../src/sources/exposition.js';
import { runMain } from '../helpers/inprocess.js';

// A plain file is read into two buffers in turn, so the parser must never keep a chunk (or a view
// of it) after `push` returns: a line cut by a chunk's edge, a character cut in half, a line
// longer than a chunk, a history's repeated series read as bytes.
const NAME = 'agentgateway_gen_ai_client_token_usage_sum';

function samplesOf(pieces: Buffer[], reuse: boolean): Sample[] {
  const got: Sample[] = [];
  const p = new ExpositionParser({ onSample: (s) => got.push({ ...s, labels: { ...s.labels } }) });
  const shared = Buffer.alloc(Math.max(1, ...pieces.map((x) => x.length)));
  for (const piece of pieces) {
    if (!reuse) {
      p.push(piece);
      continue;
    }
    piece.copy(shared);
    p.push(shared.subarray(0, piece.length));
    shared.fill(0x7b); // `{`: whatever the parser kept now reads as garbage
  }
  p.end();
  return got;
}

function cut(bytes: Buffer, at: number[]): Buffer[] {
  const edges = [...new Set(at.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const e of [...edges, bytes.length]) {
    if (e > from) out.push(bytes.subarray(from, e));
    from = Math.max(from, e);
  }
  return out;
}

const value = fc.constantFrom('gpt-4o', 'é', '漢字', '🙂', 'a}"\\"b', 'x'.repeat(300));
const line = fc
  .record({
    team: value,
    n: fc.integer({ min: 0, max: 3 }),
    v: fc.nat(1e9),
    t: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  })
  .map(
    ({ team, n, v, t }) =>
      `${NAME}{gen_ai_token_type="input",gen_ai_request_model="m${n}",team="${team.replace(/["\\]/g, '\\$&')}"} ${v}${t === undefined ? '' : ` ${t * 60}`}`,
  );

describe('a chunk handed to the parser may be overwritten once push returns', () => {
  it('gives the same samples as the whole text at once, wherever the chunks are cut', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 30 }), (lines, at) => {
        // Repeating each line makes a history's "same series as the line before" path run too.
        const bytes = Buffer.from(lines.flatMap((l) => [l, l]).join('\n') + '\n');
        const whole = samplesOf([bytes], false);
        expect(samplesOf(cut(bytes, at), true)).toEqual(whole);
        expect(whole).toHaveLength(lines.length * 2);
      }),
      { numRuns: 300 },
    );
  });
});

describe('report --file on a file of many chunks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokenspend-chunks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts every line: edges inside lines and characters, a line longer than a chunk, plain and gzip alike', async () => {
    // 3,000 series of 1,000 input tokens each, one with a 100 KiB label value, labels with
    // characters of two, three and four bytes: about 0.5 MB, eight or more chunks of 64 KiB.
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const team = i === 1234 ? 'y'.repeat(100 * 1024) : `${'é漢🙂'.repeat(i % 7)}team-${i}`;
      lines.push(`${NAME}{gen_ai_token_type="input",gen_ai_request_model="gpt-4o",team="${team}"} 1000`);
    }
    const text = lines.join('\n') + '\n';
    const plain = join(dir, 'snapshot.prom');
    writeFileSync(plain, text);
    writeFileSync(`${plain}.gz`, gzipSync(text));
    for (const path of [plain, `${plain}.gz`]) {
      const r = await runMain(['report', '--file', path, '--by', 'model', '--format', 'json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const json = JSON.parse(r.stdout) as { totals: { tokens: { input: number } }; coverage: { series: number } };
      expect(json.totals.tokens.input).toBe(3_000_000);
      expect(json.coverage.series).toBe(3000);
    }
  });

  it('closes the file when a line deep in it is malformed (exit 3, naming the file and line)', async () => {
    const good = Array.from(
      { length: 20_000 },
      (_, i) => `${NAME}{gen_ai_token_type="input",gen_ai_request_model="gpt-4o",team="t${i}"} 1`,
    );
    const path = join(dir, 'broken.prom');
    writeFileSync(path, [...good, `${NAME}{gen_ai_token_type="input" 1`, ...good.slice(0, 100)].join('\n') + '\n');
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    const r = await runMain(['report', '--file', path, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('broken.prom:20001: expected');
    expect(open()).toBe(before);
  });
});
