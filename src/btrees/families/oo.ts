/**
 * The `OO` family: keys of the total order (`ObjectKey`) and any values
 * (ZODB's `BTrees.OOBTree`).
 *
 * @module
 */

import { BTree } from '../btree.js';
import { Bucket } from '../bucket.js';
import { BucketSet } from '../bucket-set.js';
import { objectKeyType, objectValueType } from '../data-types.js';
import { defineFamily } from '../family.js';
import type { ObjectKey } from '../key-order.js';
import { TreeSet } from '../tree-set.js';

/** A BTree of the `OO` family: keys of the total order (`ObjectKey`), any values. */
export class OOBTree<K extends ObjectKey = ObjectKey, V = unknown> extends BTree<K, V> {}

/** A Bucket of the `OO` family (one record; the leaves of `OOBTree`). */
export class OOBucket<K extends ObjectKey = ObjectKey, V = unknown> extends Bucket<K, V> {}

/** A TreeSet of the `OO` family: a scalable sorted set of keys of the total order (`ObjectKey`). */
export class OOTreeSet<K extends ObjectKey = ObjectKey> extends TreeSet<K> {}

/** A Set of the `OO` family (one record; the leaves of `OOTreeSet`). */
export class OOSet<K extends ObjectKey = ObjectKey> extends BucketSet<K> {}

const family = defineFamily('OO', objectKeyType, objectValueType, {
  BTree: OOBTree,
  Bucket: OOBucket,
  TreeSet: OOTreeSet,
  Set: OOSet,
});

/** The `OO` family: its classes, node sizes, and `difference`, `union`, `intersection`. */
export const OO = { ...family };
