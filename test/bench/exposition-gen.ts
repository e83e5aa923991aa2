import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rng } from '../generators/history.js';

const MODELS = [
  'gpt-4o-2024-08-06',
  'gpt-4o-mini-2024-07-18',
  'claude-sonnet-4-5-20250929',
  'gemini-2.5-flash',
  'mistral-large-latest',
  'llama-3.1-70b',
];
const PROVIDERS = ['openai', 'openai', 'anthropic', 'gcp.gemini', 'mistral', 'self-hosted'];
const BUCKETS = ['1', '4', '16', '64', '256', '1024', '4096', '16384', '65536', '262144', '1048576', '+Inf'];

/**
 * Writes an LLM-gateway exposition of about `lines` sample lines: a third are LiteLLM token
 * counters, two thirds agentgateway token histograms (12 buckets, _sum, _count), as in the
 * parser measurements of ../shared/research/performance.md. Returns the bytes written.
 */
export async function writeBigExposition(path: string, lines: number): Promise<number> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const r = rng(7);
  let written = 0;
  let bytes = 0;
  let buffer = '';
  const emit = async (line: string) => {
    buffer += `${line}\n`;
    written++;
    if (buffer.length > 1 << 20) {
      bytes += Buffer.byteLength(buffer);
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  };
  await emit('# HELP litellm_input_tokens_metric_total Total number of input tokens from LLM requests');
  await emit('# TYPE litellm_input_tokens_metric_total counter');
  await emit('# TYPE agentgateway_gen_ai_client_token_usage histogram');
  for (let i = 0; written < lines; i++) {
    const m = i % MODELS.length;
    const model = MODELS[m] as string;
    const team = `team-${(i * 7) % 97}`;
    const user = `user-${i}`;
    if (i % 2 === 0) {
      // 5 counter lines per unit…
      for (const metric of ['input_tokens', 'output_tokens', 'input_cached_tokens', 'total_tokens', 'spend']) {
        await emit(
          `litellm_${metric}_metric_total{end_user="${user}",model="${model}",team="${team}",team_alias="${team}",user="default_user_id"} ${Math.floor(r() * 1e9)}`,
        );
      }
    } else {
      // …and one token histogram per type, 14 lines each.
      for (const type of ['input', 'output']) {
        const labels = `gen_ai_token_type="${type}",gen_ai_operation_name="chat",gen_ai_system="${PROVIDERS[m]}",gen_ai_request_model="${model}",gen_ai_response_model="${model}",gateway="ns/gw-${i % 5}",user_id="${user}"`;
        let count = 0;
        for (const le of BUCKETS) {
          count += Math.floor(r() * 50);
          await emit(`agentgateway_gen_ai_client_token_usage_bucket{${labels},le="${le}"} ${count}`);
        }
        await emit(`agentgateway_gen_ai_client_token_usage_sum{${labels}} ${Math.floor(r() * 1e8)}`);
        await emit(`agentgateway_gen_ai_client_token_usage_count{${labels}} ${count}`);
      }
    }
  }
  bytes += Buffer.byteLength(buffer);
  out.end(buffer);
  await once(out, 'finish');
  return bytes;
}
