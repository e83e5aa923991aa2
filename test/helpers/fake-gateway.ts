import { serve } from './cli.js';

const METRIC = 'agentgateway_gen_ai_client_token_usage';

/** One token counter of an agentgateway: its labels, its value, and how many requests it counted. */
interface Counter {
  labels: string;
  sum: number;
  count: number;
}

/**
 * A live agentgateway /metrics endpoint whose token counters the test sets: `add` counts a request,
 * `restart` sets every counter back to 0, and `nextScrape` resolves once a scrape has been served
 * a body rendered after the call (so it holds every change made before it).
 */
export class FakeAgentgateway {
  private readonly counters = new Map<string, Counter>();
  private rendered = 0;
  private waiters: { after: number; resolve: () => void }[] = [];

  private constructor(
    readonly name: string,
    readonly target: string,
    readonly close: () => Promise<void>,
  ) {}

  static async start(name: string): Promise<FakeAgentgateway> {
    const self: { gw?: FakeAgentgateway } = {};
    const s = await serve((req, res) => {
      const gw = self.gw;
      if (gw === undefined || req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      const n = ++gw.rendered;
      const body = gw.exposition();
      res.on('finish', () => gw.served(n));
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
    });
    self.gw = new FakeAgentgateway(name, new URL(s.url).host, s.close);
    return self.gw;
  }

  /** One request of `tokens` tokens of this type (`input`, `output`) on this model. */
  add(model: string, type: string, tokens: number): void {
    const key = `${model}|${type}`;
    const labels = `gen_ai_token_type="${type}",gen_ai_operation_name="chat",gen_ai_system="${model.startsWith('claude') ? 'anthropic' : 'openai'}",gen_ai_request_model="${model}",gen_ai_response_model="${model}",gateway="${this.name}",route="default/llm"`;
    const c = this.counters.get(key) ?? { labels, sum: 0, count: 0 };
    c.sum += tokens;
    c.count += 1;
    this.counters.set(key, c);
  }

  /** The gateway process restarted: every counter is back to 0 (its series stay). */
  restart(): void {
    for (const c of this.counters.values()) {
      c.sum = 0;
      c.count = 0;
    }
  }

  /** Current counter values by `model|type`. */
  values(): Record<string, number> {
    return Object.fromEntries([...this.counters].map(([k, c]) => [k, c.sum]));
  }

  /** Resolves when a scrape rendered after this call has been sent; rejects after `timeoutMs`. */
  nextScrape(timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} was not scraped within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        after: this.rendered,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  private served(n: number): void {
    const ready = this.waiters.filter((w) => n > w.after);
    this.waiters = this.waiters.filter((w) => n <= w.after);
    for (const w of ready) w.resolve();
  }

  private exposition(): string {
    const lines = [`# HELP ${METRIC} Number of tokens used per request.`, `# TYPE ${METRIC} histogram`];
    for (const c of this.counters.values()) {
      lines.push(`${METRIC}_bucket{le="+Inf",${c.labels}} ${c.count}`);
      lines.push(`${METRIC}_sum{${c.labels}} ${c.sum}`);
      lines.push(`${METRIC}_count{${c.labels}} ${c.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
