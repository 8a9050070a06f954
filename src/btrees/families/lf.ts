/**
 * The `LF` family: 64-bit signed integer keys (safe-integer numbers) and float values
 * (ZODB's `BTrees.LFBTree`).
 *
 * @module
 */

import { BTree } from '../btree.js';
import { Bucket } from '../bucket.js';
import { BucketSet } from '../bucket-set.js';
import { floatType, int64Type } from '../data-types.js';
import { defineFamily, weightedOperations, multiunionOperation } from '../family.js';
import { TreeSet } from '../tree-set.js';

/** A BTree of the `LF` family: 64-bit signed integer keys (safe-integer numbers), float values. */
export class LFBTree extends BTree<number, number> {}

/** A Bucket of the `LF` family (one record; the leaves of `LFBTree`). */
export class LFBucket extends Bucket<number, number> {}

/** A TreeSet of the `LF` family: a scalable sorted set of 64-bit signed integer keys (safe-integer numbers). */
export class LFTreeSet extends TreeSet<number> {}

/** A Set of the `LF` family (one record; the leaves of `LFTreeSet`). */
export class LFSet extends BucketSet<number> {}

const family = defineFamily('LF', int64Type, floatType, {
  BTree: LFBTree,
  Bucket: LFBucket,
  TreeSet: LFTreeSet,
  Set: LFSet,
});

/** The `LF` family: its classes, node sizes, and `difference`, `union`, `intersection`, `weightedUnion`, `weightedIntersection`, `multiunion`. */
export const LF = {
  ...family,
  ...weightedOperations(family),
  ...multiunionOperation<number>(family),
};
