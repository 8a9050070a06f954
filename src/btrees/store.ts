/**
 * The arrays that hold the keys and values of BTree nodes.
 *
 * `O` keys and values live in plain arrays kept exactly as long as the
 * node's count; integer and float keys and values live in typed arrays
 * (`Int32Array`, `Float64Array`) with spare capacity at the end, and the
 * node's count says how many slots are in use. These helpers hide the
 * difference.
 *
 * Items of plain arrays are shifted with loops (faster than `splice` or
 * `copyWithin` on nodes this small); typed arrays with `copyWithin` (a
 * memmove). Typed arrays are allocated rarely, as views on
 * shared slabs (see `typed-slab.ts`): a split gives the new node the old node's
 * capacity, so it never grows after.
 *
 * @internal
 * @module
 */

import { newTypedArray } from './typed-slab.js';

/** A plain array (`O` data) or a typed array (numeric data). */
export type Store = unknown[] | Int32Array | Float64Array;

/** Typed arrays grow by doubling from this many slots. */
const INITIAL_TYPED_CAPACITY = 8;

/** Inserts `value` at `index` of a store holding `size` items; returns the store (a new one if it grew). */
export function storeInsert(store: Store, size: number, index: number, value: unknown): Store {
  if (Array.isArray(store)) {
    for (let i = size; i > index; i--) store[i] = store[i - 1];
    store[index] = value;
    return store;
  }
  const target = size === store.length ? grow(store, size + 1) : store;
  if (index < size) target.copyWithin(index + 1, index, size);
  target[index] = value as number;
  return target;
}

/** Removes the item at `index` of a store holding `size` items. */
export function storeRemove(store: Store, size: number, index: number): void {
  if (Array.isArray(store)) {
    for (let i = index + 1; i < size; i++) store[i - 1] = store[i];
    store.length = size - 1;
    return;
  }
  store.copyWithin(index, index + 1, size);
  store[size - 1] = 0;
}

/**
 * A new store of the same kind holding items `[start, end)`; a typed array
 * gets the capacity of `store`, so the new node can fill up as the old one
 * did without growing.
 */
export function storeSlice(store: Store, start: number, end: number): Store {
  if (Array.isArray(store)) return store.slice(start, end);
  const copy = newTypedArray(
    store.constructor as Int32ArrayConstructor | Float64ArrayConstructor,
    store.length,
  );
  copy.set(store.subarray(start, end));
  return copy;
}

/** Drops the items from `length` on (the store keeps holding `length` items). */
export function storeTruncate(store: Store, size: number, length: number): void {
  if (Array.isArray(store)) store.length = length;
  else store.fill(0, length, size);
}

/** Appends `value` after `size` items; returns the store (a new one if it grew). */
export function storeAppend(store: Store, size: number, value: unknown): Store {
  if (Array.isArray(store)) {
    store.push(value);
    return store;
  }
  const target = size === store.length ? grow(store, size + 1) : store;
  target[size] = value as number;
  return target;
}

/** An exact-length copy of the first `size` items (the form stored in records). */
export function storeCopy(store: Store, size: number): Store {
  return store.slice(0, size);
}

function grow(store: Int32Array | Float64Array, needed: number): Int32Array | Float64Array {
  const capacity = Math.max(INITIAL_TYPED_CAPACITY, store.length * 2, needed);
  const bigger = newTypedArray(
    store.constructor as Int32ArrayConstructor | Float64ArrayConstructor,
    capacity,
  );
  bigger.set(store);
  return bigger;
}
