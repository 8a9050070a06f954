/**
 * Conflict resolution of Buckets, Sets and small BTrees, as ZODB does it.
 *
 * When two transactions changed the same bucket, the database calls the
 * bucket class's `_p_resolveConflict(oldState, savedState, newState)` with
 * the state both started from, the state the other transaction committed,
 * and the state this transaction wants to commit. The three are decoded
 * without the application's classes: the `next` bucket is a
 * `PersistentReference`, compared with `equals`.
 *
 * The merge walks the three sorted key sequences together. Changes to
 * different keys merge; everything else is refused with a
 * `BTreesConflictError` whose `reasonCode` names the case (ZODB's codes):
 *
 * | code | case                                                                      |
 * | ---- | ------------------------------------------------------------------------- |
 * | 0    | a transaction split the bucket or relinked it (the `next` buckets differ) |
 * | 1    | both changed the value of the same key                                    |
 * | 2    | the committed transaction changed a key's value, this one deleted the key |
 * | 3    | this transaction changed a key's value, the committed one deleted the key |
 * | 4    | both inserted the same key                                                |
 * | 5    | both deleted the same key                                                 |
 * | 6    | both inserted the same key (past the end of the original keys)            |
 * | 7    | this transaction deleted keys at the end that the other deleted or changed |
 * | 8    | the committed transaction deleted keys at the end that this one deleted or changed |
 * | 9    | both deleted the same keys at the end                                     |
 * | 10   | the merge would leave the bucket empty                                    |
 * | 11   | both changed an internal BTree node (a BTree with more than one bucket)   |
 * | 12   | one transaction emptied the bucket                                        |
 * | 13   | a transaction deleted the bucket's first key (its parent may depend on it) |
 *
 * A BTree small enough to keep its only bucket inside its own record
 * merges like that bucket; any other BTree or TreeSet node refuses (11).
 *
 * @module
 */

import { BTreesConflictError } from '../errors.js';
import type { DataType } from './data-types.js';
import { describeValue } from './key-order.js';
import { leafState, parseLeafState } from './leaf-ops.js';
import type { Store } from './store.js';

/** The reason codes of {@link BTreesConflictError} raised by BTrees (ZODB's numbering). */
export const ConflictReason = {
  bucketSplit: 0,
  conflictingChanges: 1,
  changedByCommittedDeletedByThis: 2,
  changedByThisDeletedByCommitted: 3,
  conflictingInserts: 4,
  conflictingDeletes: 5,
  conflictingInsertsAtEnd: 6,
  conflictingDeletesAtEndByThis: 7,
  conflictingDeletesAtEndByCommitted: 8,
  conflictingDeletesAtEnd: 9,
  emptiedByMerge: 10,
  internalNodeChanged: 11,
  emptyBucket: 12,
  firstKeyDeleted: 13,
} as const;

const REASON_TEXT: readonly string[] = [
  'conflicting bucket split: a transaction split or relinked the bucket',
  'conflicting changes: both transactions changed the value of the same key',
  'conflicting delete and change: the committed transaction changed a value whose key this transaction deleted',
  'conflicting delete and change: this transaction changed a value whose key the committed transaction deleted',
  'conflicting inserts: both transactions inserted the same key',
  'conflicting deletes: both transactions deleted the same key',
  'conflicting inserts: both transactions inserted the same key',
  'conflicting deletes: this transaction deleted a key the committed transaction deleted or changed',
  'conflicting deletes: the committed transaction deleted a key this transaction deleted or changed',
  'conflicting deletes: both transactions deleted the same key',
  'the merged bucket would be empty, which only the BTree holding it could handle',
  'conflicting changes in an internal BTree node',
  'a transaction emptied the bucket',
  'a transaction deleted the first key of the bucket, which its parent node may depend on',
];

/** Raises the BTreesConflictError of `code`, naming the class and the key concerned. */
export function conflict(code: number, className: string, key?: unknown): never {
  const where = key === undefined ? '' : ` (key ${describeValue(key)})`;
  throw new BTreesConflictError(code, `${className}: ${REASON_TEXT[code]}${where}`, { className });
}

