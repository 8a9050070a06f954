/**
 * The total order of keys in the `O` families (`OOBTree`, `OIBTree`, ...).
 *
 * A BTree finds keys by comparing them, so its keys must be totally ordered,
 * and the order must never change while keys are stored (BTrees#42, #58,
 * #74). This module defines that order once; every `O`-keyed structure,
 * range search, set operation and conflict resolution uses it.
 *
 * Keys are ranked by type first, then compared within the type:
 *
 * | rank | type                          | order within the type                          |
 * | ---- | ----------------------------- | ---------------------------------------------- |
 * | 0    | `null`                        | the lowest key                                 |
 * | 1    | `boolean`                     | `false` < `true`                               |
 * | 2    | `number`, `bigint`            | numeric value (`1` and `1n` are the same key)  |
 * | 3    | `Date` (valid)                | time value                                     |
 * | 4    | `string`                      | UTF-16 code units (JavaScript's `<`)           |
 * | 5    | `Uint8Array` (and `Buffer`)   | unsigned bytes, then length                    |
 * | 6    | arrays (tuples)               | element by element, then length                |
 *
 * Refused (TypeError): `undefined`, `NaN`, invalid Dates, symbols, functions,
 * plain objects, Maps, Sets, persistent objects, other typed arrays, and
 * arrays holding any of these. `-0` and `0` are the same key.
 *
 * @module
 */

/** A key of an `O` family: a value of the documented total order. */
export type ObjectKey =
  null | boolean | number | bigint | string | Date | Uint8Array | readonly ObjectKey[];

const RANK_NULL = 0;
const RANK_BOOLEAN = 1;
const RANK_NUMBER = 2;
const RANK_DATE = 3;
const RANK_STRING = 4;
const RANK_BYTES = 5;
const RANK_ARRAY = 6;

/**
 * Compares two keys of the total order: negative when `a` sorts first,
 * zero when they are the same key, positive when `b` sorts first.
 *
 * @throws TypeError if either key is outside the order (see the module
 *   documentation).
 */
export function compareKeys(a: unknown, b: unknown): number {
  const ta = typeof a;
  if (ta === typeof b && (ta === 'string' || ta === 'number')) {
    return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  }
  return compareMixed(a, b);
}

function compareMixed(a: unknown, b: unknown): number {
  const ra = rankOf(a);
  const rb = rankOf(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case RANK_NULL:
      return 0;
    case RANK_DATE:
      return compareNumbers((a as Date).getTime(), (b as Date).getTime());
    case RANK_BYTES:
      return compareBytes(a as Uint8Array, b as Uint8Array);
    case RANK_ARRAY:
      return compareArrays(a as readonly unknown[], b as readonly unknown[]);
    default:
      // booleans, numbers mixed with bigints, strings: JavaScript's operators are exact here.
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
}

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return compareNumbers(a.length, b.length);
}

function compareArrays(a: readonly unknown[], b: readonly unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareKeys(a[i], b[i]);
    if (c !== 0) return c;
  }
  return compareNumbers(a.length, b.length);
}

/** The type rank of a key; throws TypeError for values outside the order. */
function rankOf(key: unknown): number {
  switch (typeof key) {
    case 'string':
      return RANK_STRING;
    case 'number':
      if (Number.isNaN(key)) throw unorderable(key);
      return RANK_NUMBER;
    case 'bigint':
      return RANK_NUMBER;
    case 'boolean':
      return RANK_BOOLEAN;
    case 'object':
      if (key === null) return RANK_NULL;
      if (Array.isArray(key)) return RANK_ARRAY;
      if (key instanceof Date && !Number.isNaN(key.getTime())) return RANK_DATE;
      if (key instanceof Uint8Array) return RANK_BYTES;
      throw unorderable(key);
    default:
      throw unorderable(key);
  }
}

/**
 * Whether `key` belongs to the total order (arrays are checked element by
 * element). Never throws.
 */
export function isObjectKey(key: unknown): key is ObjectKey {
  switch (typeof key) {
    case 'string':
    case 'bigint':
    case 'boolean':
      return true;
    case 'number':
      return !Number.isNaN(key);
    case 'object':
      if (key === null || key instanceof Uint8Array) return true;
      if (key instanceof Date) return !Number.isNaN(key.getTime());
      if (Array.isArray(key)) {
        for (let i = 0; i < key.length; i++) if (!isObjectKey(key[i])) return false;
        return true;
      }
      return false;
    default:
      return false;
  }
}

/** A short description of a value for error messages (never its whole content). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `'${value.slice(0, 37)}...' (string)` : `'${value}' (string)`;
    case 'number':
    case 'boolean':
      return `${String(value)} (${typeof value})`;
    case 'bigint':
      return `${value}n (bigint)`;
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default: {
      const ctor = (value as { constructor?: { name?: unknown } }).constructor;
      const name = typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'Object';
      if (value instanceof Date) return 'an invalid Date';
      return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
    }
  }
}

function unorderable(key: unknown): TypeError {
  return new TypeError(
    `${describeValue(key)} cannot be a BTree key: O-family keys must be null, booleans, ` +
      'numbers (not NaN), bigints, valid Dates, strings, Uint8Arrays or arrays of these',
  );
}

/** The error {@link compareKeys} throws for `key`: exported so every family words it alike. */
export function unorderableKeyError(key: unknown, owner: string): TypeError {
  const error = unorderable(key);
  error.message = `${owner}: ${error.message}`;
  return error;
}
