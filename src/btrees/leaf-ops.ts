/**
 * Operations on one leaf (a Bucket or a Set): search, insert, remove,
 * split, and the stored state.
 *
 * Callers activate the leaf before calling these; the mutators call
 * `_p_willChange()` themselves, only when they change something.
 *
 * Stored state (see docs/btrees.md, "Stored states"):
 * - Bucket: `[keys, values]` or `[keys, values, next]`
 * - Set: `[keys]` or `[keys, next]`
 *
 * `keys` and `values` are plain arrays (`O`) or typed arrays (`Int32Array`
 * for `I`, `Float64Array` for `L` and `F`) of exactly the leaf's length;
 * `next` is the next leaf (stored as a reference), absent for the last.
 *
 * @internal
 * @module
 */

import { CorruptedDataError } from '../errors.js';
import type { Change, LeafNode } from './nodes.js';
import { INSERTED, UNCHANGED, VALUE_CHANGED } from './nodes.js';
import { storeCopy, storeInsert, storeRemove, storeSlice, storeTruncate } from './store.js';

/** Index of `key` in the leaf, or `~insertionPoint` when absent. */
export function leafSearch(leaf: LeafNode, key: unknown): number {
  return leaf._keyType.search(leaf._keys, leaf._len, key);
}

/**
 * Sets `key` to `value` (sets ignore `value`). With `unique`, an existing
 * key is left alone. Numeric values equal to the current one change nothing.
 */
export function leafSet(leaf: LeafNode, key: unknown, value: unknown, unique: boolean): Change {
  const i = leaf._keyType.search(leaf._keys, leaf._len, key);
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
  leaf._keys = storeInsert(leaf._keys, len, at, key);
  if (leaf._values !== null) leaf._values = storeInsert(leaf._values, len, at, value);
  leaf._len = len + 1;
  return INSERTED;
}

/** Removes the item at `index`. */
export function leafRemoveAt(leaf: LeafNode, index: number): void {
  leaf._p_willChange();
  const len = leaf._len;
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

/** The state to store: `[keys, values, next?]` or `[keys, next?]`. */
export function leafGetState(leaf: LeafNode): unknown[] {
  const state: unknown[] = [storeCopy(leaf._keys, leaf._len)];
  if (leaf._values !== null) state.push(storeCopy(leaf._values, leaf._len));
  if (leaf._next !== null) state.push(leaf._next);
  return state;
}

/**
 * The parts of a decoded leaf state, checked against the leaf's types. The
 * arrays of the state are adopted, not copied: the state is handed over.
 *
 * @throws CorruptedDataError when the state has the wrong shape or holds
 *   keys or values of the wrong type.
 */
export function parseLeafState(
  state: unknown,
  proto: Pick<LeafNode, '_keyType' | '_valueType'>,
  className: string,
): { keys: LeafNode['_keys']; values: LeafNode['_values']; next: unknown } {
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

/** Whether every item of `store` is of `type` (numeric stores were checked when built). */
function allAccepted(store: LeafNode['_keys'], type: LeafNode['_keyType']): boolean {
  if (!Array.isArray(store)) return true;
  for (let i = 0; i < store.length; i++) if (!type.accepts(store[i])) return false;
  return true;
}
