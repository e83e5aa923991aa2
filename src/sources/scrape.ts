import { readUserFile } from '../read-file.js';
import type { SourceInfo } from '../cost/report.js';
import { sourceError, usageError } from '../errors.js';
import type { UsageStore } from '../ledger/store.js';
import { ExpositionParser } from './exposition.js';
import { redactUrl, type SourceSpec } from './spec.js';

export interface ScrapeAuth {
  /** Extra request headers, from `--header 'K: V'`. */
  headers: Record<string, string>;
  /** From TOKENSPEND_BEARER_TOKEN or --bearer-token-file; never from a flag value. */
  bearerToken?: string | undefined;
}

export interface ScrapeOptions {
  store: UsageStore;
  acceptName: (name: string) => boolean;
  timeoutMs: number;
  auth: ScrapeAuth;
  /** Scrape twice this far apart and report the usage between the two. */
  intervalMs?: number | undefined;
  /** Sleeps between rounds; injected so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Clock for the scrape time. */
  now?: () => number;
}

export interface ScrapeResult {
  sources: SourceInfo[];
  /** When each round of scrapes finished, in order. */
  rounds: number[];
}

const ACCEPT = 'application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** Parses `--header 'Name: value'` arguments. */
export function parseHeaders(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const i = a.indexOf(':');
    if (i <= 0) throw usageError(`--header: expected 'Name: value', got "${a.replace(/:.*/, ': …')}"`);
    out[a.slice(0, i).trim()] = a.slice(i + 1).trim();
  }
  return out;
}

/** Reads a bearer token file (trailing newline trimmed). */
export async function readTokenFile(path: string): Promise<string> {
  return (await readUserFile(path, 'token file')).toString('utf8').trim();
}

/**
 * Scrapes every target concurrently (once, or twice `intervalMs` apart) into the store. One
 * scrape is a snapshot: lifetime totals. Two give the usage between them.
 */
export async function scrapeTargets(specs: readonly SourceSpec[], options: ScrapeOptions): Promise<ScrapeResult> {
  const now = options.now ?? Date.now;
  const rounds: number[] = [];
  const timed = options.intervalMs !== undefined;
  const count = timed ? 2 : 1;
  for (let round = 0; round < count; round++) {
    if (round > 0) await (options.sleep ?? defaultSleep)(options.intervalMs as number);
    await Promise.all(specs.map((spec) => scrapeOne(spec, options, timed, now)));
    rounds.push(now());
  }
  const sources = specs.map((s): SourceInfo => ({ kind: 'scrape', name: s.name, location: redactUrl(s.location), timestamped: timed }));
  return { sources, rounds };
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function scrapeOne(spec: SourceSpec, options: ScrapeOptions, timed: boolean, now: () => number): Promise<void> {
  const { request } = await import('undici');
  const where = `scrape ${spec.name ? `${spec.name} ` : ''}(${redactUrl(spec.location)})`;
  const headers: Record<string, string> = { accept: ACCEPT, 'user-agent': 'tokenspend', ...options.auth.headers };
  if (options.auth.bearerToken) headers.authorization = `Bearer ${options.auth.bearerToken}`;
  const url = new URL(spec.location);
  if (url.username || url.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  const signal = AbortSignal.timeout(options.timeoutMs);
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(url, { method: 'GET', headers, signal, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
  } catch (e) {
    throw sourceError(`${where}: ${describeNetworkError(e, options.timeoutMs)}`);
  }
  if (res.statusCode < 200 || res.statusCode >= 300) {
    await res.body.dump().catch(() => undefined);
    throw sourceError(
      `${where}: HTTP ${res.statusCode}`,
      res.statusCode === 401 || res.statusCode === 403 ? 'check --header or TOKENSPEND_BEARER_TOKEN' : undefined,
    );
  }
  const contentType = String(res.headers['content-type'] ?? '');
  const scrapeTime = now();
  const parser = new ExpositionParser({
    source: where,
    format: contentType.includes('openmetrics') ? 'openmetrics' : 'auto',
    accept: options.acceptName,
    onSample(sample) {
      if (timed || sample.timestampMs !== undefined) options.store.addTimed(sample, sample.timestampMs ?? scrapeTime, spec.name);
      else options.store.addSnapshot(sample, spec.name);
    },
  });
  try {
    for await (const chunk of res.body) parser.push(chunk as Buffer);
    parser.end();
  } catch (e) {
    if ((e as { exitCode?: number }).exitCode !== undefined) throw e;
    throw sourceError(`${where}: ${describeNetworkError(e, options.timeoutMs)}`);
  }
}

/** One line for a failed request: refused, DNS, TLS, timeout, reset. */
export function describeNetworkError(e: unknown, timeoutMs: number): string {
  const err = e as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.code ?? err.cause?.code;
  if (err.name === 'TimeoutError' || err.name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return `no answer within ${timeoutMs / 1000}s (--timeout)`;
  }
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the target running, and is the port right?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection closed before the response was complete';
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return `TLS certificate not trusted (${code})`;
    default:
      return err.message ?? err.cause?.message ?? String(e);
  }
}
