/**
 * Conformance areas "pack" (ZODB's PackableStorage: old revisions go,
 * current ones stay) and "packGC" (garbage collection of objects not
 * reachable from the root, for storages that do it).
 */

import { expect, it } from 'vitest';
import { POSKeyError } from '../../src/errors.js';
import { MAX_TID, ROOT_OID, ZERO_TID } from '../../src/ids.js';
import type { Oid, Tid } from '../../src/ids.js';
import type { Storage } from '../../src/storage/interfaces.js';
import { isIteratorStorage } from '../../src/storage/interfaces.js';
import {
  commit,
  createObjects,
  record,
  serialOf,
  testReferences,
  txnMeta,
  valueAt,
} from './conformance-support.js';
import type { AreaContext } from './conformance-support.js';

/** Writes the root (oid 0) referring to `refs`, returning the tid. */
function setRoot(s: Storage, value: unknown, refs: readonly Oid[]): Promise<Tid> {
  return commit(s, [{ oid: ROOT_OID, data: record(value, refs) }]);
}

/** A root referring to a child, each with two revisions; returns oids and tids. */
async function rootAndChild(s: Storage): Promise<{ child: Oid; tids: Tid[] }> {
  const child = s.newOid();
  const t1 = await commit(s, [
    { oid: ROOT_OID, data: record('root 1', [child]), serial: ZERO_TID },
    { oid: child, data: record('child 1'), serial: ZERO_TID },
  ]);
  const t2 = await commit(s, [{ oid: child, data: record('child 2') }]);
  const t3 = await setRoot(s, 'root 2', [child]);
  return { child, tids: [t1, t2, t3] };
}

/** Defines the "pack" area. */
export function definePackTests(ctx: AreaContext): void {
  it('packs an empty storage, and packs to the past and to the future, without failing', async () => {
    const s = ctx.storage();
    await s.pack(MAX_TID - 1n, testReferences);
    const { tids } = await rootAndChild(s);
    await s.pack(1n, testReferences);
    await s.pack(tids[2]! + 1_000_000n, testReferences);
    expect(valueAt(s, ROOT_OID)).toBe('root 2');
  });

  it('removes revisions that were not current at the pack time and keeps current ones', async () => {
    const s = ctx.storage();
    const { child, tids } = await rootAndChild(s);
    const [t1, t2, t3] = tids as [Tid, Tid, Tid];
    await s.pack(t3, testReferences);
    expect(() => s.loadSerial(ROOT_OID, t1)).toThrow(POSKeyError);
    expect(() => s.loadSerial(child, t1)).toThrow(POSKeyError);
    expect(valueAt(s, ROOT_OID)).toBe('root 2');
    expect(valueAt(s, child)).toBe('child 2');
    expect(s.loadSerial(child, t2)).toEqual(record('child 2'));
  });

  it('keeps every revision committed after the pack time', async () => {
    const s = ctx.storage();
    const { child, tids } = await rootAndChild(s);
    const [t1, t2, t3] = tids as [Tid, Tid, Tid];
    await s.pack(t1, testReferences);
    expect(valueAt(s, ROOT_OID, t1)).toBe('root 1');
    expect(valueAt(s, child, t1)).toBe('child 1');
    expect(s.loadSerial(child, t2)).toEqual(record('child 2'));
    expect(s.loadSerial(ROOT_OID, t3)).toEqual(record('root 2', [child]));
  });

  it('keeps the revision current at a pack time between two commits', async () => {
    const s = ctx.storage();
    const { child, tids } = await rootAndChild(s);
    const [t1, t2] = tids as [Tid, Tid, Tid];
    await s.pack(t2 - 1n, testReferences);
    expect(valueAt(s, child, t2 - 1n)).toBe('child 1');
    expect(s.loadAt(child, t1 - 1n)).toBeNull();
  });

  it('shows in history only the revisions pack kept', async () => {
    const s = ctx.storage();
    const { child, tids } = await rootAndChild(s);
    await setRoot(s, 'root 3', [child]);
    await s.pack(tids[2]!, testReferences);
    expect(s.history(ROOT_OID, 10).map((h) => h.tid)).toEqual([serialOf(s, ROOT_OID), tids[2]]);
    expect(s.history(child, 10).map((h) => h.tid)).toEqual([tids[1]]);
  });

  it('keeps the data of a commit that runs while the pack is in progress', async () => {
    const s = ctx.storage();
    const { child } = await rootAndChild(s);
    const packTime = s.lastTransaction();
    const meta = txnMeta('during pack');
    await s.tpcBegin(meta);
    const fresh = s.newOid();
    s.store(fresh, ZERO_TID, record('fresh'), meta);
    s.store(ROOT_OID, serialOf(s, ROOT_OID), record('root 3', [child, fresh]), meta);
    const packing = s.pack(packTime, testReferences);
    await s.tpcVote(meta);
    const tid = await s.tpcFinish(meta);
    await packing;
    const second = s.pack(s.lastTransaction(), testReferences);
    const after = await setRoot(s, 'root 4', [child, fresh]);
    await second;
    expect(valueAt(s, fresh)).toBe('fresh');
    expect(valueAt(s, child)).toBe('child 2');
    expect(s.loadSerial(ROOT_OID, tid)).toEqual(record('root 3', [child, fresh]));
    expect(serialOf(s, ROOT_OID)).toBe(after);
  });

  it('leaves a storage whose transactions can still be iterated', async (test) => {
    const s = ctx.storage();
    if (!isIteratorStorage(s)) {
      test.skip('storage is not an IteratorStorage');
      return;
    }
    const { tids } = await rootAndChild(s);
    await s.pack(tids[1]!, testReferences);
    const iterated = [...s.iterator()].map((t) => t.tid);
    expect(iterated).toContain(tids[2]);
    for (const transaction of s.iterator()) {
      for (const r of transaction.records) {
        if (r.data !== null) expect(s.loadSerial(r.oid, r.tid)).toEqual(r.data);
      }
    }
  });
}

