import { usageError } from '../errors.js';
import { parsePrice } from '../money.js';
import { userRegex } from '../regex.js';
import { TOKEN_TYPES, type TokenType } from '../model.js';
import { type NameForm, nameForms } from './names.js';
import { providerInfo, providerOfLabel, type ProviderInfo } from './providers.js';
import type { FxTable } from './fx.js';
import type { ModelData, PricingFileData, RateData } from './schema.js';
import { compareText, keyPart } from '../text.js';

/** Billing tiers a source may label a request with; `standard` is the default rates. */
export const SERVICE_TIERS = ['standard', 'batch', 'flex', 'priority'] as const;
export type ServiceTier = (typeof SERVICE_TIERS)[number];

/** Service tier label values (lower case) → billing tier; a value not here is a tier without rates. */
export const DEFAULT_TIER_VALUES: Readonly<Record<string, ServiceTier>> = {
  default: 'standard',
  standard: 'standard',
  auto: 'standard',
  on_demand: 'standard',
  'on-demand': 'standard',
  batch: 'batch',
  flex: 'flex',
  priority: 'priority',
};

/** Prices per token type, in nano-units per 1M tokens, with the decimal strings as written. */
export interface TypePrices {
  prices: Partial<Record<TokenType, bigint>>;
  text: Partial<Record<TokenType, string>>;
}

/** Rates that replace the base rates for a whole request whose input exceeds `above` tokens. */
export interface ContextTier extends TypePrices {
  above: number;
}

/** One dated set of rates; a missing type has no price. */
export interface Rate extends TypePrices {
  /** -Infinity: in force since the model appeared (the source gave no date). */
  from: number;
  /** Batch, flex and priority rates, where the file gives them. */
  tiers: Partial<Record<Exclude<ServiceTier, 'standard'>, TypePrices>>;
  context: ContextTier[];
}

/** One model of one provider, with the rates of the highest layer that defines it. */
export interface ModelPrice {
  id: string;
  provider: string;
  aliases: string[];
  patterns: string[];
  source: string | undefined;
  origin: string | undefined;
  checked: string | undefined;
  note: string | undefined;
  rates: Rate[];
  /** The file whose rates are used (later files override earlier ones per model). */
  file: string;
  layer: number;
  /** Lower layers' files that defined this model too, overridden. */
  overrides: string[];
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

/** How a name found its entry: which form, which kind of name, which provider rule. */
export interface Resolution {
  model: ModelPrice;
  form: NameForm;
  match: 'id' | 'alias' | 'pattern';
  /** The pattern that matched, for `match: pattern`. */
  pattern?: string;
  /** `label`: the series' provider; `name`: a provider the name revealed; `maker`: the maker of the model;
   * `list-price`: the maker's list price, charged by the labelled host; `only-listing`: the one provider listing the name. */
  scope: 'label' | 'name' | 'maker' | 'list-price' | 'only-listing';
}

/** Why a name has no price. */
export interface Unresolved {
  reason: 'unknown-model' | 'ambiguous-provider';
  /** Providers listing the name, when it is ambiguous. */
  providers?: string[];
  /** The provider label was not one we know; only the makers' list prices were tried. */
  unknownLabel?: string;
  /** The labelled provider, which has no entry for the name (nor resells it at a maker's list price). */
  provider?: string;
}

function typePrices(r: Partial<Record<TokenType, string | undefined>>): TypePrices {
  const prices: TypePrices['prices'] = {};
  const text: TypePrices['text'] = {};
  for (const t of TOKEN_TYPES) {
    const v = r[t];
    if (v !== undefined) {
      prices[t] = parsePrice(v);
      text[t] = v;
    }
  }
  return { prices, text };
}

/** `2025-01-31` is midnight UTC; full RFC 3339 times are taken as written; no date is "always". */
export function effectiveTime(from: string | undefined): number {
  if (from === undefined) return Number.NEGATIVE_INFINITY;
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(from) ? `${from}T00:00:00Z` : from);
}

function toRate(r: RateData): Rate {
  const tiers: Rate['tiers'] = {};
  if (r.batch) tiers.batch = typePrices(r.batch);
  if (r.flex) tiers.flex = typePrices(r.flex);
  if (r.priority) tiers.priority = typePrices(r.priority);
  const context = (r.context ?? []).map((c) => ({ above: c.above, ...typePrices(c) })).sort((a, b) => a.above - b.above);
  return { from: effectiveTime(r.from), ...typePrices(r), tiers, context };
}

