/** Bytes (UTF-16 code units, near enough) a streaming renderer gathers before it hands text on. */
export const CHUNK_SIZE = 1 << 16;

/**
 * Joins small pieces of text (CSV records, JSON lines) into chunks of about `size` characters, so
 * a large result is written in a few thousand writes, never held whole.
 */
export function* chunked(pieces: Iterable<string>, size = CHUNK_SIZE): Generator<string> {
  let chunk = '';
  for (const piece of pieces) {
    chunk += piece;
    if (chunk.length >= size) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** Items stringified at once by `jsonWithArray` (one native call per batch, not per item). */
const BATCH = 256;

/**
 * `JSON.stringify({ ...head, [key]: [...items], ...tail }, null, 2)` and a newline, item by item:
 * the same text, in chunks, without the whole array or the whole text in memory. Items are
 * stringified a batch at a time as `{ [key]: batch }`, whose text between the array's brackets is
 * the batch laid out as it is in the whole document.
 */
export function* jsonWithArray(head: object, key: string, items: Iterable<unknown>, tail: object, size = CHUNK_SIZE): Generator<string> {
  const open = JSON.stringify(head, null, 2);
  // `{ [key]: batch }` laid out: these around the batch's items.
  const before = `{\n  ${JSON.stringify(key)}: [`;
  const after = '\n  ]\n}';
  let chunk = `${open === '{}' ? '{' : `${open.slice(0, -2)},`}\n  ${JSON.stringify(key)}: [`;
  let first = true;
  let batch: unknown[] = [];
  const flush = () => {
    const text = JSON.stringify({ [key]: batch }, null, 2);
    chunk += `${first ? '' : ','}${text.slice(before.length, text.length - after.length)}`;
    first = false;
    batch = [];
  };
  for (const item of items) {
    batch.push(item);
    if (batch.length < BATCH) continue;
    flush();
    if (chunk.length >= size) {
      yield chunk;
      chunk = '';
    }
  }
  if (batch.length > 0) flush();
  const close = JSON.stringify(tail, null, 2);
  yield `${chunk}${first ? ']' : '\n  ]'}${close === '{}' ? '\n}' : `,${close.slice(1)}`}\n`;
}
