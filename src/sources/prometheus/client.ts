import { readUserFile } from '../../read-file.js';
import type { Dispatcher } from 'undici';
import { sourceError, usageError } from '../../errors.js';
import { describeNetworkError } from '../scrape.js';
import { redactUrl } from '../spec.js';

/** How to reach a Prometheus-compatible HTTP API. */
export interface PrometheusConnection {
  /** Base URL, with any path prefix (Mimir `/prometheus`, VictoriaMetrics cluster `/select/0/prometheus`). */
  url: string;
  headers: Record<string, string>;
  bearerToken?: string | undefined;
  basicAuth?: { user: string; password: string } | undefined;
  caFile?: string | undefined;
  insecureSkipVerify?: boolean | undefined;
  timeoutMs: number;
  /** Retries after the first attempt, for connection errors, 429 and 502/503/504. */
  retries: number;
  /** `--verbose`: one line per request (never headers, tokens or URL credentials). */
  log?: ((line: string) => void) | undefined;
}

/** One Prometheus API response envelope. */
interface Envelope {
  status: 'success' | 'error';
  data?: unknown;
  errorType?: string;
  error?: string;
  warnings?: string[];
  infos?: string[];
}

export interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** What talking to the server cost, for the report and the benchmarks. */
export interface ClientStats {
  requests: number;
  bytes: number;
  retries: number;
}

export type ServerFlavour = 'prometheus' | 'victoriametrics' | 'unknown';

const RETRY_STATUS = new Set([429, 502, 503, 504]);
const MAX_RETRY_AFTER_MS = 30_000;

/** Everything the API said besides data: passed on to the user, never swallowed. */
export interface ServerNotes {
  warnings: string[];
  /** A Thanos-style partial response: some store did not answer. */
  partial: boolean;
}

/**
 * A small client for the Prometheus HTTP API (also Thanos, Mimir, VictoriaMetrics). Queries go
 * by POST form, so long PromQL never hits URL limits. Credentials never appear in messages.
 */
