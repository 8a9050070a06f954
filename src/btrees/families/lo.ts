/**
 * The `LO` family: 64-bit signed integer keys (safe-integer numbers) and any values
 * (ZODB's `BTrees.LOBTree`).
 *
 * @module
 */

import { BTree } from '../btree.js';
import { Bucket } from '../bucket.js';
import { BucketSet } from '../bucket-set.js';
import { int64Type, objectValueType } from '../data-types.js';
import { defineFamily, multiunionOperation } from '../family.js';
import { TreeSet } from '../tree-set.js';

/** A BTree of the `LO` family: 64-bit signed integer keys (safe-integer numbers), any values. */
export class LOBTree<V = unknown> extends BTree<number, V> {}

/** A Bucket of the `LO` family (one record; the leaves of `LOBTree`). */
export class LOBucket<V = unknown> extends Bucket<number, V> {}

/** A TreeSet of the `LO` family: a scalable sorted set of 64-bit signed integer keys (safe-integer numbers). */
export class LOTreeSet extends TreeSet<number> {}

/** A Set of the `LO` family (one record; the leaves of `LOTreeSet`). */
export class LOSet extends BucketSet<number> {}

const family = defineFamily('LO', int64Type, objectValueType, {
  BTree: LOBTree,
  Bucket: LOBucket,
  TreeSet: LOTreeSet,
  Set: LOSet,
});

/** The `LO` family: its classes, node sizes, and `difference`, `union`, `intersection`, `multiunion`. */
export const LO = { ...family, ...multiunionOperation<number>(family) };
