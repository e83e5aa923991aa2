import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { SourceInfo } from '../cost/report.js';
import { sourceError } from '../errors.js';
import type { UsageStore } from '../ledger/store.js';
import { type ExpositionFormat, parseExpositionStream } from './exposition.js';
import type { SourceSpec } from './spec.js';

export interface FileSourceOptions {
  store: UsageStore;
  acceptName: (name: string) => boolean;
  /** Standard input, for `--file -`. */
  stdin?: Readable | undefined;
}

/** `.om` and `.openmetrics` files use seconds for timestamps; other files are guessed per value. */
function formatOf(path: string): ExpositionFormat {
  return /\.(om|openmetrics)(\.gz)?$/i.test(path) ? 'openmetrics' : 'auto';
}

/**
 * Streams a Prometheus text or OpenMetrics file into the store. Samples with timestamps are a
 * history; a file without them is one snapshot (lifetime totals). Timestamped files without a NAME
 * merge series by labels, so two snapshots of one target give the usage between them.
 */
export async function readFileSource(spec: SourceSpec, options: FileSourceOptions): Promise<SourceInfo> {
  const path = spec.location;
  let stream: Readable;
  if (path === '-') {
    if (!options.stdin) throw sourceError('--file -: no standard input');
    stream = options.stdin;
  } else {
    try {
      const st = await stat(path);
      if (st.isDirectory()) throw sourceError(`${path}: is a directory, expected an exposition file`);
    } catch (e) {
      if ((e as { exitCode?: number }).exitCode !== undefined) throw e;
      throw sourceError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    stream = createReadStream(path, { highWaterMark: 1 << 16 });
    if (path.endsWith('.gz')) stream = stream.pipe(createGunzip());
  }
  let timestamped = false;
  const name = spec.name;
  try {
    await parseExpositionStream(stream, {
      source: path === '-' ? '<stdin>' : path,
      format: formatOf(path),
      accept: options.acceptName,
      onSample(sample) {
        if (sample.timestampMs !== undefined) {
          timestamped = true;
          options.store.addTimed(sample, sample.timestampMs, name);
        } else {
          options.store.addSnapshot(sample, name);
        }
      },
    });
  } catch (e) {
    if ((e as { exitCode?: number }).exitCode !== undefined) throw e;
    throw sourceError(`${path}: ${(e as Error).message}`);
  }
  return { kind: 'file', name, location: path, timestamped };
}
