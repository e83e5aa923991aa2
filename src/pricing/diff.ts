import { parsePrice } from '../money.js';
import { TOKEN_TYPES } from '../model.js';
import { type ModelPrice, type PriceBook, type Rate, rateAt, type Resolution } from './book.js';

/** One difference between two price sources for one model. */
export interface PriceChange {
  kind: 'added' | 'removed' | 'changed';
  /** The model as the first source names it (the second's name for `added`). */
  model: string;
  provider: string;
  /** The other source's name for it where it differs: `provider/id` when the provider differs too. */
  as: string | null;
  /** How the other name reached this entry (`label`, `list-price: bedrock-vendor, date-suffix`…); null when as written. */
  via: string | null;
  /** `input`, `batch.output`, `context[0].above`…; null for added/removed models. */
  field: string | null;
  before: string | null;
  after: string | null;
  /** (after − before) / before, in percent; null where either side is missing or before is 0. */
  changePct: number | null;
}

export interface PriceDiff {
  at: string;
  a: string;
  b: string;
  changes: PriceChange[];
  counts: { added: number; removed: number; changed: number; same: number };
}

/** A rate as field → decimal text: the four types, each service tier's, each context tier's. */
export function flatten(r: Rate | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!r) return out;
  for (const t of TOKEN_TYPES) if (r.text[t] !== undefined) out.set(t, r.text[t] as string);
  for (const [tier, p] of Object.entries(r.tiers))
    for (const t of TOKEN_TYPES) if (p?.text[t] !== undefined) out.set(`${tier}.${t}`, p.text[t] as string);
  r.context.forEach((c, i) => {
    out.set(`context[${i}].above`, String(c.above));
    for (const t of TOKEN_TYPES) if (c.text[t] !== undefined) out.set(`context[${i}].${t}`, c.text[t] as string);
  });
  return out;
}

const value = (field: string, text: string): bigint => (field.endsWith('.above') ? BigInt(text) : parsePrice(text));

function pct(field: string, before: string, after: string): number | null {
  const b = value(field, before);
  if (b === 0n) return null;
  return Number(((value(field, after) - b) * 1_000_000n) / b) / 10_000;
}

/** How a name reached its entry, for a reader: the provider rule, then the name rules. */
function describeMatch(r: Resolution): string | null {
  const rules = r.form.rules[0] === 'as-written' ? [] : [...r.form.rules];
  if (r.match === 'pattern') rules.push('pattern');
  if (r.scope === 'label' && rules.length === 0) return null;
  return rules.length === 0 ? r.scope : `${r.scope}: ${rules.join(', ')}`;
}

/**
 * The entry of `book` that is the same model as `name` of `provider` in another source. A report
 * prices a series with an unknown provider label at the maker's list price; across two sources,
 * though, a host the other book does not list is not that maker: no match.
 */
export function sameModel(book: PriceBook, name: string, provider: string): Resolution | undefined {
  const r = book.resolve(name, provider);
  if (!('model' in r)) return undefined;
  if (r.scope === 'maker' && r.model.provider.toLowerCase() !== provider.toLowerCase()) return undefined;
  return r;
}

function otherName(a: ModelPrice, b: ModelPrice): string | null {
  if (b.provider.toLowerCase() !== a.provider.toLowerCase()) return `${b.provider}/${b.id}`;
  return b.id.toLowerCase() === a.id.toLowerCase() ? null : b.id;
}

/** Field-by-field differences of two models' rates in force at `at`. */
export function compareModels(a: ModelPrice, b: ModelPrice, at: number, via: string | null = null): PriceChange[] {
  const fa = flatten(rateAt(a, at));
  const fb = flatten(rateAt(b, at));
  const out: PriceChange[] = [];
  const as = otherName(a, b);
  for (const field of new Set([...fa.keys(), ...fb.keys()])) {
    const before = fa.get(field) ?? null;
    const after = fb.get(field) ?? null;
    if (before !== null && after !== null && value(field, before) === value(field, after)) continue;
    const changePct = before !== null && after !== null ? pct(field, before, after) : null;
    out.push({ kind: 'changed', model: a.id, provider: a.provider, as, via, field, before, after, changePct });
  }
  return out;
}

const alone = (kind: 'added' | 'removed', m: ModelPrice): PriceChange => ({
  kind,
  model: m.id,
  provider: m.provider,
  as: null,
  via: null,
  field: null,
  before: null,
  after: null,
  changePct: null,
});

/**
 * What B says differently from A: each of B's models is looked up in A by the same rules a
 * report uses (so `bedrock/us.anthropic.…` in one and `claude-…` in the other are one model),
 * but only within its own provider or a host that resells at list price (`sameModel`);
 * A's models that no name of B reaches are `removed`.
 */
export function diffBooks(a: PriceBook, b: PriceBook, at: number, names: { a: string; b: string }): PriceDiff {
  const changes: PriceChange[] = [];
  const reached = new Set<ModelPrice>();
  const counts = { added: 0, removed: 0, changed: 0, same: 0 };
  const compared = new Set<string>();
  for (const mb of b.list()) {
    const found = sameModel(a, mb.id, mb.provider);
    if (!found) {
      counts.added++;
      changes.push(alone('added', mb));
      continue;
    }
    const ma = found.model;
    reached.add(ma);
    const fields = compareModels(ma, mb, at, describeMatch(found));
    const key = `${ma.provider}/${ma.id}\u0000${mb.provider}\u0000${JSON.stringify(fields.map((c) => [c.field, c.after]))}`;
    if (compared.has(key)) continue;
    compared.add(key);
    if (fields.length === 0) counts.same++;
    else counts.changed++;
    changes.push(...fields);
  }
  for (const ma of a.list()) {
    if (reached.has(ma) || sameModel(b, ma.id, ma.provider)) continue;
    counts.removed++;
    changes.push(alone('removed', ma));
  }
  return { at: new Date(at).toISOString(), a: names.a, b: names.b, changes, counts };
}

/** A price drift check: our models in force compared with another source, field by field. */
export interface DriftReport {
  at: string;
  against: string;
  tolerancePct: number;
  /** Our models the other source prices too, and those it does not know. */
  compared: number;
  unknownThere: string[];
  /** Rates both sides give that differ by more than the tolerance (either way). */
  drift: PriceChange[];
  /** Types one side prices and the other does not (shown, not a failure). */
  oneSided: PriceChange[];
}

export function driftCheck(ours: readonly ModelPrice[], against: PriceBook, at: number, tolerancePct: number, name: string): DriftReport {
  const report: DriftReport = {
    at: new Date(at).toISOString(),
    against: name,
    tolerancePct,
    compared: 0,
    unknownThere: [],
    drift: [],
    oneSided: [],
  };
  for (const m of ours) {
    const found = sameModel(against, m.id, m.provider);
    const other = found?.model;
    if (!found || !other) {
      report.unknownThere.push(`${m.provider}/${m.id}`);
      continue;
    }
    report.compared++;
    for (const c of compareModels(m, other, at, describeMatch(found))) {
      if (c.before === null || c.after === null) report.oneSided.push(c);
      else if (c.changePct === null || Math.abs(c.changePct) > tolerancePct) report.drift.push(c);
    }
  }
  return report;
}
