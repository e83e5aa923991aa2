import { isoTime } from '../ledger/time.js';
import { TOKEN_TYPES } from '../model.js';
import { type ModelPrice, type PriceBook, type PricingFileInfo, type Rate, rateAt } from './book.js';
import { displayPath } from './load.js';

type RateText = { from: string } & Record<string, string | null>;

function rateText(r: Rate): RateText {
  return { from: isoTime(r.from), ...Object.fromEntries(TOKEN_TYPES.map((t) => [t, r.text[t] ?? null])) };
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
    checked: m.checked ?? null,
    file: displayPath(m.file),
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

/** `pricing show NAME`: the entry that prices a name. */
export interface PriceShow {
  asked: string;
  currency: string;
  model: ModelDescription;
}
