import { usageError } from '../errors.js';
import { FileSource } from './file.js';
import type { HttpSettings } from './http.js';
import { PrometheusSource } from './prometheus/source.js';
import { ScrapeSource } from './scrape.js';
import type { UsageSource } from './source.js';
import type { SourceSpec } from './spec.js';

/** Where the data comes from, resolved from flags, environment and config file. */
export interface SourceSettings {
  /** `--file` and `--scrape`, in the order given. */
  specs: SourceSpec[];
  /** `--scrape … --interval`: scrape twice this far apart. */
  scrapeIntervalMs?: number | undefined;
  /** `--prometheus` (or TOKENSPEND_PROMETHEUS_URL, or the config file). */
  prometheusUrl?: string | undefined;
  /** `--retries` for the server. */
  retries: number;
  /** `--count-samples` on a server. */
  countSamples: boolean;
  /** `--per-series`: the server answers series by series, not in sums per group. */
  perSeries?: boolean;
  /** `--concurrency`: queries in flight at once. */
  concurrency?: number;
  http: HttpSettings;
}

/** The sources to read, one per file, one for all scrape targets, one per server. */
export function openSources(settings: SourceSettings): UsageSource[] {
  const sources: UsageSource[] = [];
  if (settings.prometheusUrl !== undefined) {
    if (settings.specs.length > 0) throw usageError('--prometheus cannot be combined with --file or --scrape');
    sources.push(
      new PrometheusSource(
        { ...settings.http, url: settings.prometheusUrl, retries: settings.retries },
        { countSamples: settings.countSamples, perSeries: settings.perSeries === true, concurrency: settings.concurrency ?? 2 },
      ),
    );
  }
  for (const spec of settings.specs) if (spec.kind === 'file') sources.push(new FileSource(spec));
  const scrapes = settings.specs.filter((s) => s.kind === 'scrape');
  if (scrapes.length > 0) sources.push(new ScrapeSource(scrapes, settings.http, settings.scrapeIntervalMs));
  return sources;
}
