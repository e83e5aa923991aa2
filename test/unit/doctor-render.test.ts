import { describe, expect, it } from 'vitest';
import { DOCTOR_RENDERERS } from '../../src/render/doctor.js';
import { displayWidth } from '../../src/render/terminal.js';
import type { DoctorResult } from '../../src/sources/prometheus/inspect.js';

// doctor's table is lines, not a grid: findings wrapped under their mark, the label list wrapped,
// one line per model, the command to try broken before its flags. None wider than the terminal.

const result: DoctorResult = {
  server: { url: 'http://127.0.0.1:9090', flavour: 'prometheus', version: '2.42.0' },
  metrics: [{ name: 'agentgateway_gen_ai_client_token_usage_sum', dialect: 'agentgateway', series: 42 }],
  labels: [
    { name: 'team', values: 12 },
    { name: 'feature_name_that_is_rather_long', values: 3 },
    { name: 'tenant', values: 4000 },
  ],
  models: [
    { name: 'claude-sonnet-4-5-20250929', series: 12, pricedAs: 'anthropic/claude-sonnet-4-5' },
    { name: `a-self-hosted-model-${'x'.repeat(90)}`, series: 3, pricedAs: null },
  ],
  retention: '30d',
  replicaLabels: [],
  freshness: { dialect: [], gateway: [], thresholdMs: 600_000 },
  findings: [
    { code: 'SERVER', severity: 'info', message: 'Prometheus 2.42.0 answers at http://127.0.0.1:9090' },
    {
      code: 'HIGH_CARDINALITY',
      severity: 'warning',
      message: `label "tenant" has 4,000 values on the token metrics: a report by it has as many rows; ${'group by fewer labels or match a subset '.repeat(3)}`,
    },
    { code: 'UNPRICED_MODELS', severity: 'error', message: '1 model has no price: a-self-hosted-model-xxxx (add it to a pricing file)' },
  ],
  suggestion: 'tokenspend report --prometheus http://127.0.0.1:9090 --window 7d --by model,team --format table',
};

describe('doctor table', () => {
  it.each([80, 100, 60])('fits %i columns and keeps every finding, label and model', (width) => {
    const out = DOCTOR_RENDERERS.table(result, { color: false, width });
    const lines = out.trimEnd().split('\n');
    for (const l of lines) expect(displayWidth(l), l).toBeLessThanOrEqual(width);
    expect(lines.filter((l) => /^(ok {2}|warn|FAIL) /.test(l)).map((l) => l.slice(0, 4))).toEqual(['ok  ', 'warn', 'FAIL']);
    expect(out.replace(/\n +/g, ' ')).toContain('feature_name_that_is_rather_long (3), tenant (4000)');
    // 63 columns whole; at 60 the name gives way (25 columns left for it), the price entry stays.
    const claude = width >= 63 ? '  claude-sonnet-4-5-20250929' : '  claude-sonnet-4-5-2025…';
    expect(lines.filter((l) => l.startsWith('  claude-sonnet-4-5-'))).toEqual([`${claude} (12) → anthropic/claude-sonnet-4-5`]);
    // The long name is cut, the series count and "unpriced" stay.
    expect(lines.find((l) => l.startsWith('  a-self-hosted-model-'))).toMatch(/… \(3\) → unpriced$/);
    // The command to copy: whole, with continuation backslashes where it breaks.
    const command = lines
      .slice(lines.indexOf('Try:') + 1)
      .map((l) => l.replace(/ \\$/, '').trim())
      .join(' ');
    expect(command).toBe(result.suggestion);
  });
});
