/**
 * What the code of a family needs to know about it at run time: its types,
 * node sizes and classes.
 *
 * @internal
 * @module
 */

import type { DataType } from './data-types.js';
import type { Bucket } from './bucket.js';
import type { BucketSet } from './bucket-set.js';
import type { BTree } from './btree.js';
import type { TreeSet } from './tree-set.js';

/** The names of the families. */
export type FamilyName = 'OO' | 'IO' | 'OI' | 'II' | 'IF' | 'LO' | 'OL' | 'LL' | 'LF';

/** A family's run-time description. */
export interface FamilyInfo {
  readonly name: FamilyName;
  readonly keyType: DataType;
  readonly valueType: DataType;
  readonly maxLeafSize: number;
  readonly maxInternalSize: number;
  readonly BTree: new () => BTree<unknown, unknown>;
  readonly Bucket: new () => Bucket<unknown, unknown>;
  readonly TreeSet: new () => TreeSet<unknown>;
  readonly Set: new () => BucketSet<unknown>;
}
