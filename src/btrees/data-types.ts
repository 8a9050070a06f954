/**
 * The data types of the BTree family letters: what each letter accepts, how
 * it orders, and where it keeps its items.
 *
 * | letter | keys / values                        | in memory       | refused with                  |
 * | ------ | ------------------------------------ | --------------- | ----------------------------- |
 * | `O`    | keys of the total order (key-order)  | plain arrays    | TypeError                     |
 * | `O`    | any storable value (values only)     | plain arrays    | never                         |
 * | `I`    | 32-bit signed integers (`number`)    | `Int32Array`    | TypeError / RangeError        |
 * | `L`    | 64-bit signed integers as safe `number`s (±(2^53−1)) | `Float64Array` | TypeError / RangeError |
 * | `F`    | floats (`number`, 64-bit)            | `Float64Array`  | TypeError                     |
 *
 * `L` is a `number`, not a `bigint`: JavaScript numbers hold every integer
 * up to 2^53−1 exactly (oids are numbers for the same reason), they compare
 * and index several times faster than bigints, and they fit a
 * `Float64Array`. Integers beyond ±(2^53−1) are refused with a RangeError;
 * use an `O` family with `bigint` keys for those.
 *
 * `F` values are 64-bit doubles (ZODB's are 32-bit C floats): a JavaScript
 * number stored in an `IFBTree` comes back unchanged.
 *
 * @internal
 * @module
 */

import { compareKeys, describeValue, isObjectKey, unorderableKeyError } from './key-order.js';
import type { Store } from './store.js';
import { newTypedArray } from './typed-slab.js';

/** The letters of the BTree families. */
export type DataTypeLetter = 'O' | 'I' | 'L' | 'F';

/** What a family letter accepts and how it stores and orders it. */
export interface DataType {
  /** The family letter. */
  readonly letter: DataTypeLetter;
  /** Numeric (typed-array) storage. */
  readonly numeric: boolean;
  /** The typed-array class of numeric stores; null for `O` (plain arrays). */
  readonly typedArray: Int32ArrayConstructor | Float64ArrayConstructor | null;
  /** Integer values only. */
  readonly integer: boolean;
  /** Smallest and largest accepted integer (integer types only). */
  readonly min: number;
  readonly max: number;
  /** Whether `value` is accepted. Never throws. */
  accepts(value: unknown): boolean;
  /** The TypeError or RangeError explaining why `value` is refused; `owner` names the structure and role. */
  rejection(value: unknown, owner: string): Error;
  /** Total order: negative, zero or positive. */
  compare(a: unknown, b: unknown): number;
  /** Binary search of `key` in the first `size` items: its index, or `~insertionPoint` when absent. */
  search(store: Store, size: number, key: unknown): number;
  /** An empty store with room for `capacity` items. */
  newStore(capacity: number): Store;
  /**
   * A store holding the items of a decoded state, or undefined if `source`
   * has the wrong shape or items. An array (plain, or typed of this type's
   * kind) is adopted as it is, not copied: the caller hands it over.
   */
  storeFrom(source: unknown): Store | undefined;
  /** Whether two stored values are equal (used to merge conflicting changes). */
  equals(a: unknown, b: unknown): boolean;
}

// The searches find the first key >= the one sought with one comparison
// per probe, then test that key for equality: half the comparisons of a
// three-way search, which matters for strings (each `<` reads both).

function searchNumeric(store: Store, size: number, key: unknown): number {
  const keys = store as Float64Array;
  const k = key as number;
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < k) lo = mid + 1;
    else hi = mid;
  }
  return lo < size && keys[lo] === k ? lo : ~lo;
}

function searchObject(store: Store, size: number, key: unknown): number {
  const keys = store as unknown[];
  let lo = 0;
  let hi = size;
  if (typeof key === 'string') {
    // The common case, without a call per probe.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = keys[mid];
      if (typeof m !== 'string') return searchObjectFrom(keys, size, key);
      if (m < key) lo = mid + 1;
      else hi = mid;
    }
    return lo < size && keys[lo] === key ? lo : ~lo;
  }
  return searchObjectFrom(keys, size, key);
}