export class PrometheusClient {
  readonly stats: ClientStats = { requests: 0, bytes: 0, retries: 0 };
  readonly notes: ServerNotes = { warnings: [], partial: false };
  private readonly base: URL;
  private readonly display: string;
  private dispatcher: Dispatcher | undefined;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly conn: PrometheusConnection,
    options: { sleep?: (ms: number) => Promise<void> } = {},
  ) {
    let url: URL;
    try {
      url = new URL(conn.url);
    } catch {
      throw usageError(
        `--prometheus: not a URL: "${redactUrl(conn.url)}"`,
        'expected http://host:9090 (with a path prefix if the API has one)',
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw usageError(`--prometheus: expected an http or https URL, got "${redactUrl(conn.url)}"`);
    if (url.username || url.password) {
      conn.basicAuth ??= { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
      url.username = '';
      url.password = '';
    }
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    this.base = url;
    this.display = redactUrl(url.toString().replace(/\/$/, ''));
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** The server's address without credentials, for messages. */
  get where(): string {
    return this.display;
  }

  private async agent(): Promise<Dispatcher | undefined> {
    if (this.dispatcher || (!this.conn.caFile && !this.conn.insecureSkipVerify)) return this.dispatcher;
    const { Agent } = await import('undici');
    const ca = this.conn.caFile ? await readUserFile(this.conn.caFile, 'CA file (--ca-file)') : undefined;
    this.dispatcher = new Agent({ connect: { ...(ca ? { ca } : {}), rejectUnauthorized: !this.conn.insecureSkipVerify } });
    return this.dispatcher;
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json', 'user-agent': 'tokenspend', ...this.conn.headers };
    if (this.conn.bearerToken) h.authorization = `Bearer ${this.conn.bearerToken}`;
    else if (this.conn.basicAuth)
      h.authorization = `Basic ${Buffer.from(`${this.conn.basicAuth.user}:${this.conn.basicAuth.password}`).toString('base64')}`;
    return h;
  }

  /** POSTs a form to an API path and returns `data`, retrying what is worth retrying. */
  async call(path: string, form: Record<string, string | string[]>, method: 'GET' | 'POST' = 'POST'): Promise<unknown> {
    const { request } = await import('undici');
    const url = new URL(path, this.base);
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    if (method === 'GET') url.search = body.toString();
    const what = `${this.display}/${path}`;
    const dispatcher = await this.agent();
    for (let attempt = 0; ; attempt++) {
      let status: number;
      let text: string;
      let retryAfter: string | undefined;
      const started = Date.now();
      try {
        this.stats.requests++;
        const res = await request(url, {
          method,
          headers: method === 'POST' ? { ...this.headers(), 'content-type': 'application/x-www-form-urlencoded' } : this.headers(),
          ...(method === 'POST' ? { body: body.toString() } : {}),
          signal: AbortSignal.timeout(this.conn.timeoutMs),
          headersTimeout: this.conn.timeoutMs,
          bodyTimeout: this.conn.timeoutMs,
          ...(dispatcher ? { dispatcher } : {}),
        });
        status = res.statusCode;
        const ra = res.headers['retry-after'];
        retryAfter = Array.isArray(ra) ? ra[0] : ra;
        text = await res.body.text();
        this.stats.bytes += Buffer.byteLength(text);
        this.conn.log?.(
          `${method} ${what} → ${status}, ${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB in ${Date.now() - started} ms${typeof form.query === 'string' ? `: ${form.query.length > 300 ? `${form.query.slice(0, 300)}…` : form.query}` : ''}`,
        );
      } catch (e) {
        this.conn.log?.(`${method} ${what} → failed after ${Date.now() - started} ms`);
        if (attempt < this.conn.retries && isRetryableNetworkError(e)) {
          await this.backoff(attempt, undefined);
          continue;
        }
        throw sourceError(`${what}: ${describeNetworkError(e, this.conn.timeoutMs)}`);
      }
      if (RETRY_STATUS.has(status) && attempt < this.conn.retries) {
        await this.backoff(attempt, retryAfter);
        continue;
      }
      return this.unwrap(what, status, text);
    }
  }

  private async backoff(attempt: number, retryAfter: string | undefined): Promise<void> {
    this.stats.retries++;
    let ms = 250 * 2 ** attempt;
    ms += Math.random() * ms; // jitter: up to twice the base delay
    if (retryAfter !== undefined) {
      const seconds = Number(retryAfter);
      const fromHeader = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
      if (Number.isFinite(fromHeader) && fromHeader > 0) ms = Math.min(fromHeader, MAX_RETRY_AFTER_MS);
    }
    await this.sleep(ms);
  }

  private unwrap(what: string, status: number, text: string): unknown {
    let env: Envelope;
    try {
      env = JSON.parse(text) as Envelope;
    } catch {
      const snippet = text.slice(0, 80).replace(/\s+/g, ' ').trim();
      if (status >= 400) throw sourceError(`${what}: HTTP ${status}${snippet ? `: ${snippet}` : ''}`, hintFor(status));
      throw sourceError(`${what}: malformed response (not JSON${text.length > 0 ? ', or cut short' : ', empty body'})`);
    }
    if (env === null || typeof env !== 'object' || (env.status !== 'success' && env.status !== 'error')) {
      throw sourceError(`${what}: malformed response (no "status" field)`);
    }
    if (env.status === 'error') {
      throw sourceError(`${what}: ${env.errorType ?? 'error'}: ${env.error ?? `HTTP ${status}`}`, hintFor(status));
    }
    if (status >= 400) throw sourceError(`${what}: HTTP ${status}`, hintFor(status));
    for (const w of env.warnings ?? []) {
      if (!this.notes.warnings.includes(w)) this.notes.warnings.push(w);
      if (/partial/i.test(w)) this.notes.partial = true;
    }
    if (env.data === undefined) throw sourceError(`${what}: malformed response (no "data" field)`);
    return env.data;
  }

  /** A range query: one value per step per series. */
  async queryRange(query: string, startMs: number, endMs: number, stepMs: number): Promise<MatrixSeries[]> {
    const data = (await this.call('api/v1/query_range', {
      query,
      start: seconds(startMs),
      end: seconds(endMs),
      step: seconds(stepMs),
      partial_response: 'false',
      nocache: '1',
    })) as { resultType?: string; result?: unknown };
    return expectResult(data, 'matrix', `${this.display}/api/v1/query_range`) as MatrixSeries[];
  }

  /** An instant query; a range selector returns raw samples (a matrix). */
  async query(query: string, timeMs: number): Promise<{ resultType: string; result: (MatrixSeries | VectorSample)[] }> {
    const data = (await this.call('api/v1/query', { query, time: seconds(timeMs), partial_response: 'false', nocache: '1' })) as {
      resultType?: string;
      result?: unknown;
    };
    if (typeof data?.resultType !== 'string' || !Array.isArray(data.result))
      throw sourceError(`${this.display}/api/v1/query: malformed response (no result)`);
    return data as { resultType: string; result: (MatrixSeries | VectorSample)[] };
  }

  /** Metric names known to the server (optionally only those seen in a time range). */
  async metricNames(startMs?: number, endMs?: number): Promise<string[]> {
    const form: Record<string, string> = {};
    if (startMs !== undefined) form.start = seconds(startMs);
    if (endMs !== undefined) form.end = seconds(endMs);
    const data = await this.call('api/v1/label/__name__/values', form, 'GET');
    if (!Array.isArray(data)) throw sourceError(`${this.display}/api/v1/label/__name__/values: malformed response`);
    return data as string[];
  }

  /** Label sets of the series matching selectors in a time range. */
  async series(match: string[], startMs: number, endMs: number): Promise<Record<string, string>[]> {
    const data = await this.call('api/v1/series', { 'match[]': match, start: seconds(startMs), end: seconds(endMs) });
    if (!Array.isArray(data)) throw sourceError(`${this.display}/api/v1/series: malformed response`);
    return data as Record<string, string>[];
  }

  /** Build information, or undefined where the endpoint does not exist. */
  async buildInfo(): Promise<{ flavour: ServerFlavour; version: string | undefined }> {
    try {
      const data = (await this.call('api/v1/status/buildinfo', {}, 'GET')) as Record<string, unknown>;
      const version = typeof data.version === 'string' && data.version !== '' ? data.version : undefined;
      // VictoriaMetrics answers the endpoint with an empty object.
      return { flavour: version ? 'prometheus' : Object.keys(data).length === 0 ? 'victoriametrics' : 'unknown', version };
    } catch (e) {
      if ((e as { exitCode?: number }).exitCode === 3 && /HTTP 404|not_found/.test((e as Error).message))
        return { flavour: 'unknown', version: undefined };
      throw e;
    }
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3).replace(/\.?0+$/, '');
}

function expectResult(data: { resultType?: string; result?: unknown }, type: string, what: string): unknown[] {
  if (data?.resultType !== type || !Array.isArray(data.result)) {
    throw sourceError(`${what}: malformed response (expected a ${type}, got ${data?.resultType ?? 'nothing'})`);
  }
  return data.result;
}

function hintFor(status: number): string | undefined {
  if (status === 401 || status === 403) return 'check --header, TOKENSPEND_BEARER_TOKEN or basic auth';
  if (status === 404) return 'check the URL path prefix (Mimir: /prometheus, VictoriaMetrics cluster: /select/0/prometheus)';
  return undefined;
}

function isRetryableNetworkError(e: unknown): boolean {
  const err = e as { code?: string; name?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return false; // already waited the full timeout
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EAI_AGAIN' || code === 'EPIPE';
}
