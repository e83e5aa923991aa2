import { X509Certificate } from 'node:crypto';
import type { Agent, IncomingHttpHeaders, IncomingMessage, request as httpRequest } from 'node:http';
import { readUserFile } from '../files/read.js';
import { sourceError, TokenspendError, usageError } from '../errors.js';

/**
 * Everything about reaching an HTTP endpoint, shared by `--scrape` and `--prometheus`: headers,
 * bearer and basic auth, a private CA or none, the timeout, redaction, and one wording for
 * network errors.
 */
export interface HttpSettings {
  /** Extra request headers, from `--header 'K: V'` or the config file. */
  headers: Record<string, string>;
  /** From TOKENSPEND_BEARER_TOKEN or a token file; never from a flag value. */
  bearerToken?: string | undefined;
  basicAuth?: { user: string; password: string } | undefined;
  caFile?: string | undefined;
  insecureSkipVerify?: boolean | undefined;
  timeoutMs: number;
  /** `--max-response-size`: a body larger than this is refused (exit 3) before it fills memory. */
  maxResponseBytes?: number | undefined;
  /** `--verbose`: one line per request (never headers, tokens or URL credentials). */
  log?: ((line: string) => void) | undefined;
}

/** The URL with any user:password replaced, for messages. */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
}

/** An HTTP header name is an RFC 9110 token; a value has no control characters but tab. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[^\u0000-\u0008\u000a-\u001f\u007f]*$/;

/** Checks extra headers (from `--header` or the config file); `where` names their origin. */
export function checkHeaders(headers: Record<string, string>, where: string): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw usageError(`${where}: ${JSON.stringify(name)} is not a valid header name`);
    // The value is not shown: it may be a credential.
    if (!HEADER_VALUE.test(value)) throw usageError(`${where}: the value of header ${name} has a control character (CR, LF, NUL…)`);
  }
  return headers;
}

/** Parses `--header 'Name: value'` arguments. */
export function parseHeaders(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const i = a.indexOf(':');
    if (i <= 0) throw usageError(`--header: expected 'Name: value', got "${a.replace(/:.*/s, ': …')}"`);
    out[a.slice(0, i).trim()] = a.slice(i + 1).trim();
  }
  return checkHeaders(out, '--header');
}

/** Reads a secret (token, password) from a file, trailing newline trimmed. */
export async function readSecretFile(path: string, what: string): Promise<string> {
  return (await readUserFile(path, what)).toString('utf8').trim();
}

/** Checks an http(s) URL given to `flag`; credentials in it become basic auth and leave the URL. */
export function parseEndpoint(text: string, flag: string, example: string): { url: URL; basicAuth?: { user: string; password: string } } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`${flag}: not a URL: "${redactUrl(text)}"`, `expected ${example}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw usageError(`${flag}: expected an http or https URL, got "${redactUrl(text)}"`);
  if (!url.username && !url.password) return { url };
  const basicAuth = { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  url.username = '';
  url.password = '';
  return { url, basicAuth };
}

/** One line for a failed request: refused, DNS, TLS, timeout, reset. */
export function describeNetworkError(e: unknown, timeoutMs: number): string {
  const err = e as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.code ?? err.cause?.code;
  // (The timeout's signal fails a request with an AbortError, a body being read with its reason, a TimeoutError.)
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${timeoutMs / 1000}s (--timeout)`;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the target running, and is the port right?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ECONNRESET':
    case 'EPIPE':
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

/** The error to throw for a failed request to `where`: our own errors (a bad CA file) as they are. */
export function requestFailure(e: unknown, where: string, timeoutMs: number): TokenspendError {
  return e instanceof TokenspendError ? e : sourceError(`${where}: ${describeNetworkError(e, timeoutMs)}`);
}

