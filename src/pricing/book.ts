import { parsePrice } from '../money.js';
import { userRegex } from '../regex.js';
import type { TokenType } from '../model.js';
import type { PricingFileData } from './schema.js';

/** One dated set of rates, in nano-units per 1M tokens; a missing type has no price. */
export interface Rate {
  from: number;
  prices: Partial<Record<TokenType, bigint>>;
  /** The decimal strings as written, for `pricing show`. */
  text: Partial<Record<TokenType, string>>;
}

export interface ModelPrice {
  id: string;
  provider: string;
  aliases: string[];
  patterns: string[];
  source: string | undefined;
  checked: string | undefined;
  rates: Rate[];
  /** The file that defined it (later files override earlier ones per model). */
  file: string;
}

export interface PricingFileInfo {
  path: string;
  version: string;
  sha256: string;
  currency: string;
}

/** A price file after validation. */
export interface LoadedPricing {
  info: PricingFileInfo;
  data: PricingFileData;
}

const TYPES: readonly TokenType[] = ['input', 'cached_input', 'cache_write', 'output'];

/** `2025-01-31` is midnight UTC; full RFC 3339 times are taken as written. */
export function effectiveTime(from: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(from) ? `${from}T00:00:00Z` : from);
}

/**
 * All models of all price files, resolved by exact id or alias first, then by pattern, later
 * files first. No fuzzy matching: a name that matches nothing is unpriced.
 */
export class PriceBook {
  readonly files: PricingFileInfo[];
  readonly currency: string;
  private readonly exact = new Map<string, ModelPrice>();
  private readonly patterns: { re: RegExp; model: ModelPrice }[] = [];
  private readonly models: ModelPrice[] = [];
  private readonly cache = new Map<string, ModelPrice | undefined>();

  constructor(loaded: readonly LoadedPricing[]) {
    this.files = loaded.map((l) => l.info);
    this.currency = loaded[0]?.info.currency ?? 'USD';
    const byId = new Map<string, ModelPrice>();
    for (const { info, data } of loaded) {
      for (const [id, m] of Object.entries(data.models)) {
        const key = id.toLowerCase();
        const earlier = byId.get(key);
        // Delete first so that iteration order is "latest definition last".
        byId.delete(key);
        byId.set(key, {
          id,
          provider: m.provider,
          // An override that only changes prices keeps the names it overrides.
          aliases: m.aliases ?? earlier?.aliases ?? [],
          patterns: m.patterns ?? earlier?.patterns ?? [],
          source: m.source,
          checked: m.checked,
          rates: m.prices.map((r) => {
            const prices: Rate['prices'] = {};
            const text: Rate['text'] = {};
            for (const t of TYPES) {
              const v = r[t];
              if (v !== undefined) {
                prices[t] = parsePrice(v);
                text[t] = v;
              }
            }
            return { from: effectiveTime(r.from), prices, text };
          }),
          file: info.path,
        });
      }
    }
    // Later definitions win: register in file order, so a later id or alias overwrites.
    for (const m of byId.values()) {
      this.models.push(m);
      this.exact.set(m.id.toLowerCase(), m);
      for (const a of m.aliases) this.exact.set(a.toLowerCase(), m);
    }
    for (const m of [...this.models].reverse()) {
      for (const p of m.patterns) this.patterns.push({ re: userRegex(p, `${m.file}: models.${m.id}.patterns`, 'i'), model: m });
    }
  }

  /** The model that prices `name`, or undefined (unpriced). */
  resolve(name: string): ModelPrice | undefined {
    if (this.cache.has(name)) return this.cache.get(name);
    const key = name.toLowerCase();
    let found = this.exact.get(key);
    if (!found) found = this.patterns.find((p) => p.re.test(name))?.model;
    this.cache.set(name, found);
    return found;
  }

  /** Every model, sorted by id. */
  list(): ModelPrice[] {
    return [...this.models].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Every instant at which some price changes: slices are split there. */
  changeTimes(): number[] {
    const set = new Set<number>();
    for (const m of this.models) for (const r of m.rates) set.add(r.from);
    return [...set].sort((a, b) => a - b);
  }
}

/** The rates in force at `t` (the last with from ≤ t), or undefined before the first. */
export function rateAt(model: ModelPrice, t: number): Rate | undefined {
  let found: Rate | undefined;
  for (const r of model.rates) {
    if (r.from <= t) found = r;
    else break;
  }
  return found;
}
