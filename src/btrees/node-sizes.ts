/**
 * The node sizes of each BTree family: how many keys a bucket (or Set)
 * holds before it splits, and how many children an internal node holds.
 *
 * They are ZODB's, for the same reasons: a bucket is one record, loaded and
 * written whole, so it is kept to roughly the same number of bytes whatever
 * its types. Integer keys and values are small (120 per bucket); object
 * keys or values are larger (60, or 30 when both are objects). Internal
 * nodes hold only keys and child references, so they are wider (500 with
 * integer keys, 250 with object keys). Larger buckets mean fewer records but
 * more bytes rewritten per change and more conflicts between writers.
 *
 * A subclass may override them (`static maxLeafSize = 4`), e.g. to test
 * deep trees with few keys.
 *
 * @module
 */

import type { FamilyName } from './family-info.js';

/** Node sizes of one family. */
export interface NodeSizes {
  /** Keys a Bucket or Set holds before it splits. */
  readonly maxLeafSize: number;
  /** Children an internal BTree or TreeSet node holds before it splits. */
  readonly maxInternalSize: number;
}

/** The node sizes of every family (ZODB's values). */
export const NODE_SIZES: Readonly<Record<FamilyName, NodeSizes>> = {
  OO: { maxLeafSize: 30, maxInternalSize: 250 },
  OI: { maxLeafSize: 60, maxInternalSize: 250 },
  OL: { maxLeafSize: 60, maxInternalSize: 250 },
  IO: { maxLeafSize: 60, maxInternalSize: 500 },
  LO: { maxLeafSize: 60, maxInternalSize: 500 },
  II: { maxLeafSize: 120, maxInternalSize: 500 },
  IF: { maxLeafSize: 120, maxInternalSize: 500 },
  LL: { maxLeafSize: 120, maxInternalSize: 500 },
  LF: { maxLeafSize: 120, maxInternalSize: 500 },
};
