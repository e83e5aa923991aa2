import type { ReplicaPolicy } from '../ledger/replicas.js';
import type { DialectChoice } from '../pipeline.js';
import type { SourceSettings } from '../sources/open.js';
import type { ConfigFile } from './config-file.js';
import type { Environment } from './environment.js';
import { loadConfig } from './load.js';
import {
  type ConnectionFlags,
  type PricingChoice,
  type PricingFlags,
  resolveDialects,
  resolveLookback,
  resolveMaxStaleness,
  resolveReplicas,
  resolvePricing,
  resolveSources,
  type SourceFlags,
} from './resolve.js';

/** The flags of every command that reads token data: source, connection, dialect, pricing, config. */
export type DataFlags = SourceFlags &
  ConnectionFlags &
  PricingFlags & {
    dialect?: string | undefined;
    lookback?: string | undefined;
    config?: string | false | undefined;
    replicaLabel?: string[] | undefined;
    serviceTierLabel?: string[] | undefined;
    dedupe?: boolean | undefined;
    maxStaleness?: string | undefined;
  };

/** Where the data comes from, how it is read, and how it is priced. */
export interface DataOptions {
  config: ConfigFile | undefined;
  sources: SourceSettings;
  dialects: DialectChoice;
  lookbackMs: number | undefined;
  replicas: ReplicaPolicy;
  maxStalenessMs: number | undefined;
  pricing: PricingChoice;
}

/** `scrapeInterval`: `report --interval`, the one command that scrapes twice. */
export async function resolveData(flags: DataFlags, env: Environment, scrapeInterval?: string): Promise<DataOptions> {
  const config = await loadConfig(flags.config, env);
  return {
    config,
    sources: await resolveSources(flags, flags, env, config, scrapeInterval),
    dialects: resolveDialects(flags, config),
    lookbackMs: resolveLookback(flags, config),
    replicas: resolveReplicas(flags, config),
    maxStalenessMs: resolveMaxStaleness(flags, config),
    pricing: resolvePricing(flags, config),
  };
}
