/**
 * The `OL` family: keys of the total order (`ObjectKey`) and 64-bit signed integer values (safe-integer numbers)
 * (ZODB's `BTrees.OLBTree`).
 *
 * @module
 */

import { BTree } from '../btree.js';
import { Bucket } from '../bucket.js';
import { BucketSet } from '../bucket-set.js';
import { int64Type, objectKeyType } from '../data-types.js';
import { defineFamily, weightedOperations } from '../family.js';
import type { ObjectKey } from '../key-order.js';
import { TreeSet } from '../tree-set.js';

/** A BTree of the `OL` family: keys of the total order (`ObjectKey`), 64-bit signed integer values (safe-integer numbers). */
export class OLBTree<K extends ObjectKey = ObjectKey> extends BTree<K, number> {}

/** A Bucket of the `OL` family (one record; the leaves of `OLBTree`). */
export class OLBucket<K extends ObjectKey = ObjectKey> extends Bucket<K, number> {}

/** A TreeSet of the `OL` family: a scalable sorted set of keys of the total order (`ObjectKey`). */
export class OLTreeSet<K extends ObjectKey = ObjectKey> extends TreeSet<K> {}

/** A Set of the `OL` family (one record; the leaves of `OLTreeSet`). */
export class OLSet<K extends ObjectKey = ObjectKey> extends BucketSet<K> {}

const family = defineFamily('OL', objectKeyType, int64Type, {
  BTree: OLBTree,
  Bucket: OLBucket,
  TreeSet: OLTreeSet,
  Set: OLSet,
});

/** The `OL` family: its classes, node sizes, and `difference`, `union`, `intersection`, `weightedUnion`, `weightedIntersection`. */
export const OL = { ...family, ...weightedOperations(family) };
