/**
 * DemoStorage stories, after ZODB's DemoStorage documentation: a base with
 * data and changes on top, the base never written, stacking with push/pop.
 */

import { describe, expect, it } from 'vitest';
import { ConflictError, POSKeyError, ReadConflictError, ReadOnlyError } from '../../src/errors.js';
import { MAX_TID, ROOT_OID, ZERO_TID } from '../../src/ids.js';
import type { Oid, Tid } from '../../src/ids.js';
import { DemoStorage } from '../../src/storage/demo/index.js';
import { MappingStorage } from '../../src/storage/mapping/index.js';
import { StorageClosedError } from '../../src/storage/storage-closed-error.js';
import {
  RecordingDB,
  commit,
  counter,
  expectCommitFailure,
  record,
  serialOf,
  testReferences,
  txnMeta,
  valueAt,
} from './conformance-support.js';

interface Base {
  readonly storage: MappingStorage;
  readonly a: Oid;
  readonly b: Oid;
  readonly hits: Oid;
  readonly tids: readonly [Tid, Tid];
}

/** A base database: root -> a, b, hits (a counter); `a` has two revisions. */
async function makeBase(): Promise<Base> {
  const storage = new MappingStorage({ name: 'base' });
  const [a, b, hits] = [storage.newOid(), storage.newOid(), storage.newOid()];
  const t1 = await commit(storage, [
    { oid: ROOT_OID, data: record('root', [a, b, hits]), serial: ZERO_TID },
    { oid: a, data: record('a1'), serial: ZERO_TID },
    { oid: b, data: record('b1'), serial: ZERO_TID },
    { oid: hits, data: counter(10), serial: ZERO_TID },
  ]);
  const t2 = await commit(storage, [{ oid: a, data: record('a2') }]);
  return { storage, a, b, hits, tids: [t1, t2] };
}

