import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusClient } from '../../src/sources/prometheus/client.js';
import { serve } from '../helpers/cli.js';

// How many requests are in flight is nothing a real server reports: a local server that answers
// each instant query after 50 ms, counting the requests it holds at once.
describe('requests in flight (--concurrency)', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  let open = 0;
  let most = 0;
  beforeAll(async () => {
    server = await serve((req, res) => {
      open++;
      most = Math.max(most, open);
      req.resume();
      setTimeout(() => {
        open--;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '7'] }] } }));
      }, 50);
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each([1, 2, 3])('never has more than %i in flight, whoever asks, and every answer arrives', async (limit) => {
    most = 0;
    const client = new PrometheusClient({ url: server.url, headers: {}, timeoutMs: 5_000, retries: 0 }, { maxInFlight: limit });
    const answers = await Promise.all(Array.from({ length: 7 }, (_, i) => client.query(`vector(${i})`, 1_000)));
    expect(answers.map((a) => (a.result as { value: [number, string] }[])[0]?.value[1])).toEqual(Array(7).fill('7'));
    expect(most).toBe(limit);
  });
});

// A body that takes its time after the answer began: nothing a real server does on demand.
describe('a request slot is freed when the answer begins', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  const order: string[] = [];
  let busy = 0;
  beforeAll(async () => {
    server = await serve((req, res) => {
      let form = '';
      req.on('data', (c: Buffer) => (form += c.toString()));
      req.on('end', () => {
        const query = new URLSearchParams(form).get('query') ?? '';
        res.setHeader('content-type', 'application/json');
        const body = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, query] }] } });
        if (query === 'busy' && busy++ === 0) {
          res.statusCode = 503;
          res.end('busy');
          return;
        }
        if (query !== 'slow') {
          res.end(body);
          return;
        }
        // Headers and half the body now, the rest after 300 ms.
        res.write(body.slice(0, 20));
        setTimeout(() => {
          order.push('slow body ends');
          res.end(body.slice(20));
        }, 300);
      });
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('lets the next request run while a body is read, and says when the answer began', async () => {
    const client = new PrometheusClient({ url: server.url, headers: {}, timeoutMs: 5_000, retries: 0 }, { maxInFlight: 1 });
    let began!: () => void;
    const answered = new Promise<void>((resolve) => (began = resolve));
    const slow = client.call('api/v1/query', { query: 'slow', time: '1' }, 'POST', undefined, undefined, () => {
      order.push('slow answer begins');
      began();
    });
    await answered;
    const fast = await client.query('fast', 1_000);
    order.push('fast done');
    expect((fast.result[0] as { value: [number, string] }).value[1]).toBe('fast');
    const data = (await slow) as { result: { value: [number, string] }[] };
    expect(data.result[0]?.value[1]).toBe('slow');
    expect(order).toEqual(['slow answer begins', 'fast done', 'slow body ends']);
  });

  it('says the answer began once per request, not for an answer it asks again (a 503)', async () => {
    const client = new PrometheusClient(
      { url: server.url, headers: {}, timeoutMs: 5_000, retries: 2 },
      { maxInFlight: 1, sleep: async () => undefined },
    );
    let answers = 0;
    const data = (await client.call('api/v1/query', { query: 'busy', time: '1' }, 'POST', undefined, undefined, () => answers++)) as {
      result: { value: [number, string] }[];
    };
    expect(data.result[0]?.value[1]).toBe('busy');
    expect(client.stats.requests).toBe(2);
    expect(answers).toBe(1);
  });
});
