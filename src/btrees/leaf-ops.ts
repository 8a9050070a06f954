/**
 * Operations on one leaf (a Bucket or a Set): search, insert, remove,
 * split, and the stored state.
 *
 * Callers activate the leaf before calling these; the mutators call
 * `_p_willChange()` themselves, only when they change something.
 *
 * Stored state (see docs/btrees.md, "Stored states"):
 * - Bucket: `[keys, values]` or `[keys, values, next]`
 * - Bucket whose keys and values share one typed-array class (`II`, `LL`,
 *   `LF`): `[items]` or `[items, next]`, `items` holding the n keys then
 *   the n values (one binary value: one allocation to write and to read)
 * - Set: `[keys]` or `[keys, next]`
 *
 * `keys` and `values` are plain arrays (`O`) or typed arrays (`Int32Array`
 * for `I`, `Float64Array` for `L` and `F`) of exactly the leaf's length;
 * `next` is the next leaf (stored as a reference), absent for the last.
 * The two-array form of the packed families (written before the packed
 * form existed) is still read.
 *
 * @internal
 * @module
 */

import { CorruptedDataError } from '../errors.js';
import type { Change, LeafNode } from './nodes.js';
import { INSERTED, UNCHANGED, VALUE_CHANGED } from './nodes.js';
import {
  codeInserted,
  codeRemoved,
  dropCodes,
  searchNode,
  searchNodeIfCoded,
} from './prefix-codes.js';
import type { Store } from './store.js';
import { storeCopy, storeInsert, storeRemove, storeSlice, storeTruncate } from './store.js';

/** Index of `key` in the leaf, or `~insertionPoint` when absent. */
export function leafSearch(leaf: LeafNode, key: unknown): number {
  return searchNode(leaf, leaf._len, key);
}

/**
 * Sets `key` to `value` (sets ignore `value`). With `unique`, an existing
 * key is left alone. Numeric values equal to the current one change nothing.
 */
export function leafSet(leaf: LeafNode, key: unknown, value: unknown, unique: boolean): Change {
  // Other keys than strings go straight to the key type's search (through
  // the codes' dispatch, IIBTree inserts were 5% slower).
  const i =
    typeof key === 'string'
      ? searchNodeIfCoded(leaf, leaf._len, key)
      : leaf._keyType.search(leaf._keys, leaf._len, key);
  if (i >= 0) {
    const values = leaf._values;
    if (unique || values === null) return UNCHANGED;
    if (leaf._valueType!.numeric && values[i] === value) return UNCHANGED;
    leaf._p_willChange();
    values[i] = value;
    return VALUE_CHANGED;
  }
  leaf._p_willChange();
  const at = ~i;
  const len = leaf._len;
  if (leaf._codedKeys === leaf._keys) codeInserted(leaf, at, len, key);
  leaf._keys = storeInsert(leaf._keys, len, at, key);
  if (leaf._values !== null) leaf._values = storeInsert(leaf._values, len, at, value);
  leaf._len = len + 1;
  return INSERTED;
}

/** Removes the item at `index`. */
export function leafRemoveAt(leaf: LeafNode, index: number): void {
  leaf._p_willChange();
  const len = leaf._len;
  codeRemoved(leaf, index, len);
  storeRemove(leaf._keys, len, index);
  if (leaf._values !== null) storeRemove(leaf._values, len, index);
  leaf._len = len - 1;
}

/** Removes `key`; false when absent. */
export function leafDelete(leaf: LeafNode, key: unknown): boolean {
  const i = leafSearch(leaf, key);
  if (i < 0) return false;
  leafRemoveAt(leaf, i);
  return true;
}

/** Empties the leaf (its `_next` is kept). */
export function leafClear(leaf: LeafNode): void {
  leaf._p_willChange();
  leaf._keys = leaf._keyType.newStore(0);
  if (leaf._values !== null) leaf._values = leaf._valueType!.newStore(0);
  leaf._len = 0;
}

/**
 * Moves the upper half of the leaf into a new leaf of the same class,
 * linked right after it; returns the new leaf.
 */
export function leafSplit(leaf: LeafNode): LeafNode {
  const len = leaf._len;
  const index = len >> 1;
  const right = new (leaf.constructor as new () => LeafNode)();
  right._keys = storeSlice(leaf._keys, index, len);
  if (leaf._values !== null) right._values = storeSlice(leaf._values, index, len);
  right._len = len - index;
  right._next = leaf._next;
  leaf._p_willChange();
  dropCodes(leaf);
  storeTruncate(leaf._keys, len, index);
  if (leaf._values !== null) storeTruncate(leaf._values, len, index);
  leaf._len = index;
  leaf._next = right;
  return right;
}

/** Index of the first key `>= key` (`> key` when `exclusive`); may be `_len`. */
export function leafIndexFrom(leaf: LeafNode, key: unknown, exclusive: boolean): number {
  const i = leafSearch(leaf, key);
  if (i >= 0) return exclusive ? i + 1 : i;
  return ~i;
}

