import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { closedPort, run, serve } from '../helpers/cli.js';
import { serveTls } from '../helpers/tls.js';

// Faults a real server will not produce on demand, from a local fake API. Everything a real
// server can answer is tested against Prometheus and VictoriaMetrics in test/integration. The
// fake speaks the series-by-series queries (--per-series): the faults are the client's to handle.

const WINDOW = ['--since', '2026-11-01T00:00:00Z', '--until', '2026-11-02T00:00:00Z', '--per-series'];
const START = Date.parse('2026-11-01T00:00:00Z') / 1000;
const END = Date.parse('2026-11-02T00:00:00Z') / 1000;

/** A valid answer for one counter that went from 100 to 1,100 during the window. */
function goodMatrix(warnings?: string[]): string {
  return JSON.stringify({
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [
        {
          metric: { __tokenspend_q: 'last', __tokenspend_name: 'llm_tokens_in', model: 'gpt-4o-mini' },
          values: [
            [START, '100'],
            [END, '1100'],
          ],
        },
        { metric: { __tokenspend_q: 'count', __tokenspend_name: 'llm_tokens_in', model: 'gpt-4o-mini' }, values: [[END, '2880']] },
      ],
    },
    ...(warnings ? { warnings } : {}),
  });
}

/**
 * Instant queries of the one counter: its newest sample (at the window's end), its raw samples
 * (100, then 1,100 at the end), and no older baseline.
 */
function instantAnswer(query: string): string {
  const data = (resultType: string, result: unknown[]) => JSON.stringify({ status: 'success', data: { resultType, result } });
  if (query.includes('timestamp(')) {
    const metric = { __tokenspend_q: 'newest', __tokenspend_name: 'llm_tokens_in', model: 'gpt-4o-mini' };
    return data('vector', [{ metric, value: [END, String(END)] }]);
  }
  if (/^llm_tokens_in\{[^}]*\}\[\d+ms\]$/.test(query)) {
    const values = [
      [START, '100'],
      [END, '1100'],
    ];
    return data('matrix', [{ metric: { __name__: 'llm_tokens_in', model: 'gpt-4o-mini' }, values }]);
  }
  return data('vector', []);
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A fake API: build info and metric names always work; query_range is up to `rangeHandler`. */
async function fakeApi(rangeHandler: Handler) {
  return serve((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path.endsWith('/api/v1/status/buildinfo')) return res.end(JSON.stringify({ status: 'success', data: { version: '2.42.0' } }));
      if (path.endsWith('/api/v1/label/__name__/values'))
        return res.end(JSON.stringify({ status: 'success', data: ['llm_tokens_in', 'up'] }));
      if (path.endsWith('/api/v1/labels')) return res.end(JSON.stringify({ status: 'success', data: ['__name__', 'model'] }));
      if (path.endsWith('/api/v1/query_range')) return rangeHandler(req, res, body);
      if (path.endsWith('/api/v1/query')) return res.end(instantAnswer(new URLSearchParams(body).get('query') ?? ''));
      res.statusCode = 404;
      res.end('not found');
    });
  });
}

