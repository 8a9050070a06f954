/**
 * The `OI` family: keys of the total order (`ObjectKey`) and 32-bit signed integer values
 * (ZODB's `BTrees.OIBTree`).
 *
 * @module
 */

import { BTree } from '../btree.js';
import { Bucket } from '../bucket.js';
import { BucketSet } from '../bucket-set.js';
import { int32Type, objectKeyType } from '../data-types.js';
import { defineFamily, weightedOperations } from '../family.js';
import type { ObjectKey } from '../key-order.js';
import { TreeSet } from '../tree-set.js';

/** A BTree of the `OI` family: keys of the total order (`ObjectKey`), 32-bit signed integer values. */
export class OIBTree<K extends ObjectKey = ObjectKey> extends BTree<K, number> {}

/** A Bucket of the `OI` family (one record; the leaves of `OIBTree`). */
export class OIBucket<K extends ObjectKey = ObjectKey> extends Bucket<K, number> {}

/** A TreeSet of the `OI` family: a scalable sorted set of keys of the total order (`ObjectKey`). */
export class OITreeSet<K extends ObjectKey = ObjectKey> extends TreeSet<K> {}

/** A Set of the `OI` family (one record; the leaves of `OITreeSet`). */
export class OISet<K extends ObjectKey = ObjectKey> extends BucketSet<K> {}

const family = defineFamily('OI', objectKeyType, int32Type, {
  BTree: OIBTree,
  Bucket: OIBucket,
  TreeSet: OITreeSet,
  Set: OISet,
});

/** The `OI` family: its classes, node sizes, and `difference`, `union`, `intersection`, `weightedUnion`, `weightedIntersection`. */
export const OI = { ...family, ...weightedOperations(family) };
