import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

// The layers of src/, top to bottom (docs/architecture.md). A module may import only from a
// lower layer, or from its own folder; never upwards, never sideways into a sibling layer.
const LAYERS: readonly (readonly string[])[] = [
  ['cli.ts'],
  ['main.ts'],
  ['commands'],
  ['help.ts', 'options.ts', 'config', 'render'],
  ['rules'],
  ['pipeline.ts'],
  ['chargeback'],
  ['budget'],
  ['forecast'],
  ['cost'],
  ['sources'],
  ['pricing'],
  ['ledger'],
  ['dialects'],
  ['files'],
  ['model.ts', 'money.ts', 'regex.ts', 'text.ts'],
  ['errors.ts', 'findings.ts'],
];

const SRC = resolve('src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The top folder (or file) of src/ a module lives in. */
const unit = (file: string) => relative(SRC, file).split('/')[0] as string;
const layer = (file: string) => LAYERS.findIndex((l) => l.includes(unit(file)));

/** Static and dynamic imports of our own modules, as absolute .ts paths. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)\.js'/g)) out.push(resolve(dirname(file), `${m[1]}.ts`));
  return out;
}

const all = files(SRC);
const graph = new Map(all.map((f) => [f, imports(f)]));

describe('the structure of src/', () => {
  it('every module belongs to a layer', () => {
    expect(all.filter((f) => layer(f) < 0).map((f) => relative(SRC, f))).toEqual([]);
  });

  it('imports only go down the layers (or stay inside one folder)', () => {
    const upward: string[] = [];
    for (const [from, tos] of graph) {
      for (const to of tos) {
        if (unit(from) === unit(to)) continue;
        if (layer(to) <= layer(from)) upward.push(`${relative(SRC, from)} → ${relative(SRC, to)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no import cycles between files', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'open');
      stack.push(f);
      for (const to of graph.get(f) ?? []) {
        if (state.get(to) === 'open')
          cycles.push(
            stack
              .slice(stack.indexOf(to))
              .map((x) => relative(SRC, x))
              .join(' → '),
          );
        else if (!state.has(to)) visit(to);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of all) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