/** Index of the last key `<= key` (`< key` when `exclusive`); may be -1. */
export function leafIndexUpTo(leaf: LeafNode, key: unknown, exclusive: boolean): number {
  const i = leafSearch(leaf, key);
  if (i >= 0) return exclusive ? i - 1 : i;
  return ~i - 1;
}

/** The state to store: `[keys, values, next?]`, `[items, next?]` (packed) or `[keys, next?]`. */
export function leafGetState(leaf: LeafNode): unknown[] {
  return leafState(leaf, leaf._keys, leaf._values, leaf._len, leaf._next);
}

/** What decides a leaf's state layout: its key and value types. */
export type LeafTypes = Pick<LeafNode, '_keyType' | '_valueType'>;

/**
 * The typed-array class that holds both keys and values of the packed
 * bucket state, or null when the family stores two arrays (or is a set).
 */
export function packedArrayClass(
  types: LeafTypes,
): Int32ArrayConstructor | Float64ArrayConstructor | null {
  const ctor = types._keyType.typedArray;
  return ctor !== null && types._valueType !== null && types._valueType.typedArray === ctor
    ? ctor
    : null;
}

/**
 * The stored state of a leaf of `types` holding the first `len` items of
 * `keys` and `values` (null for a set), linked to `next` (none when null
 * or undefined). The arrays of the state are new: the leaf's are not shared.
 */
export function leafState(
  types: LeafTypes,
  keys: Store,
  values: Store | null,
  len: number,
  next: unknown,
): unknown[] {
  const packed = values === null ? null : packedArrayClass(types);
  let state: unknown[];
  if (packed !== null) {
    // A buffer of its own: states leave the BTree code (see typed-slab.ts).
    const items = new packed(2 * len);
    items.set(keys.length === len ? (keys as Int32Array) : (keys as Int32Array).subarray(0, len));
    const vals = values as Int32Array;
    items.set(vals.length === len ? vals : vals.subarray(0, len), len);
    state = [items];
  } else {
    state = [storeCopy(keys, len)];
    if (values !== null) state.push(storeCopy(values, len));
  }
  if (next !== null && next !== undefined) state.push(next);
  return state;
}

/**
 * The parts of a decoded leaf state, checked against the leaf's types. The
 * arrays of the state are adopted, not copied: the state is handed over
 * (a packed state's keys and values become two views of its one array).
 *
 * @throws CorruptedDataError when the state has the wrong shape or holds
 *   keys or values of the wrong type.
 */
export function parseLeafState(
  state: unknown,
  proto: LeafTypes,
  className: string,
): { keys: Store; values: Store | null; next: unknown } {
  const packed = packedArrayClass(proto);
  if (packed !== null && Array.isArray(state) && isPackedState(state, packed)) {
    return parsePackedState(state, proto, className);
  }
  const withValues = proto._valueType !== null;
  const parts = withValues ? 2 : 1;
  if (!Array.isArray(state) || state.length < parts || state.length > parts + 1) {
    throw new CorruptedDataError(
      `${className} state must be an array of ${parts} or ${parts + 1} items`,
    );
  }
  const keys = proto._keyType.storeFrom(state[0]);
  const values = withValues ? proto._valueType!.storeFrom(state[1]) : null;
  if (
    keys === undefined ||
    (withValues && values === undefined) ||
    !allAccepted(keys, proto._keyType)
  ) {
    throw new CorruptedDataError(`${className} state holds keys or values of the wrong type`);
  }
  if (values !== null && values !== undefined && values.length !== keys.length) {
    throw new CorruptedDataError(
      `${className} state has ${keys.length} keys but ${values.length} values`,
    );
  }
  return { keys, values: values ?? null, next: state.length > parts ? state[parts] : null };
}

/**
 * Whether a state of a packed family has the packed layout: `[items]`, or
 * `[items, next]` where `next` is not a second array of the class (that is
 * the two-array layout `[keys, values]`).
 */
function isPackedState(
  state: unknown[],
  ctor: Int32ArrayConstructor | Float64ArrayConstructor,
): boolean {
  if (!(state[0] instanceof ctor)) return false;
  return state.length === 1 || (state.length === 2 && !(state[1] instanceof ctor));
}

function parsePackedState(
  state: unknown[],
  proto: LeafTypes,
  className: string,
): { keys: Store; values: Store; next: unknown } {
  const items = state[0] as Int32Array | Float64Array;
  if (items.length % 2 !== 0) {
    throw new CorruptedDataError(
      `${className} state holds ${items.length} numbers: keys and values must pair up`,
    );
  }
  const len = items.length / 2;
  const keys = proto._keyType.storeFrom(items.subarray(0, len));
  const values = proto._valueType!.storeFrom(items.subarray(len));
  if (keys === undefined || values === undefined) {
    throw new CorruptedDataError(`${className} state holds keys or values of the wrong type`);
  }
  return { keys, values, next: state.length > 1 ? state[1] : null };
}

/** Whether every item of `store` is of `type` (numeric stores were checked when built). */
function allAccepted(store: LeafNode['_keys'], type: LeafNode['_keyType']): boolean {
  if (!Array.isArray(store)) return true;
  for (let i = 0; i < store.length; i++) if (!type.accepts(store[i])) return false;
  return true;
}