/** Connection errors worth another attempt (not timeouts: the full timeout was already waited). */
export function isRetryableNetworkError(e: unknown): boolean {
  const err = e as { code?: string; name?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return false;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EAI_AGAIN' || code === 'EPIPE';
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/** An answer whose headers have come; its body is read from `body` (or discarded with `discard`). */
export interface HttpResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  /** The request's timeout: once it has fired, a body that breaks off broke off because of it. */
  deadline: AbortSignal;
}

/** Reads and drops the rest of a body nobody wants (the connection can then serve the next request). */
export function discard(res: HttpResponse): void {
  res.body.on('error', () => undefined);
  res.body.resume();
}

/**
 * One HTTP endpoint (a scrape target or an API base URL) with its settings applied to every
 * request. Credentials never appear in `display`.
 */
export class HttpEndpoint {
  readonly base: URL;
  /** The address without credentials, for messages. */
  readonly display: string;
  private readonly basicAuth: { user: string; password: string } | undefined;
  private pool: Promise<{ agent: Agent; open: typeof httpRequest }> | undefined;

  constructor(
    url: string,
    readonly settings: HttpSettings,
    flag: string,
    example: string,
  ) {
    const parsed = parseEndpoint(url, flag, example);
    this.base = parsed.url;
    // Credentials in the URL are the most specific: they win for this endpoint.
    this.basicAuth = parsed.basicAuth ?? settings.basicAuth;
    this.display = redactUrl(parsed.url.toString().replace(/\/$/, ''));
  }

  /**
   * One connection pool per endpoint (Node's own HTTP client: loading it costs a few
   * milliseconds, a tenth of what a client library did at every command's first request). A
   * `--ca-file` is read and checked whichever the scheme, so a wrong one is the same exit 2.
   */
  private agent(): Promise<{ agent: Agent; open: typeof httpRequest }> {
    const { caFile, insecureSkipVerify } = this.settings;
    this.pool ??= (async () => {
      const ca = caFile ? await readCertificates(caFile) : undefined;
      if (this.base.protocol !== 'https:') {
        const http = await import('node:http');
        return { agent: new http.Agent({ keepAlive: true }), open: http.request };
      }
      const https = await import('node:https');
      const agent = new https.Agent({ keepAlive: true, ...(ca ? { ca } : {}), rejectUnauthorized: !insecureSkipVerify });
      return { agent, open: https.request };
    })();
    return this.pool;
  }

  /**
   * Closes the pool's idle connections, and each busy one once its request is done (a request
   * still in flight after a failure, or sent after this, ends as it would have, and then its
   * connection closes). A command's process ends anyway; a process that runs many (tests, an
   * embedding program) would otherwise keep every command's idle connections open until the
   * server drops them (Prometheus keeps 512 at most, then stops accepting).
   */
  async close(): Promise<void> {
    const agent = (await this.pool?.catch(() => undefined))?.agent;
    if (!agent) return;
    agent.maxFreeSockets = 0;
    for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
  }

  private authorization(): string | undefined {
    if (this.basicAuth && this.basicAuth !== this.settings.basicAuth) return basic(this.basicAuth);
    if (this.settings.bearerToken) return `Bearer ${this.settings.bearerToken}`;
    return this.basicAuth ? basic(this.basicAuth) : undefined;
  }

  /**
   * Sends one request; network errors are thrown as they come (see `describeNetworkError`). The
   * timeout bounds the whole exchange, connect to the body's last byte: past it, the request, or
   * the body being read, fails as a timeout.
   */
  async send(url: URL, request: HttpRequest): Promise<HttpResponse> {
    const headers: Record<string, string> = { 'user-agent': 'tokenspend', ...request.headers, ...this.settings.headers };
    const auth = this.authorization();
    if (auth) headers.authorization = auth;
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    const { agent, open } = await this.agent();
    const signal = AbortSignal.timeout(this.settings.timeoutMs);
    return new Promise((resolve, reject) => {
      const req = open(url, { method: request.method, headers, agent, signal }, (res) =>
        resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: res, deadline: signal }),
      );
      req.on('error', reject);
      req.end(request.body);
    });
  }

  /** A redirect is not followed (credentials would go wherever it points): say where it went. */
  checkRedirect(res: HttpResponse, where: string): void {
    if (res.statusCode < 300 || res.statusCode >= 400 || res.statusCode === 304) return;
    const location = res.headers.location;
    const to = typeof location === 'string' ? redactUrl(location) : 'an unnamed location';
    discard(res);
    throw sourceError(`${where}: HTTP ${res.statusCode}: redirected to ${to}, not followed`, 'give the URL it redirects to');
  }

  /** Reads a whole body as text, refusing one larger than the cap before it fills memory. */
  async text(res: HttpResponse, where: string): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.chunks(res, where)) {
      size += chunk.length;
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  }

  /** The body's chunks, stopping with exit 3 once more than the cap has arrived. */
  async *chunks(res: HttpResponse, where: string): AsyncGenerator<Buffer> {
    const cap = this.settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    let size = 0;
    try {
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > cap) {
          res.body.destroy();
          throw sourceError(
            `${where}: the response is larger than ${formatBytes(cap)} (--max-response-size); refused before it fills memory`,
            'narrow the query (--window, --match) or raise --max-response-size',
          );
        }
        yield chunk as Buffer;
      }
    } catch (e) {
      // A body cut off by the timeout ends as a reset connection: it is the timeout that is said.
      throw res.deadline.aborted && !(e instanceof TokenspendError) ? (res.deadline.reason as Error) : e;
    }
  }

  /**
   * The body's chunks as sent (gzip undone, where the server used it), each counted as it came
   * off the wire by `onWire`. The cap applies both to what came and to what it unpacked to.
   */
  async *decoded(res: HttpResponse, where: string, onWire: (bytes: number) => void): AsyncGenerator<Buffer> {
    const wire = this.chunks(res, where);
    const counted = async function* () {
      for await (const chunk of wire) {
        onWire(chunk.length);
        yield chunk;
      }
    };
    const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
    if (encoding !== 'gzip') {
      yield* counted();
      return;
    }
    const { createGunzip } = await import('node:zlib');
    const { Readable } = await import('node:stream');
    const source = Readable.from(counted());
    // Pieces of 256 KiB, not zlib's 16 KiB: a sixteenth as many stream turns (a 7.8 MB answer
    // unpacked in 17-27 ms, not 80-130 ms), and the answer's scan meets fewer cut elements.
    const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
    source.on('error', (e) => gunzip.destroy(e)); // pipe() does not pass errors on
    source.pipe(gunzip);
    const cap = this.settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    let size = 0;
    try {
      for await (const chunk of gunzip) {
        size += (chunk as Buffer).length;
        if (size > cap) throw sourceError(`${where}: the response unpacks to more than ${formatBytes(cap)} (--max-response-size); refused`);
        yield chunk as Buffer;
      }
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('Z_'))
        throw sourceError(`${where}: malformed response (gzip: ${(e as Error).message})`);
      throw e;
    } finally {
      source.destroy();
      gunzip.destroy();
    }
  }
}

