/**
 * Conflict resolution on decoded states, as the database calls it:
 * `cls.prototype._p_resolveConflict.call(Object.create(cls.prototype), old, saved, new)`.
 * Two-connection tests of the same cases are in conflicts.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  BTreesConflictError,
  ConflictReason,
  IFBucket,
  IIBTree,
  IISet,
  OOBTree,
  OOBucket,
  OOSet,
  OOTreeSet,
} from '../../src/btrees/index.js';
import { PersistentReference } from '../../src/serialize/persistent-reference.js';

function resolve(cls: { prototype: object }, old: unknown, saved: unknown, next: unknown): unknown {
  const proto = cls.prototype as {
    _p_resolveConflict(o: unknown, s: unknown, n: unknown): unknown;
  };
  return proto._p_resolveConflict.call(Object.create(cls.prototype), old, saved, next);
}

/** A bucket state from a compact description: 'a1 b2' is keys a, b with values 1, 2. */
function bucket(text: string, next?: unknown): unknown[] {
  const items = text.split(' ').filter(Boolean);
  const state: unknown[] = [items.map((i) => i[0]), items.map((i) => Number(i.slice(1)))];
  if (next !== undefined) state.push(next);
  return state;
}

function reasonOf(run: () => unknown): number | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof BTreesConflictError) return error.reasonCode;
    throw error;
  }
  return undefined;
}

const merge = (old: string, saved: string, next: string) =>
  resolve(OOBucket, bucket(old), bucket(saved), bucket(next));
const refusal = (old: string, saved: string, next: string) =>
  reasonOf(() => merge(old, saved, next));

describe('bucket conflict resolution merges', () => {
  it('inserts of different keys', () => {
    expect(merge('a1 c3', 'a1 b2 c3', 'a1 c3 d4')).toEqual(bucket('a1 b2 c3 d4'));
  });
  it('deletes of different keys (not the first)', () => {
    expect(merge('a1 b2 c3 d4', 'a1 c3 d4', 'a1 b2 c3')).toEqual(bucket('a1 c3'));
  });
  it('a value change on one side with changes to other keys on the other', () => {
    expect(merge('a1 b2 c3', 'a1 b9 c3', 'a1 b2 c3 e5')).toEqual(bucket('a1 b9 c3 e5'));
    expect(merge('a1 b2 c3', 'a1 b2', 'a7 b2 c3')).toEqual(bucket('a7 b2'));
  });
  it('keeps the next bucket reference', () => {
    const next = new PersistentReference(7, 'BTrees.OOBTree.OOBucket');
    const again = new PersistentReference(7, 'BTrees.OOBTree.OOBucket');
    const merged = resolve(
      OOBucket,
      bucket('a1', next),
      bucket('a1 b2', again),
      bucket('a1 c3', next),
    );
    expect(merged).toEqual(bucket('a1 b2 c3', next));
  });
  it('compares persistent references in values with equals', () => {
    const ref = (oid: number) => new PersistentReference(oid, 'app.Thing');
    const old = [
      ['a', 'b'],
      [ref(1), ref(2)],
    ];
    const saved = [
      ['a', 'b'],
      [ref(1), ref(3)],
    ];
    const next = [
      ['a', 'b', 'c'],
      [ref(1), ref(2), ref(4)],
    ];
    const merged = resolve(OOBucket, old, saved, next) as unknown[][];
    expect(merged[0]).toEqual(['a', 'b', 'c']);
    expect((merged[1]![1] as PersistentReference).oid).toBe(3);
  });
  it('sets: inserts and deletes of different keys', () => {
    expect(resolve(OOSet, [['a', 'c']], [['a', 'b', 'c']], [['a', 'c', 'd']])).toEqual([
      ['a', 'b', 'c', 'd'],
    ]);
  });
  it('typed states: a packed II merge comes back packed (keys, then values)', () => {
    const s = (keys: number[], values: number[]) => [Int32Array.from([...keys, ...values])];
    const merged = resolve(
      IIBTree.prototype._leafClass,
      s([1, 3], [10, 30]),
      s([1, 2, 3], [10, 20, 30]),
      s([1, 3, 4], [10, 30, 40]),
    ) as Int32Array[];
    expect(merged).toEqual([Int32Array.from([1, 2, 3, 4, 10, 20, 30, 40])]);
  });
  it('typed states: the two-array II layout is still read', () => {
    const s = (keys: number[], values: number[]) => [
      Int32Array.from(keys),
      Int32Array.from(values),
    ];
    const merged = resolve(
      IIBTree.prototype._leafClass,
      s([1, 3], [10, 30]),
      s([1, 2, 3], [10, 20, 30]),
      s([1, 3, 4], [10, 30, 40]),
    ) as Int32Array[];
    expect(merged).toEqual([Int32Array.from([1, 2, 3, 4, 10, 20, 30, 40])]);
  });
  it('typed states: IF keys and values stay two typed arrays', () => {
    const s = (keys: number[], values: number[]) => [
      Int32Array.from(keys),
      Float64Array.from(values),
    ];
    const merged = resolve(
      IFBucket,
      s([1, 3], [0.5, 1.5]),
      s([1, 2, 3], [0.5, 1, 1.5]),
      s([1, 3, 4], [0.5, 1.5, 2]),
    ) as unknown[];
    expect(merged).toEqual([Int32Array.from([1, 2, 3, 4]), Float64Array.from([0.5, 1, 1.5, 2])]);
  });
});

