import { sourceError } from '../../errors.js';
import { ResultStream } from './stream.js';
import { type RangeSeries, seriesAt, seriesFromBytes, toColumns } from './series.js';
import { HttpEndpoint, type HttpResponse, type HttpSettings, isRetryableNetworkError, requestFailure } from '../http.js';
import type { ProgressEvent } from '../source.js';

/** How to reach a Prometheus-compatible HTTP API. */
export interface PrometheusConnection extends HttpSettings {
  /** Base URL, with any path prefix (Mimir `/prometheus`, VictoriaMetrics cluster `/select/0/prometheus`). */
  url: string;
  /** Retries after the first attempt, for connection errors, 429 and 502/503/504. */
  retries: number;
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

/** A series of raw samples (a range selector in an instant query). */
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
  private readonly endpoint: HttpEndpoint;
  private readonly sleep: (ms: number) => Promise<void>;

  private readonly progress: ((event: ProgressEvent) => void) | undefined;

  constructor(
    private readonly conn: PrometheusConnection,
    options: {
      sleep?: ((ms: number) => Promise<void>) | undefined;
      progress?: ((event: ProgressEvent) => void) | undefined;
      /** Most requests the server works on at once (`--concurrency`), whoever asks: until each answer begins. */
      maxInFlight?: number;
    } = {},
  ) {
    this.limit = Math.max(1, options.maxInFlight ?? Number.POSITIVE_INFINITY);
    this.progress = options.progress;
    this.endpoint = new HttpEndpoint(conn.url, conn, '--prometheus', 'http://host:9090 (with a path prefix if the API has one)');
    if (!this.endpoint.base.pathname.endsWith('/')) this.endpoint.base.pathname += '/';
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** The server's address without credentials, for messages. */
  get where(): string {
    return this.endpoint.display;
  }

  private readonly limit: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  /** A request slot: now, or when one is handed over by a request whose answer begins (or that fails). */
  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  /**
   * POSTs a form to an API path and returns `data`, retrying what is worth retrying. With
   * `onElement`, each object of `data.result` is handed over as it arrives and never kept (the
   * returned `data.result` is then empty); a retried request hands its objects over again, so
   * `onElement` must be idempotent. A request slot is held until the answer begins (the server
   * has done its work; the body is read without one), and `onAnswer` is called then.
   */
  async call(
    path: string,
    form: Record<string, string | string[]>,
    method: 'GET' | 'POST' = 'POST',
    onElement?: (element: unknown) => void,
    readElement?: { whole: (bytes: Buffer) => unknown; at: (chunk: Buffer, at: number) => { series: unknown; end: number } | undefined },
    onAnswer?: () => void,
  ): Promise<unknown> {
    const url = new URL(path, this.endpoint.base);
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    if (method === 'GET') url.search = body.toString();
    const what = `${this.where}/${path}`;
    for (let attempt = 0; ; attempt++) {
      let status: number;
      let stream: ResultStream;
      let retryAfter: string | undefined;
      const started = Date.now();
      const collected: unknown[] = [];
      try {
        this.stats.requests++;
        const res = await this.send(url, method, body);
        this.endpoint.checkRedirect(res, what);
        status = res.statusCode;
        const ra = res.headers['retry-after'];
        retryAfter = Array.isArray(ra) ? ra[0] : ra;
        // (An answer that will be asked again is no answer yet.)
        if (!(RETRY_STATUS.has(status) && attempt < this.conn.retries)) onAnswer?.();
        stream = new ResultStream(onElement ?? ((e) => collected.push(e)), readElement?.whole, readElement?.at);
        const size = await this.read(res, what, stream);
        this.progress?.({ kind: 'requests', what: this.where, done: this.stats.requests, bytes: this.stats.bytes });
        this.conn.log?.(
          `${method} ${what} → ${status}, ${(size / 1024).toFixed(1)} KiB in ${Date.now() - started} ms${typeof form.query === 'string' ? `: ${form.query.length > 300 ? `${form.query.slice(0, 300)}…` : form.query}` : ''}`,
        );
      } catch (e) {
        this.conn.log?.(`${method} ${what} → failed after ${Date.now() - started} ms`);
        if (attempt < this.conn.retries && isRetryableNetworkError(e)) {
          await this.backoff(attempt, undefined);
          continue;
        }
        throw requestFailure(e, what, this.conn.timeoutMs);
      }
      if (RETRY_STATUS.has(status) && attempt < this.conn.retries) {
        await this.backoff(attempt, retryAfter);
        continue;
      }
      const data = this.unwrap(what, status, stream);
      const result = (data as { result?: unknown } | null)?.result;
      if (Array.isArray(result)) {
        // Objects the scan left in place (a body shaped unlike the usual envelope) count too.
        if (onElement) for (const e of result.splice(0)) onElement(e);
        // (A loop: spreading a long list into push() overflows the stack.)
        else if (result.length === 0) for (const e of collected) result.push(e);
      }
      return data;
    }
  }

  /**
   * Sends a request once a slot is free, and frees the slot when the answer begins (or the
   * request fails): the server has done its work, and the body may be read while the next runs.
   */
  private async send(url: URL, method: 'GET' | 'POST', body: URLSearchParams): Promise<HttpResponse> {
    await this.acquire();
    try {
      return await this.endpoint.send(url, {
        method,
        headers:
          method === 'POST'
            ? { accept: 'application/json', 'accept-encoding': 'gzip', 'content-type': 'application/x-www-form-urlencoded' }
            : { accept: 'application/json', 'accept-encoding': 'gzip' },
        ...(method === 'POST' ? { body: body.toString() } : {}),
      });
    } finally {
      this.release();
    }
  }

  /**
   * Feeds the body to the scan as it arrives (gzip undone); returns its size unpacked. The stats
   * count the bytes received. A result object that is not JSON is a malformed response.
   */
  private async read(res: HttpResponse, what: string, stream: ResultStream): Promise<number> {
    let size = 0;
    for await (const chunk of this.endpoint.decoded(res, what, (n) => (this.stats.bytes += n))) {
      size += chunk.length;
      try {
        stream.push(chunk);
      } catch (e) {
        res.body.destroy();
        if (e instanceof SyntaxError) throw sourceError(`${what}: malformed response (a result that is not JSON)`);
        throw e;
      }
    }
    return size;
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

  private unwrap(what: string, status: number, stream: ResultStream): unknown {
    let env: Envelope;
    try {
      env = stream.end() as Envelope;
    } catch {
      const text = stream.text();
      const snippet = text.slice(0, 80).replace(/\s+/g, ' ').trim();
      if (status >= 400) throw sourceError(`${what}: HTTP ${status}${snippet ? `: ${snippet}` : ''}`, hintFor(status));
      throw sourceError(`${what}: malformed response (not JSON${text.length > 0 ? ', or cut short' : ', empty body'})`);
    }
    if (env === null || typeof env !== 'object' || (env.status !== 'success' && env.status !== 'error')) {
      throw sourceError(`${what}: malformed response (no "status" field)`);
    }
    if (env.status === 'error') {
      // The server read the request and refused it (a limit, a bad query): callers may ask otherwise.
      throw Object.assign(sourceError(`${what}: ${env.errorType ?? 'error'}: ${env.error ?? `HTTP ${status}`}`, hintFor(status)), {
        refused: true,
      });
    }
    if (status >= 400) throw sourceError(`${what}: HTTP ${status}`, hintFor(status));
    for (const w of env.warnings ?? []) {
      if (!this.notes.warnings.includes(w)) this.notes.warnings.push(w);
      if (/partial/i.test(w)) this.notes.partial = true;
    }
    if (env.data === undefined) throw sourceError(`${what}: malformed response (no "data" field)`);
    return env.data;
  }

  /**
   * A range query: one value per step per series, as columns. With `each`, series are handed over
   * as they arrive (and may be handed over twice if the request is retried) and none are returned.
   * `onAnswer`: called when the answer begins (the server is done with the query).
   */
  async queryRange(
    query: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    each?: (series: RangeSeries) => void,
    onAnswer?: () => void,
  ): Promise<RangeSeries[]> {
    const form = { query, start: seconds(startMs), end: seconds(endMs), step: seconds(stepMs), partial_response: 'false', nocache: '1' };
    return this.matrix('api/v1/query_range', form, each, onAnswer);
  }

  /** Raw samples: an instant query of a range selector, its series as columns (times in seconds). */
  async samples(query: string, timeMs: number): Promise<RangeSeries[]> {
    return this.matrix('api/v1/query', { query, time: seconds(timeMs), partial_response: 'false', nocache: '1' });
  }

  /** A matrix answer's series as columns, each handed to `each` as it is read (else returned). */
  private async matrix(
    path: string,
    form: Record<string, string>,
    each?: (series: RangeSeries) => void,
    onAnswer?: () => void,
  ): Promise<RangeSeries[]> {
    const what = `${this.where}/${path}`;
    const columns = (e: unknown): RangeSeries => {
      const s = (e as Partial<RangeSeries> | null)?.times instanceof Float64Array ? (e as RangeSeries) : toColumns(e);
      if (!s) throw sourceError(`${what}: malformed response (a result that is not a series)`);
      return s;
    };
    const onElement = each ? (e: unknown) => each(columns(e)) : undefined;
    const data = (await this.call(path, form, 'POST', onElement, { whole: seriesFromBytes, at: seriesAt }, onAnswer)) as {
      resultType?: string;
      result?: unknown;
    };
    return expectResult(data, 'matrix', what).map(columns);
  }

  /** An instant query; a range selector returns raw samples (a matrix). */
  async query(query: string, timeMs: number): Promise<{ resultType: string; result: (MatrixSeries | VectorSample)[] }> {
    const data = (await this.call('api/v1/query', { query, time: seconds(timeMs), partial_response: 'false', nocache: '1' })) as {
      resultType?: string;
      result?: unknown;
    };
    if (typeof data?.resultType !== 'string' || !Array.isArray(data.result))
      throw sourceError(`${this.where}/api/v1/query: malformed response (no result)`);
    return data as { resultType: string; result: (MatrixSeries | VectorSample)[] };
  }

  /** Metric names known to the server (optionally only those seen in a time range). */
  async metricNames(startMs?: number, endMs?: number): Promise<string[]> {
    const form: Record<string, string> = {};
    if (startMs !== undefined) form.start = seconds(startMs);
    if (endMs !== undefined) form.end = seconds(endMs);
    const data = await this.call('api/v1/label/__name__/values', form, 'GET');
    if (!Array.isArray(data)) throw sourceError(`${this.where}/api/v1/label/__name__/values: malformed response`);
    return data as string[];
  }

  /** Label names of the series matching selectors in a time range. */
  async labelNames(match: string[], startMs: number, endMs: number): Promise<string[]> {
    const data = await this.call('api/v1/labels', { 'match[]': match, start: seconds(startMs), end: seconds(endMs) });
    if (!Array.isArray(data) || !data.every((d) => typeof d === 'string'))
      throw sourceError(`${this.where}/api/v1/labels: malformed response`);
    return data;
  }

  /** Values of one label over the series matching selectors in a time range. */
  async labelValues(label: string, match: string[], startMs: number, endMs: number): Promise<string[]> {
    const path = `api/v1/label/${encodeURIComponent(label)}/values`;
    const data = await this.call(path, { 'match[]': match, start: seconds(startMs), end: seconds(endMs) });
    if (!Array.isArray(data) || !data.every((d) => typeof d === 'string')) throw sourceError(`${this.where}/${path}: malformed response`);
    return data;
  }

  /** Label sets of the series matching selectors in a time range. */
  async series(match: string[], startMs: number, endMs: number): Promise<Record<string, string>[]> {
    const data = await this.call('api/v1/series', { 'match[]': match, start: seconds(startMs), end: seconds(endMs) });
    if (!Array.isArray(data)) throw sourceError(`${this.where}/api/v1/series: malformed response`);
    return data as Record<string, string>[];
  }

  /** Closes its connections (see `HttpEndpoint.close`): none is kept open after its request from then on. */
  close(): Promise<void> {
    return this.endpoint.close();
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
