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
 * Chunks start at 1 KiB and double up to 32 KiB, so a storage holding a
 * few records holds little memory.
 *
 * Records that are views of a write-once buffer (the object writer's output
 * slabs: see `write-once-bytes.ts`) can be kept where they are, with no
 * copy ({@link RecordArena.keep}): their bytes can never change, and the
 * slab then serves as the chunk. MappingStorage does so for transactions
 * of 64 records or more, whose records fill the slabs densely. A committed
 * OOBTree of 10^6 keys (48,000 records, 21.7 MB) committed 20-25% faster
 * so, in alternating processes, mostly from page faults of fresh memory
 * the copies no longer touch. Pack copies every record it keeps
 * ({@link RecordArena.copy}), so removed revisions do not pin a slab.
 *
 * @module
 */

import { isWriteOnce } from '../../write-once-bytes.js';

/** Bytes of the first shared chunk; each next one is twice as large, up to {@link CHUNK_BYTES_MAX}. */
const FIRST_CHUNK_BYTES = 1024;
/** Bytes of the largest shared chunk. */
const CHUNK_BYTES_MAX = 32 * 1024;
/** Records at least this large get a chunk of their own (their exact size). */
const OWN_CHUNK_MIN = 2 * 1024;

const NO_BYTES = new Uint8Array(0);

/** Copies of record bytes, packed into shared chunks. */
export class RecordArena {
  #chunk = NO_BYTES;
  #used = 0;
  /** The chunk holding the last copy (see {@link copy}). */
  chunk: Uint8Array = NO_BYTES;
  /** Where the last copy starts in {@link chunk}. */
  offset = 0;

  /** The last write-once buffer kept, and a view of all of it (the chunk of its records). */
  #keptBuffer: ArrayBufferLike | undefined;
  #keptWhole: Uint8Array = NO_BYTES;

  /**
   * Keeps `data`: where it is when it is a view of a write-once buffer,
   * else as {@link copy} does. The bytes are then
   * `chunk[offset, offset + data.length)`.
   */
  keep(data: Uint8Array): void {
    if (!isWriteOnce(data)) {
      this.copy(data);
      return;
    }
    const buffer = data.buffer;
    if (buffer !== this.#keptBuffer) {
      this.#keptBuffer = buffer;
      this.#keptWhole = new Uint8Array(buffer);
    }
    this.chunk = this.#keptWhole;
    this.offset = data.byteOffset;
  }

  /** Copies `data`; the copy is then `chunk[offset, offset + data.length)`. */
  copy(data: Uint8Array): void {
    const length = data.length;
    if (length >= OWN_CHUNK_MIN) {
      this.chunk = data.slice();
      this.offset = 0;
      return;
    }
    if (this.#used + length > this.#chunk.length) {
      // Small storages keep small chunks; busy ones reach the largest soon.
      const doubled = Math.min(
        CHUNK_BYTES_MAX,
        Math.max(FIRST_CHUNK_BYTES, this.#chunk.length * 2),
      );
      const size = Math.max(doubled, length);
      this.#chunk = new Uint8Array(size);
      this.#used = 0;
    }
    this.#chunk.set(data, this.#used);
    this.chunk = this.#chunk;
    this.offset = this.#used;
    this.#used += length;
  }
}
