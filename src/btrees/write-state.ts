/**
 * The states a commit writes for BTree leaves, made without copying
 * (see `_p_writeState` in src/connection/object-writer.ts).
 *
 * `__getstate__` gives states that leave the BTree code, so its arrays are
 * copies with buffers of their own (leaf-ops.ts). A commit encodes a
 * leaf's state at once and never keeps it, so the state it writes may
 * share the leaf's arrays: `O` arrays as they are (they are exactly as
 * long as the leaf), numeric ones as views of their used part, and the
 * packed array of the `II`-like families from a shared slab (no buffer of
 * its own). The bytes written are those of `__getstate__`'s state.
 *
 * @internal
 * @module
 */

import { packedArrayClass } from './leaf-ops.js';
import type { LeafNode } from './nodes.js';
import type { Store } from './store.js';
import { newTypedArray } from './typed-slab.js';

/** The first `len` items of `store`, without copying. */
function used(store: Store, len: number): Store {
  if (Array.isArray(store)) return store.length === len ? store : store.slice(0, len);
  return store.length === len ? store : store.subarray(0, len);
}

/** `leaf`'s state for a commit to encode at once: the layout of `leafGetState`, sharing the leaf's arrays. */
export function leafWriteState(leaf: LeafNode): unknown[] {
  const len = leaf._len;
  const values = leaf._values;
  const packed = values === null ? null : packedArrayClass(leaf);
  let state: unknown[];
  if (packed !== null) {
    const items = newTypedArray(packed, 2 * len);
    const keys = leaf._keys as Int32Array;
    const vals = values as Int32Array;
    for (let i = 0; i < len; i++) {
      items[i] = keys[i]!;
      items[len + i] = vals[i]!;
    }
    state = [items];
  } else {
    state = values === null ? [used(leaf._keys, len)] : [used(leaf._keys, len), used(values, len)];
  }
  const next = leaf._next;
  if (next !== null && next !== undefined) state.push(next);
  return state;
}