describe('bucket conflict resolution refuses, naming the case', () => {
  it.each([
    ['both changed the same value', 'a1 b2', 'a1 b3', 'a1 b4', ConflictReason.conflictingChanges],
    [
      'both changed the same value to the same new value',
      'a1 b2',
      'a1 b3',
      'a1 b3',
      ConflictReason.conflictingChanges,
    ],
    [
      'committed changed a value this transaction deleted',
      'a1 b2 c3',
      'a1 b9 c3',
      'a1 c3',
      ConflictReason.changedByCommittedDeletedByThis,
    ],
    [
      'this transaction changed a value the committed one deleted',
      'a1 b2 c3',
      'a1 c3',
      'a1 b9 c3',
      ConflictReason.changedByThisDeletedByCommitted,
    ],
    [
      'both inserted the same key',
      'a1 c3',
      'a1 b2 c3',
      'a1 b2 c3',
      ConflictReason.conflictingInserts,
    ],
    [
      'both deleted the same key',
      'a1 b2 c3 d4',
      'a1 c3 d4',
      'a1 d4',
      ConflictReason.conflictingDeletes,
    ],
    [
      'both deleted the same key and kept the same next key (reported as an insert, as ZODB does)',
      'a1 b2 c3',
      'a1 c3',
      'a1 c3',
      ConflictReason.conflictingInserts,
    ],
    [
      'both inserted the same key at the end',
      'a1',
      'a1 b2',
      'a1 b5',
      ConflictReason.conflictingInsertsAtEnd,
    ],
    [
      'this transaction deleted an end key the other changed',
      'a1 b2',
      'a1 b7',
      'a1',
      ConflictReason.conflictingDeletesAtEndByThis,
    ],
    [
      'the committed transaction deleted an end key this one changed',
      'a1 b2',
      'a1',
      'a1 b7',
      ConflictReason.conflictingDeletesAtEndByCommitted,
    ],
    [
      'both deleted the same end key',
      'a1 b2 c3',
      'a1 b2',
      'a1 b2',
      ConflictReason.conflictingDeletesAtEnd,
    ],
    [
      'this transaction deleted the first key',
      'a1 b2',
      'a1 b2 c3',
      'b2',
      ConflictReason.firstKeyDeleted,
    ],
    [
      'the committed transaction deleted the first key',
      'a1 b2',
      'b2',
      'a1 b2 c3',
      ConflictReason.firstKeyDeleted,
    ],
    ['a transaction emptied the bucket', 'a1 b2', '', 'a1 b2 c3', ConflictReason.emptyBucket],
  ])('%s', (_case, old, saved, next, code) => {
    expect(refusal(old, saved, next)).toBe(code);
  });

  it('a split or relinked bucket (the next buckets differ)', () => {
    const ref = (oid: number) => new PersistentReference(oid, 'BTrees.OOBTree.OOBucket');
    expect(
      reasonOf(() => resolve(OOBucket, bucket('a1 b2'), bucket('a1', ref(9)), bucket('a1 b2 c3'))),
    ).toBe(ConflictReason.bucketSplit);
    expect(
      reasonOf(() =>
        resolve(OOBucket, bucket('a1', ref(8)), bucket('a1', ref(8)), bucket('a1 b3', ref(9))),
      ),
    ).toBe(ConflictReason.bucketSplit);
  });

  it('the error says which case and which key', () => {
    try {
      merge('a1 b2', 'a1 b3', 'a1 b4');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BTreesConflictError);
      expect((error as BTreesConflictError).reason).toMatch(
        /OOBucket: conflicting changes: .* \(key 'b' \(string\)\)/,
      );
      expect((error as BTreesConflictError).className).toBe('OOBucket');
    }
  });

  it('sets: both inserted the same key', () => {
    expect(reasonOf(() => resolve(OOSet, [['a', 'c']], [['a', 'b', 'c']], [['a', 'b', 'c']]))).toBe(
      ConflictReason.conflictingInserts,
    );
  });
});

