/**
 * Errors specific to BTrees (conflicts are `BTreesConflictError` in
 * `src/errors.ts`).
 *
 * @module
 */

import { ZODBError } from '../errors.js';

/**
 * Is returned by an iterator or a view when the bucket it is walking
 * changed size since the previous step: keys were added to or removed from
 * the structure during iteration (ZODB's `RuntimeError: the bucket being
 * iterated changed size`). Replacing values while iterating is allowed; to
 * add or remove keys, iterate over a copy (`[...tree.keys()]`).
 */
export class BucketChangedSizeError extends ZODBError {
  /** Registered-class-independent name of the structure (its class name). */
  readonly structure: string;
  /** Number of keys the bucket had when the iteration entered it. */
  readonly expectedSize: number;
  /** Number of keys it has now. */
  readonly actualSize: number;
  constructor(structure: string, expectedSize: number, actualSize: number) {
    super(
      `the ${structure} being iterated changed size (from ${expectedSize} to ${actualSize} keys): ` +
        'keys were added or removed during iteration; iterate over a copy of the keys to change them',
    );
    this.structure = structure;
    this.expectedSize = expectedSize;
    this.actualSize = actualSize;
  }
}

/** One inconsistency found by `check()`. */
export interface BTreeProblem {
  /** Where: the path of child indexes from the root, e.g. `root/3/17`, or `chain` for the leaf links. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
}

/**
 * Is returned by `check()` when a BTree, TreeSet, Bucket or Set is
 * inconsistent (keys out of order or in the wrong bucket, broken links).
 * It points to a bug or to damaged data; copying the structure into a new
 * one (`new OOBTree(damaged)`) usually repairs it.
 */
export class BTreeCheckError extends ZODBError {
  /** Every inconsistency found. */
  readonly problems: readonly BTreeProblem[];
  constructor(structure: string, problems: readonly BTreeProblem[]) {
    const shown = problems.slice(0, 10).map((p) => `  ${p.path}: ${p.message}`);
    const more = problems.length > 10 ? [`  ... and ${problems.length - 10} more`] : [];
    super(
      `${structure} is inconsistent (${problems.length} problem(s)):\n${[...shown, ...more].join('\n')}`,
    );
    this.problems = problems;
  }
}
