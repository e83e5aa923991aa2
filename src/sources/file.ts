import { createReadStream } from 'node:fs';
import { open as openFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { sourceError } from '../errors.js';
import type { SampleSink } from '../ledger/sink.js';
import { type ExpositionFormat, parseExpositionStream } from './exposition.js';
import type { ReadRequest, SourceContext, SourceReading, UsageSource } from './source.js';
import type { SourceSpec } from './spec.js';

/** `.om` and `.openmetrics` files use seconds for timestamps; other files are guessed per value. */
function formatOf(path: string): ExpositionFormat {
  return /\.(om|openmetrics)(\.gz)?$/i.test(path) ? 'openmetrics' : 'auto';
}

const CHUNK = 1 << 16;

/** How much larger an exposition is than its gzip, about (they compress 8–20×). */
const GZIP_RATIO = 8;

/**
 * A plain file's bytes, 64 KiB at a time into two buffers in turn: the next chunk is read while
 * the parser works on this one, and the parser has finished with a chunk before its buffer is
 * read into again. A stream allocates a buffer per chunk instead: megabytes of them for the
 * collector between two collections on a large file.
 */
async function* fileChunks(path: string, progress: SourceContext['progress'], size: number): AsyncGenerator<Buffer> {
  const handle = await openFile(path, 'r');
  const buffers: Buffer[] = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  const what = basename(path);
  let bytes = 0;
  let turn = 0;
  let next = handle.read(buffers[0] as Buffer, 0, CHUNK, null);
  try {
    for (;;) {
      const { bytesRead } = await next;
      if (bytesRead === 0) return;
      const buffer = buffers[turn] as Buffer;
      turn ^= 1;
      next = handle.read(buffers[turn] as Buffer, 0, CHUNK, null);
      bytes += bytesRead;
      progress?.({ kind: 'read', what, bytes, total: size });
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    // A read still under way must end before the handle closes.
    await next.catch(() => undefined);
    await handle.close();
  }
}

async function open(path: string, ctx: SourceContext): Promise<AsyncIterable<Buffer | string>> {
  const { stdin, progress } = ctx;
  if (path === '-') {
    if (!stdin) throw sourceError('--file -: no standard input');
    return stdin;
  }
  let size: number;
  try {
    const st = await stat(path);
    size = st.size;
    if (st.isDirectory()) throw sourceError(`${path}: is a directory, expected an exposition file`);
  } catch (e) {
    if ((e as { exitCode?: number }).exitCode !== undefined) throw e;
    throw sourceError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!path.endsWith('.gz')) return fileChunks(path, progress, size);
  let stream: Readable = createReadStream(path, { highWaterMark: CHUNK });
  if (progress) {
    // Bytes of the file itself (compressed, for .gz), so the share read is true.
    let bytes = 0;
    const what = basename(path);
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        progress({ kind: 'read', what, bytes, total: size });
        done(null, chunk);
      },
    });
    stream.on('error', (e) => counted.destroy(e));
    stream = stream.pipe(counted);
  }
  return stream.pipe(createGunzip());
}

/**
 * A Prometheus text or OpenMetrics file (or standard input), streamed into the sink. Samples with
 * timestamps are a history; a file without them is one snapshot (lifetime totals). Timestamped
 * files without a NAME merge series by labels, so two snapshots of one target give the usage
 * between them.
 */
export class FileSource implements UsageSource {
  readonly kind = 'file';
  readonly reads = 'samples';
  readonly defaults = { window: { kind: 'all', label: 'all' }, lookbackMs: Number.POSITIVE_INFINITY } as const;

  constructor(private readonly spec: SourceSpec) {}

  async rereadableBytes(): Promise<number | undefined> {
    const path = this.spec.location;
    if (path === '-') return undefined;
    const st = await stat(path).catch(() => undefined);
    if (!st?.isFile()) return undefined;
    return path.endsWith('.gz') ? st.size * GZIP_RATIO : st.size;
  }

  async read(sink: SampleSink, request: ReadRequest): Promise<SourceReading> {
    const path = this.spec.location;
    const stream = await open(path, request.ctx);
    let timestamped = false;
    const name = this.spec.name;
    try {
      await parseExpositionStream(stream, {
        source: path === '-' ? '<stdin>' : path,
        format: formatOf(path),
        accept: request.classifier.acceptName,
        onSample(sample) {
          if (sample.timestampMs !== undefined) {
            timestamped = true;
            sink.addTimed(sample, sample.timestampMs, name);
          } else {
            sink.addSnapshot(sample, name);
          }
        },
      });
    } catch (e) {
      if ((e as { exitCode?: number }).exitCode !== undefined) throw e;
      throw sourceError(`${path}: ${(e as Error).message}`);
    }
    return { sources: [{ kind: 'file', name, location: path, timestamped }], findings: [] };
  }
}
