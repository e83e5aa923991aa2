import type { Dispatcher } from 'undici';
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
  /** `--verbose`: one line per request (never headers, tokens or URL credentials). */
  log?: ((line: string) => void) | undefined;
}

/** The URL with any user:password replaced, for messages. */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
}

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

/** The error to throw for a failed request to `where`: our own errors (a bad CA file) as they are. */
export function requestFailure(e: unknown, where: string, timeoutMs: number): TokenspendError {
  return e instanceof TokenspendError ? e : sourceError(`${where}: ${describeNetworkError(e, timeoutMs)}`);
}

/** Connection errors worth another attempt (not timeouts: the full timeout was already waited). */
export function isRetryableNetworkError(e: unknown): boolean {
  const err = e as { code?: string; name?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return false;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EAI_AGAIN' || code === 'EPIPE';
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
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
  private dispatcher: Promise<Dispatcher | undefined> | undefined;

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

  private agent(): Promise<Dispatcher | undefined> {
    const { caFile, insecureSkipVerify } = this.settings;
    this.dispatcher ??= (async () => {
      if (!caFile && !insecureSkipVerify) return undefined;
      const { Agent } = await import('undici');
      const ca = caFile ? await readUserFile(caFile, 'CA file (--ca-file)') : undefined;
      return new Agent({ connect: { ...(ca ? { ca } : {}), rejectUnauthorized: !insecureSkipVerify } });
    })();
    return this.dispatcher;
  }

  private authorization(): string | undefined {
    if (this.basicAuth && this.basicAuth !== this.settings.basicAuth) return basic(this.basicAuth);
    if (this.settings.bearerToken) return `Bearer ${this.settings.bearerToken}`;
    return this.basicAuth ? basic(this.basicAuth) : undefined;
  }

  /** Sends one request; network errors are thrown as they come (see `describeNetworkError`). */
  async send(url: URL, request: HttpRequest): Promise<Dispatcher.ResponseData> {
    const { request: send } = await import('undici');
    const headers: Record<string, string> = { 'user-agent': 'tokenspend', ...request.headers, ...this.settings.headers };
    const auth = this.authorization();
    if (auth) headers.authorization = auth;
    const dispatcher = await this.agent();
    const timeout = this.settings.timeoutMs;
    return send(url, {
      method: request.method,
      headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: AbortSignal.timeout(timeout),
      headersTimeout: timeout,
      bodyTimeout: timeout,
      ...(dispatcher ? { dispatcher } : {}),
    });
  }
}

function basic(auth: { user: string; password: string }): string {
  return `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
}
