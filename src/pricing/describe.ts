import { isoTime } from '../ledger/time.js';
import { TOKEN_TYPES, type TokenType } from '../model.js';
import { type ModelPrice, type PriceBook, type PricingFileInfo, type Rate, type Resolution, rateAt, type TypePrices } from './book.js';
import { displayPath } from './load.js';

type Prices = Record<TokenType, string | null>;

function prices(p: TypePrices): Prices {
  return Object.fromEntries(TOKEN_TYPES.map((t) => [t, p.text[t] ?? null])) as Prices;
}

/** One dated rate as written: `from` null when in force since the model appeared. */
export type RateText = Prices & {
  from: string | null;
  tiers?: Record<string, Prices>;
  context?: (Prices & { above: number })[];
};

function rateText(r: Rate): RateText {
  return {
    from: Number.isFinite(r.from) ? isoTime(r.from) : null,
    ...prices(r),
    ...(Object.keys(r.tiers).length > 0
      ? { tiers: Object.fromEntries(Object.entries(r.tiers).map(([k, v]) => [k, prices(v as TypePrices)])) }
      : {}),
    ...(r.context.length > 0 ? { context: r.context.map((c) => ({ above: c.above, ...prices(c) })) } : {}),
  };
}

/** A model's prices as plain data, for `pricing list/show`. */
export function describeModel(m: ModelPrice, at: number) {
  const current = rateAt(m, at);
  return {
    id: m.id,
    provider: m.provider,
    aliases: m.aliases,
    patterns: m.patterns,
    source: m.source ?? null,
    origin: m.origin ?? null,
    checked: m.checked ?? null,
    note: m.note ?? null,
    file: displayPath(m.file),
    overrides: m.overrides.map(displayPath),
    current: current ? rateText(current) : null,
    history: m.rates.map(rateText),
  };
}
export type ModelDescription = ReturnType<typeof describeModel>;

/** `pricing list`: every model with the rates in force at `at`. */
export interface PriceList {
  currency: string;
  files: PricingFileInfo[];
  models: ModelDescription[];
}

export function priceList(book: PriceBook, at: number): PriceList {
  return { currency: book.currency, files: book.files, models: book.list().map((m) => describeModel(m, at)) };
}

/** The order in which a name finds its price, as `pricing show` prints it (docs/pricing.md). */
export const PRECEDENCE = [
  "1. provider: the series' provider label; else a provider the name reveals (bedrock/…, us.anthropic.…, …@20250929); else the model's maker. A host without its own entry falls back to a maker's list price only where it resells at list price (Bedrock, Vertex and Azure for first-party models, OpenRouter). Without any label, a host's entry is used only when it is the one provider listing the name.",
  "2. layer: the last --pricing file first, then the curated pricing/default.yaml, then the generated pricing/catalogue.yaml. An entry of a higher layer that the name reaches by any rule wins; a lower layer's entry for the same model gives only the names it adds.",
  '3. name: as written, then each rewritten form (provider prefix, deployment scope, Bedrock region, vendor and version, Vertex @version, Azure spelling, date suffix, dots as dashes); for each form an exact id or alias before a pattern.',
];

/** `pricing show NAME`: the entry that prices a name, how it was found, and what else the name could reach. */
export interface PriceShow {
  asked: string;
  providerLabel: string | null;
  currency: string;
  resolution: { form: string; rules: readonly string[]; match: Resolution['match']; pattern: string | null; scope: Resolution['scope'] };
  model: ModelDescription;
  /** Entries some form of the name also reaches, not chosen, with their file. */
  notChosen: { id: string; provider: string; file: string; form: string; match: string }[];
  precedence: readonly string[];
}

export function priceShow(book: PriceBook, asked: string, providerLabel: string | undefined, r: Resolution, at: number): PriceShow {
  return {
    asked,
    providerLabel: providerLabel ?? null,
    currency: book.currency,
    resolution: { form: r.form.name, rules: r.form.rules, match: r.match, pattern: r.pattern ?? null, scope: r.scope },
    model: describeModel(r.model, at),
    notChosen: book
      .candidates(asked)
      .filter((c) => c.model !== r.model)
      .map((c) => ({ id: c.model.id, provider: c.model.provider, file: displayPath(c.model.file), form: c.form, match: c.match })),
    precedence: PRECEDENCE,
  };
}