const GUNZIP_CHUNK_BYTES = 256 * 1024;

/** 256 MiB: far above any answer tokenspend asks for, far below what would exhaust memory. */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

/** `256MiB`, `1GB`, `500k`, `1048576` → bytes; undefined when it is not a size. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const scale: Record<string, number> = {
    b: 1,
    k: 1e3,
    kb: 1e3,
    kib: 1024,
    m: 1e6,
    mb: 1e6,
    mib: 1024 ** 2,
    g: 1e9,
    gb: 1e9,
    gib: 1024 ** 3,
  };
  const bytes = Math.round(Number(m[1]) * (scale[unit] as number));
  return bytes > 0 ? bytes : undefined;
}

/** The certificates of a `--ca-file`, each checked, so a wrong file is a clear exit 2 rather than a TLS error later. */
async function readCertificates(path: string): Promise<string> {
  const text = (await readUserFile(path, 'CA file (--ca-file)')).toString('utf8');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw usageError(`--ca-file ${path}: no PEM certificate in it (expected -----BEGIN CERTIFICATE----- blocks)`);
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (e) {
      throw usageError(`--ca-file ${path}: certificate ${i + 1} is not valid: ${(e as Error).message}`);
    }
  }
  return blocks.join('\n');
}

function basic(auth: { user: string; password: string }): string {
  return `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
}
