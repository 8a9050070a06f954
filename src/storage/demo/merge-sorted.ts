/**
 * Merging two sorted sequences into one, lazily: how DemoStorage shows its
 * base and changes storages as one (transactions by tid, records by oid).
 *
 * @module
 */

/**
 * Yields the items of `first` and `second`, each already sorted by
 * `compare`, in one sorted sequence. On ties the item of `first` comes
 * first. Reads each input only as far as needed.
 */
export function* mergeSorted<T>(
  first: Iterable<T>,
  second: Iterable<T>,
  compare: (a: T, b: T) => number,
): Generator<T, void, undefined> {
  const a = first[Symbol.iterator]();
  const b = second[Symbol.iterator]();
  let nextA = a.next();
  let nextB = b.next();
  while (!nextA.done && !nextB.done) {
    if (compare(nextA.value, nextB.value) <= 0) {
      yield nextA.value;
      nextA = a.next();
    } else {
      yield nextB.value;
      nextB = b.next();
    }
  }
  for (; !nextA.done; nextA = a.next()) yield nextA.value;
  for (; !nextB.done; nextB = b.next()) yield nextB.value;
}

/** Compares bigints (tids) for sorting, ascending. */
export function compareBigints(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
