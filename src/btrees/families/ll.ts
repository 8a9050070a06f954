/**
 * The `LL` family: 64-bit signed integer keys (safe-integer numbers) and 64-bit signed integer values (safe-integer numbers)
 * (ZODB's `BTrees.LLBTree`).
 *
 * @module
 */

import { BTree } from '../btree.js';
import { Bucket } from '../bucket.js';
import { BucketSet } from '../bucket-set.js';
import { int64Type } from '../data-types.js';
import { defineFamily, weightedOperations, multiunionOperation } from '../family.js';
import { TreeSet } from '../tree-set.js';

/** A BTree of the `LL` family: 64-bit signed integer keys (safe-integer numbers), 64-bit signed integer values (safe-integer numbers). */
export class LLBTree extends BTree<number, number> {}

/** A Bucket of the `LL` family (one record; the leaves of `LLBTree`). */
export class LLBucket extends Bucket<number, number> {}

/** A TreeSet of the `LL` family: a scalable sorted set of 64-bit signed integer keys (safe-integer numbers). */
export class LLTreeSet extends TreeSet<number> {}

/** A Set of the `LL` family (one record; the leaves of `LLTreeSet`). */
export class LLSet extends BucketSet<number> {}

const family = defineFamily('LL', int64Type, int64Type, {
  BTree: LLBTree,
  Bucket: LLBucket,
  TreeSet: LLTreeSet,
  Set: LLSet,
});

/** The `LL` family: its classes, node sizes, and `difference`, `union`, `intersection`, `weightedUnion`, `weightedIntersection`, `multiunion`. */
export const LL = {
  ...family,
  ...weightedOperations(family),
  ...multiunionOperation<number>(family),
};