function searchObjectFrom(keys: unknown[], size: number, key: unknown): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(keys[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo < size && compareKeys(keys[lo], key) === 0 ? lo : ~lo;
}

function compareNumbers(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/**
 * Empty stores are one shared zero-length array per type: nothing can be
 * written into it (the first insert allocates), and new nodes whose arrays
 * are replaced at once (splits) then cost no typed-array allocation.
 */
function typedNewStore(
  ctor: Int32ArrayConstructor | Float64ArrayConstructor,
): (capacity: number) => Store {
  const empty = new ctor(0);
  return (capacity) => (capacity === 0 ? empty : newTypedArray(ctor, capacity));
}

function typedFrom(
  ctor: Int32ArrayConstructor | Float64ArrayConstructor,
  accepts: (v: unknown) => boolean,
  everyElementFits: boolean,
) {
  return (source: unknown): Store | undefined => {
    if (source instanceof ctor) {
      // Adopted, not copied: a typed-array allocation costs microseconds, and
      // decoded states are fresh. Only the element range may need a check.
      if (!everyElementFits)
        for (let i = 0; i < source.length; i++) if (!accepts(source[i])) return undefined;
      return source;
    }
    if (!Array.isArray(source) && !ArrayBuffer.isView(source)) return undefined;
    const items = source as ArrayLike<unknown>;
    const out = new ctor(items.length);
    for (let i = 0; i < items.length; i++) {
      if (!accepts(items[i])) return undefined;
      out[i] = items[i] as number;
    }
    return out;
  };
}

function integerType(
  letter: 'I' | 'L',
  min: number,
  max: number,
  ctor: Int32ArrayConstructor | Float64ArrayConstructor,
): DataType {
  const accepts =
    letter === 'I'
      ? (v: unknown): boolean => typeof v === 'number' && (v | 0) === v
      : (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v);
  const bits = letter === 'I' ? '32-bit' : '64-bit';
  return {
    letter,
    numeric: true,
    typedArray: ctor,
    integer: true,
    min,
    max,
    accepts,
    rejection(value, owner) {
      if (typeof value === 'number' && Number.isInteger(value)) {
        const hint =
          letter === 'I'
            ? '; use an L family for larger integers'
            : '; use an O family with bigint keys beyond';
        return new RangeError(
          `${owner} must be a ${bits} signed integer between ${min} and ${max}, got ${value}${hint}`,
        );
      }
      const hint = typeof value === 'bigint' ? ' (convert bigints with Number())' : '';
      return new TypeError(
        `${owner} must be a ${bits} signed integer, got ${describeValue(value)}${hint}`,
      );
    },
    compare: compareNumbers,
    search: searchNumeric,
    newStore: typedNewStore(ctor),
    storeFrom: typedFrom(ctor, accepts, letter === 'I'),
    equals: (a, b) => a === b,
  };
}

/** `I`: 32-bit signed integers in an `Int32Array`. */
export const int32Type: DataType = integerType('I', -0x80000000, 0x7fffffff, Int32Array);

/** `L`: 64-bit signed integers, as safe-integer `number`s in a `Float64Array`. */
export const int64Type: DataType = integerType(
  'L',
  Number.MIN_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER,
  Float64Array,
);

const acceptsFloat = (v: unknown): boolean => typeof v === 'number';

/** `F`: floats (values only), 64-bit, in a `Float64Array`. */
export const floatType: DataType = {
  letter: 'F',
  numeric: true,
  typedArray: Float64Array,
  integer: false,
  min: -Infinity,
  max: Infinity,
  accepts: acceptsFloat,
  rejection: (value, owner) =>
    new TypeError(`${owner} must be a number, got ${describeValue(value)}`),
  compare: compareNumbers,
  search: searchNumeric,
  newStore: typedNewStore(Float64Array),
  storeFrom: typedFrom(Float64Array, acceptsFloat, true),
  equals: (a, b) => a === b || (Number.isNaN(a) && Number.isNaN(b)),
};

function plainFrom(source: unknown): Store | undefined {
  return Array.isArray(source) ? source : undefined;
}

/** `O` keys: the total order of key-order.ts, in plain arrays. */
export const objectKeyType: DataType = {
  letter: 'O',
  numeric: false,
  typedArray: null,
  integer: false,
  min: NaN,
  max: NaN,
  accepts: isObjectKey,
  rejection: (value, owner) => unorderableKeyError(value, owner),
  compare: compareKeys,
  search: searchObject,
  newStore: () => [],
  storeFrom: plainFrom,
  equals: (a, b) => compareKeys(a, b) === 0,
};

/** `O` values: anything storable, in plain arrays; compared for merges with {@link valuesEqual}. */
export const objectValueType: DataType = {
  letter: 'O',
  numeric: false,
  typedArray: null,
  integer: false,
  min: NaN,
  max: NaN,
  accepts: () => true,
  rejection: (value, owner) => new TypeError(`${owner} cannot hold ${describeValue(value)}`),
  compare: compareKeys,
  search: searchObject,
  newStore: () => [],
  storeFrom: plainFrom,
  equals: (a, b) => valuesEqual(a, b),
};

/**
 * Value equality for merging concurrent changes (ZODB compares with `==`):
 * primitives by value, persistent references (anything with an `equals`
 * method) with `equals`, Dates by time, arrays, typed arrays, Maps, Sets and
 * plain objects by content.
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const eq = (a as { equals?: unknown }).equals;
  if (typeof eq === 'function') return (eq as (o: unknown) => boolean).call(a, b) === true;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (Array.isArray(a) || ArrayBuffer.isView(a))
    return sequencesEqual(a as ArrayLike<unknown>, b as ArrayLike<unknown>);
  if (a instanceof Map) return mapsEqual(a, b as Map<unknown, unknown>);
  if (a instanceof Set) return setsEqual(a, b as Set<unknown>);
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every(
    (k) =>
      Object.hasOwn(b, k) &&
      valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

function sequencesEqual(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
  return true;
}

function mapsEqual(a: Map<unknown, unknown>, b: Map<unknown, unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (!b.has(k) || !valuesEqual(v, b.get(k))) return false;
  return true;
}

function setsEqual(a: Set<unknown>, b: Set<unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const v of a) if (!b.has(v)) return false;
  return true;
}
