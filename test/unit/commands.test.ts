import { describe, expect, it } from 'vitest';
import { COMMANDS, commandsNamed } from '../../src/commands/index.js';

describe('the command table', () => {
  it('each entry loads the definition of the same name', async () => {
    for (const entry of COMMANDS) expect((await entry.load()).name).toBe(entry.name);
  });

  it('loads only the commands named on the command line (and `help <name>`)', () => {
    const names = (args: string[]) => commandsNamed(args).map((c) => c.name);
    expect(names(['report', '--by', 'model'])).toEqual(['report']);
    expect(names(['--help'])).toEqual([]);
    expect(names(['budget', 'check', '--budgets', 'b.yaml'])).toEqual(['budget check']);
    expect(names(['help', 'forecast'])).toEqual(['forecast']);
    expect(names(['pricing'])).toEqual([
      'pricing list',
      'pricing show',
      'pricing import litellm',
      'pricing import genai-prices',
      'pricing diff',
      'pricing drift',
      'pricing validate',
    ]);
  });
});