interface Pattern {
  model: ModelPrice;
  source: string;
  re: RegExp | undefined;
}

/** One provider's names and patterns in one layer (the layer whose rates the models use). */
interface Scope {
  layer: number;
  exact: Map<string, ModelPrice>;
  patterns: Pattern[];
}

const lower = (s: string) => s.toLowerCase();
const isId = (m: ModelPrice | undefined, name: string) => m !== undefined && lower(m.id) === lower(name);
const compiled = (p: Pattern): RegExp => (p.re ??= userRegex(p.source, `${p.model.file}: models.${p.model.id}.patterns`, 'i'));

function union(a: readonly string[] | undefined, b: readonly string[] | undefined): string[] {
  const out = [...(a ?? [])];
  for (const x of b ?? []) if (!out.some((y) => lower(y) === lower(x))) out.push(x);
  return out;
}

/** One layer's entries of the providers in scope: each form, an exact name before a pattern. */
function searchLayer(forms: NameForm[], scopes: Scope[], scope: Resolution['scope']): Resolution | undefined {
  for (const form of forms) {
    const key = lower(form.name);
    for (const s of scopes) {
      const hit = s.exact.get(key);
      if (hit) return { model: hit, form, match: isId(hit, form.name) ? 'id' : 'alias', scope };
    }
    for (const s of scopes) {
      const pat = s.patterns.find((p) => compiled(p).test(form.name));
      if (pat) return { model: pat.model, form, match: 'pattern', pattern: pat.source, scope };
    }
  }
  return undefined;
}

/**
 * All models of all price files, by provider. A name resolves in three steps, each explained by
 * `pricing show` (docs/pricing.md has the full text):
 * 1. provider — the series' provider label, else a provider the name reveals, else the model's
 *    maker; a host without its own entry falls back to a maker's list price only where it is known
 *    to resell at list price;
 * 2. layer — within a provider, the last file first (user files over the curated list over the
 *    generated catalogue): an entry of a higher layer that the name reaches by any rule wins over
 *    a lower layer's exact entry; a model restated by a higher layer keeps the names of the lower;
 * 3. name — the name as written, then each rewritten form (`nameForms`), most specific first;
 *    for each form an exact id or alias before a pattern.
 * No fuzzy matching: a name that matches nothing is unpriced.
 */
export class PriceBook {
  readonly files: PricingFileInfo[];
  /** The report's currency: the files' own, or the one `--currency` converts to. */
  readonly currency: string;
  /** Report-time conversion, when asked for. */
  readonly fx: FxTable | undefined;
  /** Service tier label values → billing tiers. */
  readonly tierValues: Readonly<Record<string, ServiceTier>>;
  /**
   * How many of the lowest layers are list prices (the bundled catalogue and curated list); the
   * layers above are the user's own (contracts, discounts). 0 when no bundled list was loaded.
   */
  readonly listLayers: number;
  private readonly loaded: readonly LoadedPricing[];
  private listBook: PriceBook | undefined;
  /** Every dated rate change of every layer, overridden entries included (list prices change there too). */
  private readonly changes = new Set<number>();
  private readonly models = new Map<string, ModelPrice>();
  /** provider → its entries per layer, highest layer first. */
  private readonly scopes = new Map<string, Scope[]>();
  private readonly cache = new Map<string, Resolution | Unresolved>();

  constructor(
    loaded: readonly LoadedPricing[],
    options: { fx?: FxTable; tierValues?: Readonly<Record<string, ServiceTier>>; listLayers?: number } = {},
  ) {
    this.files = loaded.map((l) => l.info);
    this.loaded = loaded;
    this.listLayers = Math.min(options.listLayers ?? 0, loaded.length);
    this.fx = options.fx;
    this.currency = options.fx?.quote ?? loaded[0]?.info.currency ?? 'USD';
    this.tierValues = options.tierValues ?? DEFAULT_TIER_VALUES;
    loaded.forEach(({ info, data }, layer) => {
      const pending: [string, ModelPrice][] = [];
      for (const [key, m] of Object.entries(data.models)) pending.push(this.define(key, m, info.path, layer));
      // Registered after the whole file is read, so that keys without provider resolve against lower layers only.
      for (const [identity, model] of pending) {
        this.models.delete(identity);
        this.models.set(identity, model);
      }
      this.index();
    });
  }

