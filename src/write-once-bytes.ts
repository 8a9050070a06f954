/**
 * Write-once buffers: buffers whose bytes, once handed out in a view, are
 * never written again.
 *
 * The object writer hands out each record as a view of a shared output
 * slab, and never writes a slab's bytes again after handing them out (see
 * `serialize/direct-encoder.ts`). A storage that keeps records in memory
 * may then keep such a view's bytes where they are instead of copying
 * them: MappingStorage does (`storage/mapping/record-arena.ts`), which
 * saves a copy of every record and, in a fresh process, the page faults of
 * memory that copy would touch first.
 *
 * Only code that owns a buffer from its creation may mark it; a buffer of
 * unknown origin (a caller's, a pooled Node `Buffer`'s) is never write-once.
 *
 * @internal
 * @module
 */

const writeOnce = new WeakSet<ArrayBufferLike>();

/**
 * Declares that no byte of `buffer` will be written after it is first
 * handed out in a view. Call on a buffer the caller made, before any view
 * of it leaves the caller.
 */
export function markWriteOnce(buffer: ArrayBufferLike): void {
  writeOnce.add(buffer);
}

/** Whether the bytes of `view` can never change (its buffer was marked write-once). */
export function isWriteOnce(view: Uint8Array): boolean {
  return writeOnce.has(view.buffer);
}
