import type { ModelData, PricingFileData, RateData } from './schema.js';

/**
 * Our price-file format as YAML, written the same way every time so that a regenerated file
 * diffs line by line: one rate per line, keys in a fixed order, every string quoted.
 */
export function emitPricingYaml(data: PricingFileData, header: readonly string[] = []): string {
  const out: string[] = header.map((h) => (h === '' ? '#' : `# ${h}`));
  if (data.$schema !== undefined) out.push(`$schema: ${q(data.$schema)}`);
  out.push(`version: ${q(data.version)}`, `currency: ${q(data.currency)}`);
  if (data.generated)
    out.push(`generated: { from: ${q(data.generated.from)}, version: ${q(data.generated.version)}, date: ${q(data.generated.date)} }`);
  const entries = Object.entries(data.models);
  if (entries.length === 0) out.push('models: {}');
  else out.push('models:');
  for (const [key, m] of entries) out.push(...emitModel(key, m));
  return `${out.join('\n')}\n`;
}

const q = (s: string) => JSON.stringify(s);

function emitModel(key: string, m: ModelData): string[] {
  const lines = [`  ${q(key)}:`];
  const field = (name: string, v: string | undefined) => {
    if (v !== undefined) lines.push(`    ${name}: ${q(v)}`);
  };
  field('provider', m.provider);
  if (m.aliases && m.aliases.length > 0) lines.push(`    aliases: [${m.aliases.map(q).join(', ')}]`);
  if (m.patterns && m.patterns.length > 0) lines.push(`    patterns: [${m.patterns.map(q).join(', ')}]`);
  field('source', m.source);
  field('origin', m.origin);
  field('checked', m.checked);
  field('note', m.note);
  lines.push('    prices:');
  for (const r of m.prices) lines.push(`      - ${emitRate(r)}`);
  return lines;
}

const TYPES = ['input', 'cached_input', 'cache_write', 'output'] as const;

function flow(parts: string[]): string {
  return `{ ${parts.join(', ')} }`;
}

function typeParts(r: Partial<Record<(typeof TYPES)[number], string | undefined>>): string[] {
  return TYPES.filter((t) => r[t] !== undefined).map((t) => `${t}: ${q(r[t] as string)}`);
}

function emitRate(r: RateData): string {
  const parts: string[] = [];
  if (r.from !== undefined) parts.push(`from: ${q(r.from)}`);
  parts.push(...typeParts(r));
  for (const tier of ['batch', 'flex', 'priority'] as const) {
    const t = r[tier];
    if (t) parts.push(`${tier}: ${flow(typeParts(t))}`);
  }
  if (r.context && r.context.length > 0) {
    parts.push(`context: [${r.context.map((c) => flow([`above: ${c.above}`, ...typeParts(c)])).join(', ')}]`);
  }
  if (r.note !== undefined) parts.push(`note: ${q(r.note)}`);
  return flow(parts);
}