  /** One entry of one file, merged with the model it restates. */
  private define(key: string, m: ModelData, file: string, layer: number): [string, ModelPrice] {
    let provider = m.provider;
    let id = key;
    if (provider === undefined) {
      const found = this.resolveName(key, undefined);
      if (!('model' in found)) {
        throw usageError(`${file}: models.${key}.provider: required, because no lower pricing layer prices "${key}"`);
      }
      provider = found.model.provider;
      if (found.match === 'id' && found.form.rules[0] === 'as-written') id = found.model.id;
    } else if (lower(key).startsWith(`${lower(provider)}/`)) {
      id = key.slice(provider.length + 1);
    }
    const identity = `${keyPart(lower(provider))}\u0000${keyPart(lower(id))}`;
    const earlier = this.models.get(identity);
    for (const r of m.prices) {
      const t = effectiveTime(r.from);
      if (Number.isFinite(t)) this.changes.add(t);
    }
    return [
      identity,
      {
        id,
        provider,
        aliases: union(earlier?.aliases, m.aliases),
        patterns: union(earlier?.patterns, m.patterns),
        source: m.source ?? (m.provider === undefined ? earlier?.source : undefined),
        origin: m.origin,
        checked: m.checked,
        note: m.note,
        // Parsed when first asked for: a report prices a few of the catalogue's ~1,500 models, and
        // parsing them all (exact decimals) was most of the book's build before the first request.
        get rates(): Rate[] {
          const rates = m.prices.map(toRate);
          Object.defineProperty(this, 'rates', { value: rates, enumerable: true, writable: true });
          return rates;
        },
        file,
        layer,
        overrides: earlier ? [...earlier.overrides, earlier.file] : [],
      },
    ];
  }

  private index(): void {
    this.scopes.clear();
    this.cache.clear();
    const byLayer = new Map<string, Map<number, Scope>>();
    for (const model of this.models.values()) {
      const p = lower(model.provider);
      let layers = byLayer.get(p);
      if (!layers) byLayer.set(p, (layers = new Map()));
      let scope = layers.get(model.layer);
      if (!scope) layers.set(model.layer, (scope = { layer: model.layer, exact: new Map(), patterns: [] }));
      // Within a layer the id beats another entry's alias, and the first of two equal names wins (file order).
      if (!scope.exact.has(lower(model.id)) || !isId(scope.exact.get(lower(model.id)), model.id)) scope.exact.set(lower(model.id), model);
      for (const a of model.aliases) if (!scope.exact.has(lower(a))) scope.exact.set(lower(a), model);
      for (const source of model.patterns) scope.patterns.push({ model, source, re: undefined });
    }
    for (const [p, layers] of byLayer)
      this.scopes.set(
        p,
        [...layers.entries()].sort((a, b) => b[0] - a[0]).map(([, s]) => s),
      );
  }

  /** The entry that prices `name` for a series with provider label `provider`, and how it was found. */
  resolve(name: string, provider?: string): Resolution | Unresolved {
    const key = `${keyPart(provider)}\u0000${keyPart(name)}`;
    let found = this.cache.get(key);
    if (!found) {
      found = this.resolveName(name, provider);
      this.cache.set(key, found);
    }
    return found;
  }

  /** The model that prices `name`, or undefined (unpriced). */
  model(name: string, provider?: string): ModelPrice | undefined {
    const r = this.resolve(name, provider);
    return 'model' in r ? r.model : undefined;
  }

  private resolveName(name: string, label: string | undefined): Resolution | Unresolved {
    const forms = nameForms(name.trim());
    const labelled = label === undefined || label === '' ? undefined : this.providerOf(label);
    if (labelled) return this.inProvider(forms, labelled, 'label') ?? { reason: 'unknown-model', provider: labelled.id };
    const unknownLabel = label === undefined || label === '' ? undefined : label;
    const revealed = forms.find((f) => f.hint !== undefined)?.hint;
    if (revealed && !unknownLabel) {
      const found = this.inProvider(forms, providerInfo(revealed), 'name');
      if (found) return found;
    }
    const makers = [...this.scopes.keys()].map(providerInfo).filter((p) => p.kind === 'maker');
    const byMaker = this.search(forms, makers, 'maker');
    if (byMaker) return byMaker;
    if (unknownLabel) return { reason: 'unknown-model', unknownLabel };
    return this.onlyListing(forms);
  }

  /** A provider id or label the price files or the provider table know. */
  private providerOf(label: string): ProviderInfo | undefined {
    const known = providerOfLabel(label);
    if (known) return known;
    return this.scopes.has(lower(label)) ? providerInfo(lower(label)) : undefined;
  }