describe('DemoStorage over a base with data', () => {
  it('reads base objects through the demo, and changes never reach the base', async () => {
    const base = await makeBase();
    const demo = new DemoStorage({ base: base.storage });
    expect(valueAt(demo, base.a)).toBe('a2');
    expect(demo.lastTransaction()).toBe(base.tids[1]);
    const tid = await commit(demo, [{ oid: base.a, data: record('a3') }]);
    expect(valueAt(demo, base.a)).toBe('a3');
    expect(valueAt(base.storage, base.a)).toBe('a2');
    expect(base.storage.lastTransaction()).toBe(base.tids[1]);
    expect(demo.lastTransaction()).toBe(tid);
    expect(valueAt(demo, base.a, base.tids[0])).toBe('a1');
    await demo.close();
  });

  it('allocates oids the base does not use', async () => {
    const base = await makeBase();
    const demo = new DemoStorage({ base: base.storage });
    const used = new Set([ROOT_OID, base.a, base.b, base.hits]);
    for (let i = 0; i < 10; i++) expect(used.has(demo.newOid())).toBe(false);
    await demo.close();
  });

  it('commits with tids after the base, even when the base has tids in the future', async () => {
    const future = new MappingStorage({ name: 'future base' });
    const farTid = 0x7000_0000_0000_0000n;
    const meta = txnMeta();
    await future.tpcBegin(meta, farTid);
    future.restore(ROOT_OID, farTid, record('from the future'), undefined, meta);
    await future.tpcVote(meta);
    await future.tpcFinish(meta);
    const demo = new DemoStorage({ base: future });
    const tid = await commit(demo, [{ oid: ROOT_OID, data: record('now') }]);
    expect(tid > farTid).toBe(true);
    await demo.close();
  });

  it('merges the history of an object from both storages, newest first', async () => {
    const base = await makeBase();
    const demo = new DemoStorage({ base: base.storage });
    const t3 = await commit(demo, [{ oid: base.a, data: record('a3') }]);
    expect(demo.history(base.a, 10).map((h) => h.tid)).toEqual([t3, base.tids[1], base.tids[0]]);
    expect(demo.history(base.a, 2).map((h) => h.tid)).toEqual([t3, base.tids[1]]);
    expect(() => demo.history(999)).toThrow(POSKeyError);
    await demo.close();
  });

  it('loadBefore a base revision reports the first change as the next serial', async () => {
    const base = await makeBase();
    const demo = new DemoStorage({ base: base.storage });
    const t3 = await commit(demo, [{ oid: base.b, data: record('b2') }]);
    const old = demo.loadBefore(base.b, t3);
    expect(old?.serial).toBe(base.tids[0]);
    expect(old?.nextSerial).toBe(t3);
    const older = demo.loadBefore(base.a, base.tids[1]);
    expect(older?.nextSerial).toBe(base.tids[1]);
    expect(demo.loadBefore(base.b, MAX_TID)?.serial).toBe(t3);
    expect(demo.loadBefore(base.b, base.tids[0])).toBeNull();
    expect(() => demo.loadBefore(999, MAX_TID)).toThrow(POSKeyError);
    await demo.close();
  });

  it('hides a base object deleted in the demo, and leaves it in the base', async () => {
    const base = await makeBase();
    const demo = new DemoStorage({ base: base.storage });
    const meta = txnMeta('delete b');
    await demo.tpcBegin(meta);
    demo.deleteObject(base.b, serialOf(demo, base.b), meta);
    await demo.tpcVote(meta);
    await demo.tpcFinish(meta);
    expect(demo.loadAt(base.b, MAX_TID)?.data).toBeNull();
    expect(() => demo.loadBefore(base.b, MAX_TID)).toThrow(POSKeyError);
    expect([...demo.recordIterator()].map((r) => r.oid)).not.toContain(base.b);
    expect(valueAt(base.storage, base.b)).toBe('b1');
    await demo.close();
  });

  it('refuses with ConflictError to delete a base object with a stale serial', async () => {
    const base = await makeBase();
    const demo = new DemoStorage({ base: base.storage });
    const meta = txnMeta();
    await demo.tpcBegin(meta);
    const error = await expectCommitFailure(
      demo,
      meta,
      () => demo.deleteObject(base.a, base.tids[0], meta),
      ConflictError,
    );
    expect(error.serials).toEqual([base.tids[1], base.tids[0]]);
    expect(valueAt(demo, base.a)).toBe('a2');
    await demo.close();
  });

  it('detects conflicts against base serials and resolves them through the database', async () => {
    const base = await makeBase();
    const demo = new DemoStorage({ base: base.storage });
    demo.registerDB(new RecordingDB(demo));
    const stale = base.tids[0];
    const meta = txnMeta();
    await demo.tpcBegin(meta);
    const error = await expectCommitFailure(
      demo,
      meta,
      () => demo.store(base.a, stale, record('mine'), meta),
      ConflictError,
    );
    expect(error.serials).toEqual([base.tids[1], stale]);
    await commit(demo, [{ oid: base.hits, data: counter(11), serial: base.tids[0] }]);
    expect(valueAt(demo, base.hits)).toBe(11);
    // Another writer that read 10 from the base adds 5: merged to 16.
    const merge = txnMeta();
    await demo.tpcBegin(merge);
    demo.store(base.hits, base.tids[0], counter(15), merge);
    expect(await demo.tpcVote(merge)).toContain(base.hits);
    await demo.tpcFinish(merge);
    expect(valueAt(demo, base.hits)).toBe(16);
    await demo.close();
  });

  it('merges base-only conflicts through the database for objects not yet changed', async () => {
    const base = await makeBase();
    const demo = new DemoStorage({ base: base.storage });
    demo.registerDB(new RecordingDB(demo));
    await commit(base.storage, [{ oid: base.hits, data: counter(12) }]); // the base moved on
    const meta = txnMeta();
    await demo.tpcBegin(meta);
    demo.store(base.hits, base.tids[0], counter(13), meta); // read 10, added 3
    expect(await demo.tpcVote(meta)).toEqual([base.hits]);
    await demo.tpcFinish(meta);
    expect(valueAt(demo, base.hits)).toBe(15);
    await demo.close();
  });

  it('checks read serials against the base', async () => {
    const base = await makeBase();
    const demo = new DemoStorage({ base: base.storage });
    const meta = txnMeta();
    await demo.tpcBegin(meta);
    demo.checkCurrentSerialInTransaction(base.a, base.tids[1], meta);
    expect(() => demo.checkCurrentSerialInTransaction(base.a, base.tids[0], meta)).toThrow(
      ReadConflictError,
    );
    await demo.tpcAbort(meta);
    await demo.close();
  });

  it('iterates the transactions of both storages in tid order', async () => {
    const base = await makeBase();
    const demo = new DemoStorage({ base: base.storage });
    const t3 = await commit(demo, [{ oid: base.b, data: record('b2') }]);
    expect([...demo.iterator()].map((t) => t.tid)).toEqual([...base.tids, t3]);
    expect([...demo.iterator(base.tids[1], t3)].map((t) => t.tid)).toEqual([base.tids[1], t3]);
    await demo.close();
  });

  it('shows every current object once in recordIterator, the demo version winning', async () => {
    const base = await makeBase();
    const demo = new DemoStorage({ base: base.storage });
    const fresh = demo.newOid();
    await commit(demo, [
      { oid: base.a, data: record('a3') },
      { oid: fresh, data: record('fresh'), serial: ZERO_TID },
    ]);
    const records = [...demo.recordIterator()];
    expect(records.map((r) => r.oid)).toEqual([ROOT_OID, base.a, base.b, base.hits, fresh]);
    expect(records.find((r) => r.oid === base.a)?.data).toEqual(record('a3'));
    await demo.close();
  });

  it('packs only the changes, without GC while the base has data', async () => {
    const base = await makeBase();
    const demo = new DemoStorage({ base: base.storage });
    const orphan = demo.newOid();
    const first = await commit(demo, [{ oid: orphan, data: record('o1'), serial: ZERO_TID }]);
    await commit(demo, [{ oid: orphan, data: record('o2') }]);
    await demo.pack(demo.lastTransaction(), testReferences);
    expect(valueAt(demo, orphan)).toBe('o2');
    expect(() => demo.loadSerial(orphan, first)).toThrow(POSKeyError);
    expect(base.storage.loadSerial(base.a, base.tids[0])).toEqual(record('a1'));
    await demo.close();
  });

  it('forwards invalidations of its commits to the registered database', async () => {
    const base = await makeBase();
    const demo = new DemoStorage({ base: base.storage });
    const db = new RecordingDB(demo);
    demo.registerDB(db);
    const tid = await commit(demo, [{ oid: base.a, data: record('a3') }]);
    expect(db.invalidations).toEqual([{ tid, oids: [base.a] }]);
    await demo.close();
  });
});

