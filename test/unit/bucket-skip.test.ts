import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Classifier, withoutFinalLe } from '../../src/dialects/classifier.js';

// Bucket lines of models without a long-context tier are skipped before their labels are parsed;
// the answer is kept per histogram (its label text without a final `le`). A wanted model's line
// must never be skipped, whatever came before it.
const NAME = 'agentgateway_gen_ai_client_token_usage_bucket';
const wanted = (model: string) => model === 'gemini-2.5-pro';
const classifier = () => new Classifier({ buckets: true, bucketModels: (m) => wanted(m) });
const line = (pairs: [string, string][]) => `${NAME}{${pairs.map(([k, v]) => `${k}="${v}"`).join(',')}} 7`;

describe('bucket lines skipped by model', () => {
  it('cuts only a final le pair whose value has no quote', () => {
    expect(withoutFinalLe('{a="1",le="5"}')).toBe('{a="1"}');
    expect(withoutFinalLe('{le="+Inf"}')).toBe('{}');
    expect(withoutFinalLe('{le="5",a="1"}')).toBe('{le="5",a="1"}');
    expect(withoutFinalLe('{a="1",le="5",b="2"}')).toBe('{a="1",le="5",b="2"}');
    expect(withoutFinalLe('{a="x\\",le=\\"5"}')).toBe('{a="x\\",le=\\"5"}');
    expect(withoutFinalLe('{a="1"}')).toBe('{a="1"}');
    // A value may end in ",le=": then no le pair ends the text.
    expect(withoutFinalLe('{le="1",a=",le=",b="}"}')).toBe('{le="1",a=",le=",b="}"}');
    expect(withoutFinalLe('{m="x",le="5\\"}')).toBe('{m="x",le="5\\"}');
    expect(withoutFinalLe('{xle="5"}')).toBe('{xle="5"}');
  });

  it('decides each line by its own model, le first, last or in the middle', () => {
    const c = classifier();
    const pro = ['gen_ai_request_model', 'gemini-2.5-pro'] as [string, string];
    const mini = ['gen_ai_request_model', 'gpt-4o-mini'] as [string, string];
    const seen = [
      c.acceptName(NAME, line([['gateway', 'g'], pro, ['le', '1']])),
      c.acceptName(NAME, line([['gateway', 'g'], pro, ['le', '4']])),
      c.acceptName(NAME, line([['gateway', 'g'], mini, ['le', '4']])),
      // As long as the wanted model's name: the le pair at the same place.
      c.acceptName(
        NAME,
        line([
          ['gateway', 'g'],
          ['gen_ai_request_model', 'claude-haiku-4'],
          ['le', '4'],
        ]),
      ),
      c.acceptName(NAME, line([['gateway', 'g'], pro, ['le', '8']])),
      // The same text up to a final-looking le, then the model after it: not the line before's answer.
      c.acceptName(NAME, line([['gateway', 'g'], ['le', '4'], pro])),
      c.acceptName(NAME, line([['gateway', 'g'], ['le', '4'], mini])),
      c.acceptName(NAME, line([['le', '1'], mini, ['gateway', 'g']])),
      c.acceptName(NAME, line([['le', '1'], pro, ['gateway', 'g']])),
      // The line before's text, then a response model (read first) before the le pair.
      c.acceptName(NAME, line([['gateway', 'g'], mini, ['le', '4']])),
      c.acceptName(NAME, line([['gateway', 'g'], mini, ['gen_ai_response_model', 'gemini-2.5-pro'], ['le', '4']])),
    ];
    expect(seen).toEqual([true, true, false, false, true, true, false, false, true, false, true]);
  });

  it('is not fooled by a value ending in ",le=" followed by a value "}"', () => {
    const c = classifier();
    const tail = (model: string) => `${NAME}{le="1",a=",le=",b="}",gen_ai_request_model="${model}"} 7`;
    expect([c.acceptName(NAME, tail('gpt-4o-mini')), c.acceptName(NAME, tail('gemini-2.5-pro'))]).toEqual([false, true]);
    // An le value with an escaped quote, then a wanted response model: read as a fresh classifier reads it.
    const escaped = `${NAME}{gen_ai_request_model="gpt-4o-mini",le="5\\"}",gen_ai_response_model="gemini-2.5-pro"} 7`;
    c.acceptName(NAME, `${NAME}{gen_ai_request_model="gpt-4o-mini",le="5"} 7`);
    expect(c.acceptName(NAME, escaped)).toBe(classifier().acceptName(NAME, escaped));
  });

  it('gives a run of lines the answers a fresh classifier gives each line alone (property)', () => {
    const pair = fc.tuple(
      fc.constantFrom('gateway', 'team', 'gen_ai_request_model', 'gen_ai_response_model', 'le', 'x'),
      fc.constantFrom('a', '1', 'gemini-2.5-pro', 'claude-haiku-4', 'gpt-4o-mini', '', ',le=', '}', '5\\"'),
    );
    const lines = fc.array(
      fc.array(pair, { minLength: 1, maxLength: 5 }).map((pairs) => line(pairs)),
      { minLength: 1, maxLength: 30 },
    );
    fc.assert(
      fc.property(lines, (ls) => {
        const c = classifier();
        for (const l of ls) expect(c.acceptName(NAME, l)).toBe(classifier().acceptName(NAME, l));
      }),
      { numRuns: 300, seed: 26 },
    );
  });
});
