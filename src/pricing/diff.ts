import { parsePrice } from '../money.js';
import { TOKEN_TYPES } from '../model.js';
import { type ModelPrice, type PriceBook, type Rate, rateAt } from './book.js';

/** One difference between two price sources for one model. */
export interface PriceChange {
  kind: 'added' | 'removed' | 'changed';
  /** The model as the first source names it (the second's name for `added`). */
  model: string;
  provider: string;
  /** The other source's name for it, where it differs. */
  as: string | null;
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

/** Field-by-field differences of two models' rates in force at `at`. */
export function compareModels(a: ModelPrice, b: ModelPrice, at: number): PriceChange[] {
  const fa = flatten(rateAt(a, at));
  const fb = flatten(rateAt(b, at));
  const out: PriceChange[] = [];
  const as = b.id.toLowerCase() === a.id.toLowerCase() ? null : b.id;
  for (const field of new Set([...fa.keys(), ...fb.keys()])) {
    const before = fa.get(field) ?? null;
    const after = fb.get(field) ?? null;
    if (before !== null && after !== null && value(field, before) === value(field, after)) continue;
    const changePct = before !== null && after !== null ? pct(field, before, after) : null;
    out.push({ kind: 'changed', model: a.id, provider: a.provider, as, field, before, after, changePct });
  }
  return out;
}

/**
 * What B says differently from A: each of B's models is looked up in A by the same rules a
 * report uses (so `bedrock/us.anthropic.…` in one and `claude-…` in the other are one model);
 * A's models that no name of B reaches are `removed`.
 */
export function diffBooks(a: PriceBook, b: PriceBook, at: number, names: { a: string; b: string }): PriceDiff {
  const changes: PriceChange[] = [];
  const reached = new Set<ModelPrice>();
  const counts = { added: 0, removed: 0, changed: 0, same: 0 };
  const compared = new Set<string>();
  for (const mb of b.list()) {
    const ma = a.model(mb.id, mb.provider);
    if (!ma) {
      counts.added++;
      changes.push({
        kind: 'added',
        model: mb.id,
        provider: mb.provider,
        as: null,
        field: null,
        before: null,
        after: null,
        changePct: null,
      });
      continue;
    }
    reached.add(ma);
    const found = compareModels(ma, mb, at);
    const key = `${ma.provider}/${ma.id}\u0000${JSON.stringify(found.map((c) => [c.field, c.after]))}`;
    if (compared.has(key)) continue;
    compared.add(key);
    if (found.length === 0) counts.same++;
    else counts.changed++;
    changes.push(...found);
  }
  for (const ma of a.list()) {
    if (reached.has(ma) || b.model(ma.id, ma.provider)) continue;
    counts.removed++;
    changes.push({
      kind: 'removed',
      model: ma.id,
      provider: ma.provider,
      as: null,
      field: null,
      before: null,
      after: null,
      changePct: null,
    });
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
    const other = against.model(m.id, m.provider);
    if (!other) {
      report.unknownThere.push(`${m.provider}/${m.id}`);
      continue;
    }
    report.compared++;
    for (const c of compareModels(m, other, at)) {
      if (c.before === null || c.after === null) report.oneSided.push(c);
      else if (c.changePct === null || Math.abs(c.changePct) > tolerancePct) report.drift.push(c);
    }
  }
  return report;
}
