/**
 * Typed arrays for node stores, carved out of shared slabs.
 *
 * A typed array of more than 64 bytes made with `new Int32Array(n)` gets
 * its own off-heap buffer: a `malloc`, an ArrayBuffer the garbage collector
 * tracks separately, and external-memory pressure that triggers
 * collections. That costs about a microsecond, several times the rest of a
 * bucket split. A view on a region of a larger ArrayBuffer costs a small
 * heap object only, so node stores (split halves, grown stores) are views
 * on slabs of {@link SLAB_BYTES} bytes, handed out in order.
 *
 * Rules this relies on:
 * - a region is handed out once and never reused: views never overlap, a
 *   new view reads zeros, and a view stays valid as long as it is reachable
 *   (it keeps its slab alive);
 * - the views never leave the BTree code: stores are internal, and every
 *   array given out (the arrays of a stored state, `storeCopy`) is a copy
 *   with a buffer of its own, so no caller can see, or detach by a
 *   transfer, a slab that other nodes use.
 *
 * The cost is memory a dead view leaves in a slab still held by live ones:
 * at most one slab per live store (8 times a 512-byte `II` bucket store),
 * and in practice little, as the stores of one tree are made together.
 * Measured (in-process A/B, 10^6 shuffled keys into an `IIBTree`): inserts
 * +14-20% CPU, the same with 4, 8 or 16 KiB slabs; the smallest bounds the
 * memory a survivor can hold.
 *
 * @internal
 * @module
 */

/** Size of one slab. */
export const SLAB_BYTES = 4096;

/** Arrays larger than this get a buffer of their own. */
const LARGEST_CARVED = SLAB_BYTES / 4;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/**
 * A zero-filled typed array of `ctor` (`Int32Array` or `Float64Array`)
 * with `length` elements: a view on a slab when small, an array with a
 * buffer of its own otherwise.
 */
export function newTypedArray(
  ctor: Int32ArrayConstructor | Float64ArrayConstructor,
  length: number,
): Int32Array | Float64Array {
  const bytes = length * ctor.BYTES_PER_ELEMENT;
  if (bytes > LARGEST_CARVED || bytes === 0) return new ctor(length);
  // Regions start on 8-byte boundaries (the alignment Float64Array needs).
  let offset = (used + 7) & ~7;
  if (offset + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    offset = 0;
  }
  used = offset + bytes;
  return new ctor(slab, offset, length);
}
