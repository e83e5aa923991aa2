import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseStep } from '../../src/ledger/periods.js';
import { openMetricsOf, productionHistory, truthByDay } from '../generators/production.js';
import { byDay, differences } from '../helpers/days.js';
import { reportAsJson } from '../helpers/report.js';

const history = productionHistory();
const SINCE = new Date(history.start).toISOString();
const UNTIL = new Date(history.end).toISOString();
let file: string;

beforeAll(() => {
  file = join(mkdtempSync(join(tmpdir(), 'tokenspend-production-')), 'history.om');
  writeFileSync(file, `${[...openMetricsOf(history.series)].join('\n')}\n`);
});

describe('production-shaped history from a file: every calendar day exact to the token', () => {
  it.each(['UTC', 'Europe/Berlin', 'Asia/Kolkata'])(
    '%s days: pod churn, HA pair, rename, restarts, sparse calls, a target gone for hours, a monthly job',
    async (zone) => {
      const json = await reportAsJson({
        files: [file],
        by: ['gateway', 'model'],
        step: parseStep('1d'),
        timezone: zone,
        window: { since: SINCE, until: UNTIL },
      });
      expect(differences(byDay(json), truthByDay(history, zone, history.start, history.end))).toEqual([]);
      expect(json.warnings.map((w: any) => w.code)).toContain('REPLICAS_DEDUPLICATED');
    },
  );
});