/** What a merge needs to know about the leaf class. */
export interface LeafTypes {
  readonly _keyType: DataType;
  readonly _valueType: DataType | null;
}

/** One side of the merge: a parsed state and a read position. */
class Side {
  readonly keys: Store;
  readonly values: Store | null;
  readonly next: unknown;
  readonly len: number;
  i = 0;
  constructor(parsed: { keys: Store; values: Store | null; next: unknown }) {
    this.keys = parsed.keys;
    this.values = parsed.values;
    this.next = parsed.next;
    this.len = parsed.keys.length;
  }
  get active(): boolean {
    return this.i < this.len;
  }
  get key(): unknown {
    return this.keys[this.i];
  }
  get value(): unknown {
    return this.values === null ? undefined : this.values[this.i];
  }
}

function sameReference(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined)
    return (a ?? null) === (b ?? null);
  const equals = (a as { equals?: unknown }).equals;
  return typeof equals === 'function'
    ? (equals as (o: unknown) => boolean).call(a, b) === true
    : a === b;
}

/**
 * Merges three states of a Bucket or Set; returns the merged state or
 * throws BTreesConflictError. A null `oldState` stands for an empty bucket.
 */
export function mergeLeafStates(
  types: LeafTypes,
  className: string,
  oldState: unknown,
  savedState: unknown,
  newState: unknown,
): unknown[] {
  const parse = (state: unknown): Side =>
    new Side(
      state === null || state === undefined
        ? { keys: [], values: types._valueType === null ? null : [], next: null }
        : parseLeafState(state, types, className),
    );
  const old = parse(oldState);
  const saved = parse(savedState);
  const next = parse(newState);
  if (!sameReference(old.next, saved.next) || !sameReference(old.next, next.next)) {
    conflict(ConflictReason.bucketSplit, className);
  }
  if (saved.len === 0 || next.len === 0) conflict(ConflictReason.emptyBucket, className);
  const merge = new Merge(types, className, old, saved, next);
  merge.run();
  return merge.state(old.next);
}

class Merge {
  private readonly outKeys: unknown[] = [];
  private readonly outValues: unknown[] = [];
  private readonly compare: (a: unknown, b: unknown) => number;
  private readonly same: (a: unknown, b: unknown) => boolean;

  constructor(
    private readonly types: LeafTypes,
    private readonly className: string,
    private readonly old: Side,
    private readonly saved: Side,
    private readonly next: Side,
  ) {
    this.compare = types._keyType.compare;
    const valueType = types._valueType;
    this.same = valueType === null ? () => true : valueType.equals;
  }

  private emit(key: unknown, value: unknown): void {
    this.outKeys.push(key);
    this.outValues.push(value);
  }

  private take(side: Side): void {
    this.emit(side.key, side.value);
    side.i++;
  }

  private fail(code: number, key: unknown): never {
    return conflict(code, this.className, key);
  }

  run(): void {
    const { old, saved, next } = this;
    while (old.active && saved.active && next.active) this.stepAllThree();
    while (saved.active && next.active) {
      const c = this.compare(saved.key, next.key);
      if (c === 0) this.fail(ConflictReason.conflictingInsertsAtEnd, saved.key);
      this.take(c > 0 ? next : saved);
    }
    this.drainDeleted(saved, ConflictReason.conflictingDeletesAtEndByThis);
    this.drainDeleted(next, ConflictReason.conflictingDeletesAtEndByCommitted);
    if (old.active) this.fail(ConflictReason.conflictingDeletesAtEnd, old.key);
    while (saved.active) this.take(saved);
    while (next.active) this.take(next);
    if (this.outKeys.length === 0) this.fail(ConflictReason.emptiedByMerge, undefined);
  }