  private inProvider(forms: NameForm[], p: ProviderInfo, scope: 'label' | 'name'): Resolution | undefined {
    return this.search(forms, [p], scope) ?? this.search(forms, (p.resellsAtList ?? []).map(providerInfo), 'list-price');
  }

  /** Layer by layer, highest first: each form, exact names before patterns; a maker only for names it claims. */
  private search(forms: NameForm[], providers: ProviderInfo[], scope: Resolution['scope']): Resolution | undefined {
    const eligible = providers.filter((p) => scope !== 'maker' || !p.claims || forms.some((f) => p.claims?.test(f.name)));
    const layers = new Map<number, Scope[]>();
    for (const p of eligible) {
      for (const s of this.scopes.get(lower(p.id)) ?? []) {
        layers.set(s.layer, [...(layers.get(s.layer) ?? []), s]);
      }
    }
    for (const [, scopes] of [...layers.entries()].sort((a, b) => b[0] - a[0])) {
      const found = searchLayer(forms, scopes, scope);
      if (found) return found;
    }
    return undefined;
  }

  /** Without a provider label: a host's entry only when it is the one provider listing the name exactly. */
  private onlyListing(forms: NameForm[]): Resolution | Unresolved {
    for (const form of forms) {
      const hits: ModelPrice[] = [];
      for (const layers of this.scopes.values()) {
        const hit = layers.map((s) => s.exact.get(lower(form.name))).find((m) => m !== undefined);
        if (hit) hits.push(hit);
      }
      if (hits.length === 1) {
        const model = hits[0] as ModelPrice;
        return { model, form, match: isId(model, form.name) ? 'id' : 'alias', scope: 'only-listing' };
      }
      if (hits.length > 1) return { reason: 'ambiguous-provider', providers: hits.map((m) => m.provider).sort() };
    }
    return { reason: 'unknown-model' };
  }

  /** Every model, sorted by provider and id. */
  list(): ModelPrice[] {
    return [...this.models.values()].sort((a, b) => compareText(a.provider, b.provider) || compareText(a.id, b.id));
  }

  /** Every entry, of any provider and layer, that some form of the name reaches: what `pricing show` lists as not chosen. */
  candidates(name: string): { model: ModelPrice; form: string; match: 'id' | 'alias' | 'pattern' }[] {
    const out: { model: ModelPrice; form: string; match: 'id' | 'alias' | 'pattern' }[] = [];
    const seen = new Set<ModelPrice>();
    for (const form of nameForms(name.trim())) {
      for (const layers of this.scopes.values()) {
        for (const s of layers) {
          const hit = s.exact.get(lower(form.name));
          if (hit && !seen.has(hit)) {
            seen.add(hit);
            out.push({ model: hit, form: form.name, match: isId(hit, form.name) ? 'id' : 'alias' });
          }
          const pat = s.patterns.find((p) => !seen.has(p.model) && compiled(p).test(form.name));
          if (pat) {
            seen.add(pat.model);
            out.push({ model: pat.model, form: form.name, match: 'pattern' });
          }
        }
      }
    }
    return out;
  }

  /**
   * Every instant at which some price (or exchange rate) changes, in any layer: slices are split
   * there, so that a slice never straddles a change of the price in force, of the list price under
   * it, or of the exchange rate (a slice is converted at one rate).
   */
  changeTimes(): number[] {
    const set = new Set(this.changes);
    for (const r of this.fx?.rates ?? []) if (Number.isFinite(r.from)) set.add(r.from);
    return [...set].sort((a, b) => a - b);
  }

  /**
   * The list prices: a book of the list layers alone (the bundled lists), the same currency
   * conversion and tiers, so that a name resolves as it would without the user's files. It is
   * this book itself when no user file is layered over the list, and undefined when no list
   * layer was loaded (`--no-default-pricing`): then the user's prices are the only ones.
   */
  listPrices(): PriceBook | undefined {
    if (this.listLayers === 0) return undefined;
    if (this.listLayers === this.loaded.length) return this;
    this.listBook ??= new PriceBook(this.loaded.slice(0, this.listLayers), {
      ...(this.fx ? { fx: this.fx } : {}),
      tierValues: this.tierValues,
      listLayers: this.listLayers,
    });
    return this.listBook;
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

/** The prices of one service tier of a rate; undefined when the file gives that tier no rates. */
export function tierPrices(rate: Rate, tier: ServiceTier): TypePrices | undefined {
  return tier === 'standard' ? rate : rate.tiers[tier];
}