describe('BTree and TreeSet conflict resolution', () => {
  it('merges a small tree that keeps its only bucket inline, like that bucket', () => {
    const merged = resolve(
      OOBTree,
      { bucket: bucket('a1 c3') },
      { bucket: bucket('a1 b2 c3') },
      { bucket: bucket('a1 c3 d4') },
    );
    expect(merged).toEqual({ bucket: bucket('a1 b2 c3 d4') });
  });

  it('merges inserts into an empty small tree', () => {
    expect(resolve(OOTreeSet, null, { bucket: [['a']] }, { bucket: [['b']] })).toEqual({
      bucket: [['a', 'b']],
    });
  });

  it('keeps the size counter reference of a small tree', () => {
    const size = new PersistentReference(4, 'BTrees.Length.Length');
    const merged = resolve(
      OOBTree,
      { bucket: bucket('a1'), size },
      { bucket: bucket('a1 b2'), size },
      { bucket: bucket('a1 c3'), size },
    );
    expect(merged).toEqual({ bucket: bucket('a1 b2 c3'), size });
  });

  it('refuses changes to an internal node (reason 11)', () => {
    const ref = (oid: number) => new PersistentReference(oid, 'BTrees.IIBTree.IIBucket');
    const node = (keys: number[], oids: number[]) => ({
      children: oids.map(ref),
      keys: Int32Array.from(keys),
      first: ref(oids[0]!),
    });
    expect(
      reasonOf(() =>
        resolve(IIBTree, node([5], [1, 2]), node([5, 9], [1, 2, 3]), node([3, 5], [1, 4, 2])),
      ),
    ).toBe(ConflictReason.internalNodeChanged);
    expect(
      reasonOf(() =>
        resolve(
          IISet.prototype.constructor,
          [Int32Array.from([1])],
          [Int32Array.from([1, 2])],
          [Int32Array.from([1, 2])],
        ),
      ),
    ).toBe(ConflictReason.conflictingInsertsAtEnd);
  });

  it('refuses when a small tree was emptied', () => {
    expect(
      reasonOf(() => resolve(OOBTree, { bucket: bucket('a1') }, null, { bucket: bucket('a1 b2') })),
    ).toBe(ConflictReason.emptyBucket);
  });
});
