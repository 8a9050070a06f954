/**
 * The `IO` family: 32-bit signed integer keys and any values
 * (ZODB's `BTrees.IOBTree`).
 *
 * @module
 */

import { BTree } from '../btree.js';
import { Bucket } from '../bucket.js';
import { BucketSet } from '../bucket-set.js';
import { int32Type, objectValueType } from '../data-types.js';
import { defineFamily, multiunionOperation } from '../family.js';
import { TreeSet } from '../tree-set.js';

/** A BTree of the `IO` family: 32-bit signed integer keys, any values. */
export class IOBTree<V = unknown> extends BTree<number, V> {}

/** A Bucket of the `IO` family (one record; the leaves of `IOBTree`). */
export class IOBucket<V = unknown> extends Bucket<number, V> {}

/** A TreeSet of the `IO` family: a scalable sorted set of 32-bit signed integer keys. */
export class IOTreeSet extends TreeSet<number> {}

/** A Set of the `IO` family (one record; the leaves of `IOTreeSet`). */
export class IOSet extends BucketSet<number> {}

const family = defineFamily('IO', int32Type, objectValueType, {
  BTree: IOBTree,
  Bucket: IOBucket,
  TreeSet: IOTreeSet,
  Set: IOSet,
});

/** The `IO` family: its classes, node sizes, and `difference`, `union`, `intersection`, `multiunion`. */
export const IO = { ...family, ...multiunionOperation<number>(family) };
