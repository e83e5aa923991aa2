/**
 * An OpenTelemetry-dialect history (otel-counters: `gen_ai_client_token_usage_{input,cached_input,output}_total`,
 * as the OTel cost-tracking recipe records them), from the same seeded simulation as the demo.
 * The input counter includes cached tokens, which are also counted on their own counter; there
 * are no cache writes. Four days at 15-second scrapes from an SDK exporter (no gateway label),
 * with a process restart, a model launched mid-way and a sparse feature.
 */
import { type History, type HistorySpec, simulate, type Stream } from './history.js';

const DAY = 86_400_000;

/** The OTel history's spec: OpenAI and Gemini models (their input counts include cache). */
export function otelSpec(): HistorySpec {
  const start = Date.UTC(2026, 10, 16); // 2026-11-16, a Monday
  const s = (
    service: string,
    provider: Stream['provider'],
    model: string,
    feature: string,
    peakPerHour: number,
    extra: Partial<Stream> = {},
  ): Stream => ({
    gateway: service,
    provider,
    requestModel: model,
    responseModel: model,
    feature,
    peakPerHour,
    meanInput: 2200,
    meanOutput: 400,
    cachedShare: 0.35,
    cacheWriteShare: 0,
    ...extra,
  });
  return {
    seed: 20261116,
    start,
    end: start + 4 * DAY,
    intervalMs: 15_000,
    offsetMs: 4_000,
    streams: [
      s('support-bot', 'openai', 'gpt-4o-2024-11-20', 'support', 700),
      s('support-bot', 'openai', 'gpt-4o-mini-2024-07-18', 'triage', 1800, { meanInput: 900, meanOutput: 80, cachedShare: 0.6 }),
      s('report-writer', 'gcp.gemini', 'gemini-2.5-flash', 'reports', 300, { meanInput: 7000, meanOutput: 900, cachedShare: 0.2 }),
      s('report-writer', 'openai', 'gpt-4o-mini-2024-07-18', 'export', 3, { meanInput: 1200, meanOutput: 600, cachedShare: 0 }),
      s('support-bot', 'openai', 'o3-2025-04-16', 'escalation', 60, {
        meanInput: 5000,
        meanOutput: 2500,
        startsAt: start + DAY + 9 * 3_600_000,
      }),
    ],
    restarts: { 'report-writer': start + DAY + 14 * 3_600_000 + 7 * 60_000 },
    gaps: {},
  };
}

const NAMES: Record<string, string> = {
  input: 'gen_ai_client_token_usage_input_total',
  input_cache_read: 'gen_ai_client_token_usage_cached_input_total',
  output: 'gen_ai_client_token_usage_output_total',
};

/** OpenMetrics text of the history in the otel-counters dialect (timestamps in seconds, `# EOF`). */
export function* otelCounterLines(history: History): Generator<string> {
  for (const [kind, name] of Object.entries(NAMES)) {
    // One family after another, as OpenMetrics wants them.
    yield `# TYPE ${name} unknown`;
    for (const s of history.series) {
      if (s.kind !== kind) continue;
      const st = s.stream;
      const labels = `gen_ai_operation_name="chat",gen_ai_provider_name="${st.provider}",gen_ai_request_model="${st.requestModel}",feature="${st.feature}",service_name="${st.gateway}"`;
      for (let i = 0; i < s.times.length; i++) yield `${name}{${labels}} ${s.values[i]} ${(s.times[i] as number) / 1000}`;
    }
  }
  for (const s of history.series)
    if (NAMES[s.kind] === undefined) throw new Error(`the otel-counters dialect has no counter for ${s.kind}`);
  yield '# EOF';
}

export { simulate };
