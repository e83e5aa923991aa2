import { describe, expect, it } from 'vitest';
import type { Labels } from '../../src/model.js';
import { ExpositionParser } from '../../src/sources/exposition.js';
import { runMain } from '../helpers/inprocess.js';

const NAME = 'agentgateway_gen_ai_client_token_usage_sum';
const line = (labels: string, value: number, seconds: number) => `${NAME}{${labels}} ${value} ${seconds}\n`;
const IN = 'gen_ai_token_type="input",gen_ai_request_model="gpt-4o"';

describe('a history whose series repeat line after line', () => {
  it('gives each line of one series the same labels, and other series their own, braces and quotes in values included', () => {
    const got: Labels[] = [];
    const p = new ExpositionParser({ onSample: (s) => got.push(s.labels) });
    const odd = 'gen_ai_token_type="input",route="a}\\"b",x="}"';
    p.push(line(IN, 1, 60) + line(IN, 2, 120) + line(odd, 3, 60) + line(odd, 4, 120) + line(IN, 5, 180));
    p.end();
    expect(got[0]).toBe(got[1]);
    expect(got[4]).toBe(got[0]);
    expect(got[2]).not.toBe(got[0]);
    expect({ ...got[0] }).toEqual({ gen_ai_token_type: 'input', gen_ai_request_model: 'gpt-4o' });
    expect({ ...got[2] }).toEqual({ gen_ai_token_type: 'input', route: 'a}"b', x: '}' });
    expect({ ...got[3] }).toEqual({ gen_ai_token_type: 'input', route: 'a}"b', x: '}' });
  });

  it('keeps reusing labels past 4,096 series when each repeats line after line', () => {
    const got: Labels[] = [];
    const p = new ExpositionParser({ onSample: (s) => got.push(s.labels) });
    let text = '';
    for (let k = 0; k < 5000; k++) text += line(`team="t${k}"`, 1, 60) + line(`team="t${k}"`, 2, 120);
    p.push(text);
    p.end();
    expect(got).toHaveLength(10_000);
    expect(got[9998]).toBe(got[9999]);
    expect({ ...got[9999] }).toEqual({ team: 't4999' });
  });
});

describe('report --file on a timestamped history', () => {
  it('counts samples out of order within 5 minutes exactly', async () => {
    // Minutes 1, 4, 2 (two minutes late), 5: 100 + 50 + 50 + 25 = 225 tokens (born at minute 1).
    const text = line(IN, 100, 60) + line(IN, 200, 240) + line(IN, 150, 120) + line(IN, 225, 300);
    const r = await runMain(['report', '--file', '-', '--format', 'json'], { stdin: text });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { totals: { tokens: { input: number } }; coverage: { samples: number; resets: number } };
    expect(json.totals.tokens.input).toBe(225);
    expect(json.coverage.resets).toBe(0);
    expect(json.coverage.samples).toBe(4);
  });

  it('stops with exit 3, naming the series and both times, on a sample older than the window behind a counted one', async () => {
    const text = line(IN, 100, 600) + line(IN, 200, 1200) + line(IN, 300, 1800) + line(IN, 150, 900);
    const r = await runMain(['report', '--file', '-', '--format', 'json'], { stdin: text });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('gen_ai_request_model="gpt-4o"');
    expect(r.stderr).toContain('a sample at 1970-01-01T00:15:00Z comes after one at 1970-01-01T00:20:00Z');
  });
});
