/**
 * {@link RecordArena}: where a MappingStorage keeps the bytes of committed
 * records.
 *
 * Each committed record is copied into a shared chunk, and its revision
 * keeps the chunk with an offset and a length instead of a view object of
 * its own: a view costs ~96 bytes of heap per record (more than most
 * records' bytes), and every added object's revision outlives several
 * young-generation collections, each copying it. Views are made on demand,
 * by {@link StoredRevision.data}.
 *
 * Chunks are never written again below their fill point, so a view handed
 * out never changes. A chunk lives as long as one revision in it does.
 *
 * @module
 */

/** Bytes per shared chunk. */
const CHUNK_BYTES = 32 * 1024;
/** Records at least this large get a chunk of their own (their exact size). */
const OWN_CHUNK_MIN = 2 * 1024;

/** Copies of record bytes, packed into shared chunks. */
export class RecordArena {
  #chunk = new Uint8Array(CHUNK_BYTES);
  #used = 0;
  /** The chunk holding the last copy (see {@link copy}). */
  chunk: Uint8Array = this.#chunk;
  /** Where the last copy starts in {@link chunk}. */
  offset = 0;

  /** Copies `data`; the copy is then `chunk[offset, offset + data.length)`. */
  copy(data: Uint8Array): void {
    const length = data.length;
    if (length >= OWN_CHUNK_MIN) {
      this.chunk = data.slice();
      this.offset = 0;
      return;
    }
    if (this.#used + length > CHUNK_BYTES) {
      this.#chunk = new Uint8Array(CHUNK_BYTES);
      this.#used = 0;
    }
    this.#chunk.set(data, this.#used);
    this.chunk = this.#chunk;
    this.offset = this.#used;
    this.#used += length;
  }
}
