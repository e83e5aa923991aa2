import { type Finding, finding } from '../findings.js';
import type { Period } from '../ledger/periods.js';
import { displayPath } from '../pricing/load.js';
import { terminalCell } from '../text.js';
import { zoneOffsets } from './calendar.js';
import type { PriceKey } from './discovery.js';
import type { Level, RulesRequest } from './model.js';
import type { PriceTable } from './prices.js';

/** A value from outside, safe on one comment line. */
const safe = (text: string) => terminalCell(text);

const day = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : 'the first price');

function keyText(k: PriceKey): string {
  const parts = [k.provider, k.tier === undefined ? undefined : `tier ${k.tier}`].filter((x) => x !== undefined);
  return `${safe(k.model ?? '(no model label)')}${parts.length > 0 ? ` (${parts.map((p) => safe(p as string)).join(', ')})` : ''}`;
}

/** Longest history each budget's alert reads, in days (calendar periods read up to a whole one). */
function historyDays(period: Period): number {
  if (period.kind === 'rolling') return period.ms / 86_400_000;
  return { hour: 1 / 24, day: 1, week: 7, month: 31, quarter: 92, year: 366 }[period.unit];
}

function sourceLines(req: RulesRequest): string[] {
  const d = req.discovery;
  const lines = d.dialects.map(
    (u) => `  ${u.spec.id}${d.source === undefined ? '' : ` (${u.series} series)`}: ${[...u.metrics.keys()].map(safe).join(', ')}`,
  );
  const head =
    d.source === undefined
      ? `Source: none; the ${d.dialects.map((u) => u.spec.id).join(', ')} dialect as described (every metric and label it may use); prices embedded for ${d.embedded ?? 'the models named'}, matched on the model name alone (a host's own prices need a source)`
      : `Source: ${safe(d.source)}; token metrics found, by dialect:`;
  const replicas =
    d.replicaLabels.length > 0
      ? [`HA replicas: the highest of the copies that differ only by ${d.replicaLabels.join(', ')} is counted`]
      : [];
  return [head, ...lines, ...replicas];
}

/** How each dialect's input is read against its cache counters (the ledger's rule, in words). */
function cacheLines(req: RulesRequest): string[] {
  return req.discovery.dialects
    .filter((u) => u.spec.inputIncludesCache !== false)
    .map((u) => {
      const id = u.spec.id;
      const setting = req.settings[id]?.inputIncludesCache;
      if (setting === false) return `  ${id}: input excludes cache (the config file says so)`;
      if (setting === true) return `  ${id}: input includes cache reads and writes, taken out once (the config file says so)`;
      const legacy = u.spec.legacyCache;
      if (setting === 'legacy' && legacy)
        return `  ${id}: input includes cache reads and writes, taken out once, except ${legacy.version}'s ${legacy.providers.join(', ')} and Claude models (inputIncludesCache: legacy)`;
      return `  ${id}: input read as including cache reads and writes (taken out once); report decides this per model from the whole history: where it notes CACHE_OUTSIDE_INPUT, set dialects.${id}.inputIncludesCache in the config file and re-run`;
    });
}

function priceLines(req: RulesRequest, table: PriceTable, unpricedRule: string): string[] {
  const files = req.book.files.map((f) => `  ${safe(displayPath(f.path))}: version ${safe(f.version)}, sha256 ${f.sha256}`);
  const lines = [
    `Prices (${req.book.currency} per 1M tokens), the rates in force when this file was generated:`,
    ...files,
    'The cost rules carry these rates in their expressions. Prometheus stores what a rule computes at each evaluation,',
    'so history recorded before a price change keeps the old cost: re-run tokenspend rules when prices change',
    '(CI can diff this file), and backfill with promtool tsdb create-blocks-from rules where history must be repriced.',
    'Each rate is the exact decimal of the price file; PromQL reads it as the nearest float64 (relative error < 1.2e-16)',
    'and the sum is divided by 1e6 once. Every cost rule is self-contained (it reads no recorded series), so it can be backfilled.',
    `Priced (${table.priced.length}):`,
    ...table.priced.map((m) => {
      const rates = Object.entries(m.rates)
        .map(([t, r]) => `${t} ${r}`)
        .join(', ');
      const missing = m.missing.length > 0 ? `; no rate for ${m.missing.join(', ')} (unpriced)` : '';
      return `  ${keyText(m.key)} -> ${safe(m.entry)}: ${rates}${missing}; since ${day(m.since)}`;
    }),
  ];
  if (table.unpriced.length > 0) {
    lines.push(`Unpriced (${table.unpriced.length}), counted by ${unpricedRule}:`);
    for (const u of table.unpriced) lines.push(`  ${keyText(u.key)}: ${u.reason}${u.detail ? ` (${safe(u.detail)})` : ''}`);
  }
  return lines;
}

function budgetLines(req: RulesRequest): string[] {
  if (!req.budgets) return [];
  const { budgets, path } = req.budgets;
  const z = zoneOffsets(budgets.timezone, req.at);
  const zoneText =
    z.changes.length > 0
      ? `its ${z.changes.length} UTC offset changes from ${day(z.span.from)} to ${day(z.span.to)} are written into the alerts; later ones are not (re-run before then)`
      : `a fixed offset of ${z.base / 3600} h`;
  return [
    `Budgets: ${safe(path)}, time zone ${budgets.timezone} (PromQL has no time zones: ${zoneText}).`,
    'Spend alerts sum the recorded hourly cost with an hourly subquery, up to the last full hour of the period;',
    'burn-rate alerts read the token counters over each window directly.',
  ];
}

/** The header comment and the findings worth printing about what was generated. */
export function describeRules(
  req: RulesRequest,
  table: PriceTable,
  levels: Level[],
  unpricedRule: string,
): { header: string[]; findings: Finding[] } {
  const header = [
    'Generated by tokenspend rules: recording rules (hourly cost and tokens) and budget alerts.',
    'Do not edit by hand; re-run the command when prices, budgets or the data change.',
    ...sourceLines(req),
    ...cacheLines(req),
    `Levels: ${levels.map((l) => `${l.cost} by (${l.labels.join(', ')})`).join('; ')}`,
    ...priceLines(req, table, unpricedRule),
    ...budgetLines(req),
  ];
  const findings: Finding[] = [];
  if (table.unpriced.length > 0) {
    const names = table.unpriced.map((u) => keyText(u.key)).join(', ');
    findings.push(
      finding('UNPRICED_MODELS', 'warning', `no price for ${names}: their tokens go to ${unpricedRule}; add them to a --pricing file`),
    );
  }
  const long = [...new Set(table.priced.flatMap((m) => (m.longContext ? [m.longContext] : [])))];
  for (const text of long) findings.push(finding('LONG_CONTEXT_UNBOUNDED', 'warning', text));
  for (const m of table.priced) {
    if (m.nextChange !== undefined)
      findings.push(
        finding(
          'PRICE_CHANGE_SCHEDULED',
          'warning',
          `${keyText(m.key)}: its price changes on ${day(m.nextChange)}: re-run tokenspend rules then`,
        ),
      );
  }
  for (const b of req.budgets?.budgets.budgets ?? []) {
    if (b.period && historyDays(b.period) > 15)
      findings.push(
        finding(
          'RETENTION',
          'info',
          `budget ${b.name}: its alert reads up to ${historyDays(b.period)} days of recorded cost; Prometheus keeps 15 days unless --storage.tsdb.retention.time says more`,
        ),
      );
  }
  return { header, findings };
}
