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
