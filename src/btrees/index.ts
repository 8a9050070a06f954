/**
 * `zodb/btrees`: persistent BTrees, TreeSets, Buckets and Sets in nine
 * families, the set operations, the `Length` counter, and the diagnostic
 * tools. See docs/btrees.md.
 *
 * @example
 * ```ts
 * import { OOBTree, IITreeSet, Length, union } from 'zodb/btrees';
 * ```
 *
 * @module
 */

export { OO, OOBTree, OOBucket, OOTreeSet, OOSet } from './families/oo.js';
export { IO, IOBTree, IOBucket, IOTreeSet, IOSet } from './families/io.js';
export { OI, OIBTree, OIBucket, OITreeSet, OISet } from './families/oi.js';
export { II, IIBTree, IIBucket, IITreeSet, IISet } from './families/ii.js';
export { IF, IFBTree, IFBucket, IFTreeSet, IFSet } from './families/if.js';
export { LO, LOBTree, LOBucket, LOTreeSet, LOSet } from './families/lo.js';
export { OL, OLBTree, OLBucket, OLTreeSet, OLSet } from './families/ol.js';
export { LL, LLBTree, LLBucket, LLTreeSet, LLSet } from './families/ll.js';
export { LF, LFBTree, LFBucket, LFTreeSet, LFSet } from './families/lf.js';
export { family32, family64 } from './families/groups.js';
export type {
  BTreeFamily,
  FamilyOperations,
  MultiunionOperation,
  WeightedOperations,
} from './family.js';
export type { FamilyName } from './family-info.js';

export { BTree } from './btree.js';
export { Bucket } from './bucket.js';
export { TreeSet } from './tree-set.js';
export { BucketSet } from './bucket-set.js';
export { CollectionBase } from './collection-base.js';
export { MappingBase, type EntriesSource } from './mapping-base.js';
export { SetBase, type KeysSource } from './set-base.js';
export type { TreeOptions } from './tree-root.js';
export { NODE_SIZES, type NodeSizes } from './node-sizes.js';

export { KeysView, ValuesView, ItemsView, RangeView } from './range-views.js';
export type { KeyRange } from './range.js';
export { compareKeys, isObjectKey, type ObjectKey } from './key-order.js';

export { Length } from './length.js';
export { difference, union, intersection } from './set-operations.js';
export {
  weightedUnion,
  weightedIntersection,
  type WeightedInput,
  type WeightedResult,
} from './weighted-operations.js';
export type { KeySource } from './sorted-items.js';

export { check, findProblems } from './check.js';
export { display, type DisplayOptions } from './display.js';
export { BucketChangedSizeError, BTreeCheckError, type BTreeProblem } from './btree-errors.js';
export { ConflictReason } from './conflict-resolution.js';
export { BTreesConflictError } from '../errors.js';