  /** One step while all three sides have keys left. */
  private stepAllThree(): void {
    const { old, saved, next } = this;
    const oldVsSaved = this.compare(old.key, saved.key);
    const oldVsNew = this.compare(old.key, next.key);
    if (oldVsSaved === 0 && oldVsNew === 0) {
      if (this.same(saved.value, old.value)) this.emit(old.key, next.value);
      else if (this.same(next.value, old.value)) this.emit(old.key, saved.value);
      else this.fail(ConflictReason.conflictingChanges, old.key);
      old.i++;
      saved.i++;
      next.i++;
    } else if (oldVsSaved === 0) {
      if (oldVsNew > 0) return this.take(next); // inserted by this transaction
      // deleted by this transaction
      if (!this.same(old.value, saved.value))
        this.fail(ConflictReason.changedByCommittedDeletedByThis, old.key);
      if (next.i === 0) this.fail(ConflictReason.firstKeyDeleted, old.key);
      old.i++;
      saved.i++;
    } else if (oldVsNew === 0) {
      if (oldVsSaved > 0) return this.take(saved); // inserted by the committed transaction
      // deleted by the committed transaction
      if (!this.same(old.value, next.value))
        this.fail(ConflictReason.changedByThisDeletedByCommitted, old.key);
      if (saved.i === 0) this.fail(ConflictReason.firstKeyDeleted, old.key);
      old.i++;
      next.i++;
    } else {
      const savedVsNew = this.compare(saved.key, next.key);
      if (savedVsNew === 0) this.fail(ConflictReason.conflictingInserts, saved.key);
      if (oldVsSaved > 0) this.take(savedVsNew > 0 ? next : saved);
      else if (oldVsNew > 0) this.take(next);
      else this.fail(ConflictReason.conflictingDeletes, old.key);
    }
  }

  /**
   * After the other side ran out: the keys of `old` still here must be
   * unchanged in `side` (the other side deleted them); `side`'s smaller keys
   * are its inserts.
   */
  private drainDeleted(side: Side, code: number): void {
    const old = this.old;
    while (old.active && side.active) {
      const c = this.compare(old.key, side.key);
      if (c > 0) this.take(side);
      else if (c === 0 && this.same(old.value, side.value)) {
        old.i++;
        side.i++;
      } else this.fail(code, old.key);
    }
  }

  /** The merged state, linked to `nextBucket` (laid out as `leafGetState` lays it out). */
  state(nextBucket: unknown): unknown[] {
    const keys = this.types._keyType.storeFrom(this.outKeys)!;
    const values =
      this.types._valueType === null ? null : this.types._valueType.storeFrom(this.outValues)!;
    return leafState(this.types, keys, values, keys.length, nextBucket);
  }
}

/**
 * The bucket state inside a BTree or TreeSet state, when the tree keeps its
 * only bucket inline (null for an empty tree); refuses (11) any other tree.
 */
function inlineBucketState(state: unknown, className: string): { bucket: unknown; size: unknown } {
  if (state === null || state === undefined) return { bucket: null, size: undefined };
  const s = state as { bucket?: unknown; children?: unknown; size?: unknown };
  if (typeof state !== 'object' || s.children !== undefined)
    conflict(ConflictReason.internalNodeChanged, className);
  return { bucket: s.bucket ?? null, size: s.size };
}

/** Merges three states of a BTree or TreeSet root that keeps its only bucket inline. */
export function mergeTreeStates(
  leafTypes: LeafTypes,
  className: string,
  oldState: unknown,
  savedState: unknown,
  newState: unknown,
): unknown {
  const old = inlineBucketState(oldState, className);
  const saved = inlineBucketState(savedState, className);
  const next = inlineBucketState(newState, className);
  if (!sameReference(old.size, saved.size) || !sameReference(old.size, next.size)) {
    conflict(ConflictReason.internalNodeChanged, className);
  }
  const bucket = mergeLeafStates(leafTypes, className, old.bucket, saved.bucket, next.bucket);
  return old.size === undefined ? { bucket } : { bucket, size: old.size };
}
