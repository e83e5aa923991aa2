import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// An installed package has only its `dependencies`: src/ may import nothing else (a dev
// dependency works in the repository and fails with exit 70 once installed).

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('runtime imports', () => {
  it('src/ imports only node built-ins and the packages in dependencies', () => {
    const deps = Object.keys((JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    const bad: string[] = [];
    let seen = 0;
    for (const f of files('src')) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:^import\s[^'"]*?from\s*|import\s*\(\s*)'([^'.][^']*)'/gm)) {
        if (/^import\s+type\s/.test(m[0])) continue;
        const spec = m[1] as string;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string);
        seen++;
        if (!(spec.startsWith('node:') || builtinModules.includes(name) || deps.includes(name))) bad.push(`${f}: ${spec}`);
      }
    }
    expect(seen).toBeGreaterThan(10);
    expect(bad).toEqual([]);
  });
});
