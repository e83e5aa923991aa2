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

/**
 * `JSON.stringify({ ...head, [key]: [...items], ...tail }, null, 2)` and a newline, item by item:
 * the same text, in chunks, without the whole array or the whole text in memory. (Each item is
 * stringified alone and indented two levels; JSON text has no raw newline inside a string, so
 * every newline in it is a line break of the layout.)
 */
export function* jsonWithArray(head: object, key: string, items: Iterable<unknown>, tail: object, size = CHUNK_SIZE): Generator<string> {
  const open = JSON.stringify(head, null, 2);
  let chunk = `${open === '{}' ? '{' : `${open.slice(0, -2)},`}\n  ${JSON.stringify(key)}: [`;
  let first = true;
  for (const item of items) {
    chunk += `${first ? '' : ','}\n    ${JSON.stringify(item, null, 2).replaceAll('\n', '\n    ')}`;
    first = false;
    if (chunk.length >= size) {
      yield chunk;
      chunk = '';
    }
  }
  const close = JSON.stringify(tail, null, 2);
  yield `${chunk}${first ? ']' : '\n  ]'}${close === '{}' ? '\n}' : `,${close.slice(1)}`}\n`;
}