/** Defines the "packGC" area. */
export function definePackGCTests(ctx: AreaContext): void {
  it('removes every revision of objects unreachable from the root at the pack time', async () => {
    const s = ctx.storage();
    const { child, tids } = await rootAndChild(s);
    const { oids } = await createObjects(s, [record('garbage 1')]);
    const garbage = oids[0]!;
    const g1 = serialOf(s, garbage);
    const g2 = await commit(s, [{ oid: garbage, data: record('garbage 2') }]);
    const countBefore = s.objectCount();
    await s.pack(s.lastTransaction(), testReferences);
    for (const serial of [g1, g2]) expect(() => s.loadSerial(garbage, serial)).toThrow(POSKeyError);
    expect(s.loadAt(garbage, MAX_TID)).toBeNull();
    expect(s.objectCount()).toBe(countBefore - 1);
    expect(valueAt(s, child)).toBe('child 2');
    expect(valueAt(s, ROOT_OID)).toBe('root 2');
    expect(s.loadSerial(ROOT_OID, tids[2]!)).toEqual(record('root 2', [child]));
  });

  it('collects an object that became unreachable before the pack time', async () => {
    const s = ctx.storage();
    const { child } = await rootAndChild(s);
    await setRoot(s, 'root without child', []);
    await s.pack(s.lastTransaction(), testReferences);
    expect(s.loadAt(child, MAX_TID)).toBeNull();
  });

  it('keeps objects reachable through a chain of references', async () => {
    const s = ctx.storage();
    const [a, b, c] = [s.newOid(), s.newOid(), s.newOid()];
    await commit(s, [
      { oid: ROOT_OID, data: record('root', [a]), serial: ZERO_TID },
      { oid: a, data: record('a', [b]), serial: ZERO_TID },
      { oid: b, data: record('b', [c, a]), serial: ZERO_TID },
      { oid: c, data: record('c'), serial: ZERO_TID },
    ]);
    await s.pack(s.lastTransaction(), testReferences);
    expect([a, b, c].map((oid) => valueAt(s, oid))).toEqual(['a', 'b', 'c']);
  });

  it('keeps an object unreachable at the pack time that a commit in progress refers to', async () => {
    const s = ctx.storage();
    const { child } = await rootAndChild(s);
    await setRoot(s, 'root drops child', []);
    const meta = txnMeta('re-adopts the child during the pack');
    await s.tpcBegin(meta);
    s.store(ROOT_OID, serialOf(s, ROOT_OID), record('root re-adopts child', [child]), meta);
    const packing = s.pack(s.lastTransaction(), testReferences);
    await s.tpcVote(meta);
    await s.tpcFinish(meta);
    await packing;
    expect(valueAt(s, child)).toBe('child 2');
  });

  it('keeps an object unreachable at the pack time that a later revision refers to', async () => {
    const s = ctx.storage();
    const { child } = await rootAndChild(s);
    const { oids } = await createObjects(s, [record('orphan')]);
    const orphan = oids[0]!;
    const packTime = s.lastTransaction();
    await setRoot(s, 'root adopts orphan', [child, orphan]);
    await s.pack(packTime, testReferences);
    expect(valueAt(s, orphan)).toBe('orphan');
  });
}