const servers: { close: () => Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function api(handler: Handler) {
  const s = await fakeApi(handler);
  servers.push(s);
  return s.url;
}

describe('--prometheus faults', () => {
  it('retries a 503 (honouring Retry-After) and then reports', async () => {
    let calls = 0;
    const url = await api((_req, res) => {
      calls++;
      if (calls === 1) {
        res.statusCode = 503;
        res.setHeader('retry-after', '0');
        return res.end('overloaded');
      }
      res.end(goodMatrix());
    });
    const r = await run(['report', '--prometheus', url, ...WINDOW, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).totals.tokens.input).toBe(1000);
    expect(calls).toBe(2);
  });

  it('exits 3 with one line when the server hangs past --timeout', async () => {
    const url = await api(() => undefined);
    const r = await run(['report', '--prometheus', url, ...WINDOW, '--timeout', '300ms', '--retries', '0']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tokenspend: http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query_range: no answer within 0\.3s \(--timeout\)\n$/);
  });

  it('counts the body in --timeout: an answer that stalls after its headers is a timeout, not asked again', async () => {
    let calls = 0;
    const url = await api((_req, res) => {
      calls++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(goodMatrix().slice(0, 40)); // then nothing more
    });
    const r = await run(['report', '--prometheus', url, ...WINDOW, '--timeout', '300ms', '--retries', '2']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tokenspend: http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query_range: no answer within 0\.3s \(--timeout\)\n$/);
    expect(calls).toBe(1);
  });

  it('asks again when the connection breaks mid-body, then says it broke', async () => {
    let calls = 0;
    const url = await api((_req, res) => {
      calls++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
      res.write(goodMatrix().slice(0, 40));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const r = await run(['report', '--prometheus', url, ...WINDOW, '--retries', '1']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^tokenspend: http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query_range: connection closed before the response was complete\n$/,
    );
    expect(calls).toBe(2);
  });

  it('exits 3 on a truncated body', async () => {
    const url = await api((_req, res) => res.end(goodMatrix().slice(0, 60)));
    const r = await run(['report', '--prometheus', url, ...WINDOW]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('malformed response (not JSON, or cut short)');
  });

  it('on the sums path (no --per-series) too: a malformed series or a cut body is exit 3, never a number', async () => {
    const bad = JSON.stringify({
      status: 'success',
      data: { resultType: 'matrix', result: [{ metric: { model: 7 }, values: [[START, '1']] }] },
    });
    const queries: string[] = [];
    const url = await api((_req, res, body) => {
      queries.push(new URLSearchParams(body).get('query') ?? '');
      res.end(bad);
    });
    const sums = WINDOW.filter((a) => a !== '--per-series');
    const r = await run(['report', '--prometheus', url, ...sums]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('malformed response (a result that is not a series)');
    // It was the sums path that asked: a query summing by the report's labels.
    expect(queries.some((q) => q.includes('sum by (model) (last_over_time(llm_tokens_in['))).toBe(true);
    const cut = await api((_req, res) => res.end(goodMatrix().slice(0, 60)));
    const c = await run(['report', '--prometheus', cut, ...sums, '--format', 'json']);
    expect(c.code).toBe(3);
    expect(c.stdout).toBe('');
    expect(c.stderr).toContain('malformed response (not JSON, or cut short)');
  });

  it('exits 3 on a non-JSON 502 after retries', async () => {
    let calls = 0;
    const url = await api((_req, res) => {
      calls++;
      res.statusCode = 502;
      res.end('<html>Bad Gateway</html>');
    });
    const r = await run(['report', '--prometheus', url, ...WINDOW, '--retries', '2']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('HTTP 502: <html>Bad Gateway</html>');
    expect(calls).toBe(3);
  });

  it('exits 3 with the server message on a PromQL error, without retrying', async () => {
    let calls = 0;
    const url = await api((_req, res) => {
      calls++;
      res.statusCode = 422;
      res.end(
        JSON.stringify({ status: 'error', errorType: 'execution', error: 'query processing would load too many samples into memory' }),
      );
    });
    const r = await run(['report', '--prometheus', url, ...WINDOW]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('execution: query processing would load too many samples into memory');
    expect(calls).toBe(1);
  });

  it('passes server warnings to stderr and JSON; a partial response is exit 4 under --strict', async () => {
    const url = await api((_req, res) => res.end(goodMatrix(['PromQL warning: partial response due to store "eu-1" unavailable'])));
    const r = await run(['report', '--prometheus', url, ...WINDOW, '--format', 'json']);
    expect(r.code).toBe(0);
    const codes = JSON.parse(r.stdout).warnings.map((w: any) => w.code);
    expect(codes).toEqual(expect.arrayContaining(['SERVER_WARNING', 'PARTIAL_RESPONSE']));
    expect(r.stderr).toContain('partial response due to store "eu-1" unavailable');
    const strict = await run(['report', '--prometheus', url, ...WINDOW, '--format', 'json', '--strict']);
    expect(strict.code).toBe(4);
    expect(JSON.parse(strict.stdout).totals.tokens.input).toBe(1000);
  });

  it('a budget gate exits 4 on a partial response, even when every budget is within its limit', async () => {
    const url = await api((_req, res) => res.end(goodMatrix(['PromQL warning: partial response due to store "eu-1" unavailable'])));
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const budgets = join(mkdtempSync(join(tmpdir(), 'tokenspend-partial-')), 'b.yaml');
    writeFileSync(budgets, 'budgets:\n  - name: all\n    period: day\n    limit: 1000\n');
    const r = await run([
      'budget',
      'check',
      '--budgets',
      budgets,
      '--prometheus',
      url,
      '--at',
      '2026-11-02T00:00:00Z',
      '--format',
      'json',
      '--per-series',
    ]);
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout).budgets[0].status).toBe('ok');
    expect(r.stderr).toContain('answered with partial data');
  });

  it('exits 3 when nothing listens', async () => {
    const port = await closedPort();
    const r = await run(['report', '--prometheus', `http://127.0.0.1:${port}`, ...WINDOW, '--retries', '0']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('connection refused');
  });

  it('exits 4 when the server has no token metric, naming look-alikes', async () => {
    const s = await serve((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path.endsWith('/api/v1/status/buildinfo')) return res.end(JSON.stringify({ status: 'success', data: { version: '2.42.0' } }));
      res.end(JSON.stringify({ status: 'success', data: ['up', 'my_app_tokens_total'] }));
    });
    servers.push(s);
    const r = await run(['report', '--prometheus', s.url, ...WINDOW]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('my_app_tokens_total');
  });

  it('never shows credentials: URL userinfo and tokens are redacted', async () => {
    const port = await closedPort();
    const r = await run(['report', '--prometheus', `http://admin:hunter2@127.0.0.1:${port}`, ...WINDOW, '--retries', '0'], {
      env: { TOKENSPEND_BEARER_TOKEN: 'tok-123' },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stderr).not.toContain('tok-123');
  });
});

describe('--prometheus connection options', () => {
  it('trusts a private CA with --ca-file, refuses without it, and --insecure-skip-verify warns', async () => {
    const seen: (string | undefined)[] = [];
    const tls = await serveTls((req, res) => {
      seen.push(req.headers.authorization);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      req.resume();
      req.on('end', () => {
        if (path.endsWith('/api/v1/status/buildinfo')) return res.end(JSON.stringify({ status: 'success', data: { version: '2.42.0' } }));
        if (path.endsWith('/api/v1/label/__name__/values')) return res.end(JSON.stringify({ status: 'success', data: ['llm_tokens_in'] }));
        res.end(goodMatrix());
      });
    });
    const { server } = tls;
    const cert = tls.certPath;
    const url = `${tls.url}/prometheus`;
    try {
      const untrusted = await run(['report', '--prometheus', url, ...WINDOW, '--retries', '0']);
      expect(untrusted.code).toBe(3);
      expect(untrusted.stderr).toContain('TLS certificate not trusted');
      const trusted = await run(
        ['report', '--prometheus', url, ...WINDOW, '--ca-file', cert, '--format', 'json', '--basic-auth-user', 'finops'],
        {
          env: { TOKENSPEND_BASIC_AUTH_PASSWORD: 'pw' },
        },
      );
      expect(trusted.code).toBe(0);
      expect(JSON.parse(trusted.stdout).totals.tokens.input).toBe(1000);
      expect(seen.at(-1)).toBe(`Basic ${Buffer.from('finops:pw').toString('base64')}`);
      const insecure = await run(['report', '--prometheus', url, ...WINDOW, '--insecure-skip-verify', '--format', 'json']);
      expect(insecure.code).toBe(0);
      expect(insecure.stderr).toContain('--insecure-skip-verify: the server certificate is NOT verified');
    } finally {
      server.close();
    }
  });
});