describe('DemoStorage stacking with push and pop', () => {
  it('push stacks changes that pop throws away, leaving the lower layer as it was', async () => {
    const base = await makeBase();
    const demo = new DemoStorage({ base: base.storage });
    await commit(demo, [{ oid: base.a, data: record('demo') }]);
    const pushed = demo.push();
    expect(pushed.base).toBe(demo);
    expect(valueAt(pushed, base.a)).toBe('demo');
    await commit(pushed, [{ oid: base.a, data: record('pushed') }]);
    expect(valueAt(pushed, base.a)).toBe('pushed');
    expect(valueAt(demo, base.a)).toBe('demo');
    const popped = await pushed.pop();
    expect(popped).toBe(demo);
    expect(() => pushed.lastTransaction()).toThrow(StorageClosedError);
    expect(valueAt(demo, base.a)).toBe('demo');
    await commit(demo, [{ oid: base.a, data: record('after pop') }]);
    expect(valueAt(demo, base.a)).toBe('after pop');
    await demo.close();
  });

  it('closing a pushed storage leaves its base open', async () => {
    const demo = new DemoStorage();
    const pushed = demo.push();
    await pushed.close();
    expect(demo.lastTransaction()).toBe(ZERO_TID);
    await demo.close();
  });

  it('push uses the changes storage given', async () => {
    const demo = new DemoStorage();
    const changes = new MappingStorage({ name: 'scratch' });
    const pushed = demo.push(changes);
    await commit(pushed, [{ oid: ROOT_OID, data: record('root'), serial: ZERO_TID }]);
    expect(valueAt(changes, ROOT_OID)).toBe('root');
    await pushed.close();
    expect(() => changes.lastTransaction()).toThrow(StorageClosedError);
    await demo.close();
  });
});

describe('DemoStorage options', () => {
  it('closes given base and changes by default', async () => {
    const base = new MappingStorage({ name: 'b' });
    const changes = new MappingStorage({ name: 'c' });
    await new DemoStorage({ base, changes }).close();
    expect(() => base.lastTransaction()).toThrow(StorageClosedError);
    expect(() => changes.lastTransaction()).toThrow(StorageClosedError);
  });

  it('leaves base and changes open when told not to close them', async () => {
    const base = new MappingStorage({ name: 'b' });
    const changes = new MappingStorage({ name: 'c' });
    const demo = new DemoStorage({
      base,
      changes,
      closeBaseOnClose: false,
      closeChangesOnClose: false,
    });
    await demo.close();
    expect(base.lastTransaction()).toBe(ZERO_TID);
    expect(changes.lastTransaction()).toBe(ZERO_TID);
    expect(() => demo.loadAt(ROOT_OID, MAX_TID)).toThrow(StorageClosedError);
  });

  it('is named after its storages unless given a name', () => {
    const base = new MappingStorage({ name: 'b' });
    const changes = new MappingStorage({ name: 'c' });
    expect(new DemoStorage({ base, changes }).name).toBe('DemoStorage(b, c)');
    expect(new DemoStorage({ name: 'demo' }).sortKey()).toBe('demo');
  });

  it('is read-only when its changes are: reads work, writes throw ReadOnlyError', async () => {
    const base = await makeBase();
    const demo = new DemoStorage({
      base: base.storage,
      changes: new MappingStorage({ readOnly: true }),
    });
    expect(demo.isReadOnly()).toBe(true);
    expect(valueAt(demo, base.a)).toBe('a2');
    expect(() => demo.newOid()).toThrow(ReadOnlyError);
    await expect(demo.tpcBegin(txnMeta())).rejects.toThrow(ReadOnlyError);
    await demo.close();
  });
});
