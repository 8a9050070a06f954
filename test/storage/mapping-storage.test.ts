import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  POSKeyError,
  ReadOnlyError,
  StorageTransactionError,
  UndoError,
} from '../../src/errors.js';
import { DB, PersistentMapping, TransactionManager } from '../../src/index.js';
import { MAX_TID, ROOT_OID, ZERO_TID } from '../../src/ids.js';
import type { Oid, Tid } from '../../src/ids.js';
import type { StorageDB } from '../../src/storage/interfaces.js';
import { MappingStorage } from '../../src/storage/mapping/index.js';
import { StorageClosedError } from '../../src/storage/storage-closed-error.js';
import { markWriteOnce } from '../../src/write-once-bytes.js';
import {
  RecordingDB,
  commit,
  createObjects,
  record,
  testReferences,
  txnMeta,
  valueAt,
} from './conformance-support.js';

describe('MappingStorage specifics', () => {
  it('is named MappingStorage by default and sorts by its name', () => {
    expect(new MappingStorage().name).toBe('MappingStorage');
    expect(new MappingStorage({ name: 'scratch' }).sortKey()).toBe('scratch');
  });

  it('read-only: refuses oids, commits and pack with ReadOnlyError naming the storage', async () => {
    const s = new MappingStorage({ name: 'frozen', readOnly: true });
    expect(s.isReadOnly()).toBe(true);
    expect(() => s.newOid()).toThrow(ReadOnlyError);
    expect(() => s.newOid()).toThrow('frozen');
    await expect(s.tpcBegin(txnMeta())).rejects.toThrow(ReadOnlyError);
    await expect(s.pack(MAX_TID, testReferences)).rejects.toThrow(ReadOnlyError);
    expect(s.loadAt(ROOT_OID, MAX_TID)).toBeNull();
  });

  it('keeps a copy of committed bytes: the caller may reuse its buffer', async () => {
    const s = new MappingStorage();
    const data = record('original');
    const expected = Buffer.from(data).toString('hex');
    await commit(s, [{ oid: ROOT_OID, data, serial: ZERO_TID }]);
    data.fill(0);
    expect(Buffer.from(s.loadAt(ROOT_OID, MAX_TID)!.data!).toString('hex')).toBe(expected);
  });

  it('keeps records in a write-once buffer where they are (64 or more in a transaction), and pack copies them', async () => {
    const s = new MappingStorage();
    const records = Array.from({ length: 70 }, (_, i) => record(`in place ${i}`));
    const slab = new Uint8Array(records.reduce((sum, r) => sum + r.length, 8));
    const views: Uint8Array[] = [];
    let at = 8;
    for (const r of records) {
      slab.set(r, at);
      views.push(slab.subarray(at, at + r.length));
      at += r.length;
    }
    markWriteOnce(slab.buffer);
    const { oids } = await createObjects(s, views);
    const kept = s.loadAt(oids[69]!, MAX_TID)!.data!;
    expect(kept).toEqual(records[69]);
    expect(kept.buffer).toBe(slab.buffer);
    expect(kept.byteOffset).toBe(views[69]!.byteOffset);
    await s.pack(MAX_TID, () => [], { gc: false });
    const packed = s.loadAt(oids[69]!, MAX_TID)!.data!;
    expect(packed).toEqual(records[69]);
    expect(packed.buffer).not.toBe(slab.buffer);
  });

  it("keeps the object writer's records uncopied in a large transaction, and copies a small one's", async () => {
    const s = new MappingStorage();
    const stored = new Map<Oid, Uint8Array>();
    const store = s.store.bind(s);
    s.store = (oid, serial, data, txn) => {
      stored.set(oid, data);
      store(oid, serial, data, txn);
    };
    const db = new DB(s);
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm });
    const many = Array.from({ length: 100 }, (_, i) => new PersistentMapping([['n', i]]));
    conn.root.many = many;
    await tm.commit();
    for (const mapping of [many[0]!, many[99]!]) {
      const written = stored.get(mapping._p_oid!)!;
      const kept = s.loadAt(mapping._p_oid!, MAX_TID)!.data!;
      expect([...kept]).toEqual([...written]);
      expect(kept.buffer).toBe(written.buffer);
      expect(kept.byteOffset).toBe(written.byteOffset);
    }
    // A transaction of a few records: copied, so it holds no writer's slab.
    const single = new PersistentMapping([['theme', 'dark']]);
    conn.root.single = single;
    await tm.commit();
    const written = stored.get(single._p_oid!)!;
    const kept = s.loadAt(single._p_oid!, MAX_TID)!.data!;
    expect([...kept]).toEqual([...written]);
    expect(kept.buffer).not.toBe(written.buffer);
    await db.close();
  });

  it('keeps small records side by side in shared chunks, and large ones apart', async () => {
    const s = new MappingStorage();
    const small = Array.from({ length: 20 }, (_, i) =>
      record(i === 0 ? 'm'.repeat(1500) : `small ${i}`),
    );
    const large = record('x'.repeat(10_000));
    const { oids } = await createObjects(s, [...small, large]);
    const loaded = oids.map((oid) => s.loadAt(oid, MAX_TID)!.data!);
    // Chunks start small and double: 20 small records fill one or two.
    expect(new Set(loaded.slice(0, 20).map((data) => data.buffer)).size).toBeLessThanOrEqual(2);
    expect(loaded[20]!.buffer.byteLength).toBe(large.length);
    loaded.forEach((data, i) => expect(data).toEqual(i < 20 ? small[i] : large));
  });

  it('holds little memory for a few records', async () => {
    const s = new MappingStorage();
    const {
      oids: [oid],
    } = await createObjects(s, [record('lone')]);
    expect(s.loadAt(oid!, MAX_TID)!.data!.buffer.byteLength).toBeLessThanOrEqual(1024);
  });

  it('pack keeps the surviving bytes in fresh chunks, leaving the removed ones behind', async () => {
    const s = new MappingStorage();
    const {
      oids: [oid],
      tid,
    } = await createObjects(s, [record('v1')]);
    let serial = tid;
    const before = s.loadAt(oid!, MAX_TID)!.data!.buffer;
    serial = await commit(s, [{ oid: oid!, data: record('v2'), serial }]);
    await s.pack(MAX_TID, () => [], { gc: false });
    const after = s.loadAt(oid!, MAX_TID)!;
    expect(after.serial).toBe(serial);
    expect(after.data).toEqual(record('v2'));
    expect(after.data!.buffer).not.toBe(before);
    expect(s.history(oid!, 10)).toHaveLength(1);
  });

  it('counts objects and data bytes exactly', async () => {
    const s = new MappingStorage();
    const a = record('aaaa');
    const b = record('bb');
    await createObjects(s, [a, b]);
    expect(s.objectCount()).toBe(2);
    expect(s.getSize()).toBe(a.length + b.length);
  });

  it('pack with gc: false keeps unreachable objects but removes their old revisions', async () => {
    const s = new MappingStorage();
    await commit(s, [{ oid: ROOT_OID, data: record('root'), serial: ZERO_TID }]);
    const { oids, tid: first } = await createObjects(s, [record('orphan 1')]);
    const orphan = oids[0]!;
    await commit(s, [{ oid: orphan, data: record('orphan 2') }]);
    await s.pack(s.lastTransaction(), testReferences, { gc: false });
    expect(valueAt(s, orphan)).toBe('orphan 2');
    expect(() => s.loadSerial(orphan, first)).toThrow(POSKeyError);
  });

  it('an iterator taken before a pack still shows the transactions as they were', async () => {
    const s = new MappingStorage();
    await commit(s, [{ oid: ROOT_OID, data: record(1), serial: ZERO_TID }]);
    await commit(s, [{ oid: ROOT_OID, data: record(2) }]);
    const before = s.iterator();
    await s.pack(s.lastTransaction(), testReferences);
    expect([...before].map((t) => t.status)).toEqual([' ', ' ']);
    expect([...s.iterator()].map((t) => t.status)).toEqual(['p']);
  });

  it('requires tpcVote before tpcFinish, and refuses stores after the vote', async () => {
    const s = new MappingStorage();
    const meta = txnMeta();
    await s.tpcBegin(meta);
    s.store(ROOT_OID, ZERO_TID, record(1), meta);
    await expect(s.tpcFinish(meta)).rejects.toThrow(StorageTransactionError);
    await s.tpcVote(meta);
    expect(() => s.store(1, ZERO_TID, record(2), meta)).toThrow(StorageTransactionError);
    await s.tpcFinish(meta);
    expect(valueAt(s, ROOT_OID)).toBe(1);
  });

  it('turns a resolver crash into a ConflictError with the crash as cause', async () => {
    const s = new MappingStorage();
    const crash = new TypeError('resolver bug');
    const db: StorageDB = {
      invalidate() {},
      invalidateCache() {},
      tryToResolveConflict() {
        throw crash;
      },
    };
    s.registerDB(db);
    const oid = s.newOid();
    const t1 = await commit(s, [{ oid, data: record(1), serial: ZERO_TID }]);
    await commit(s, [{ oid, data: record(2), serial: t1 }]);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    let error: unknown;
    try {
      s.store(oid, t1, record(3), meta);
    } catch (e) {
      error = e;
    }
    await s.tpcAbort(meta);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).cause).toBe(crash);
    expect((error as ConflictError).reason).toContain('resolver bug');
  });

  it('keeps the conflict reason and class name the database gives', async () => {
    const s = new MappingStorage();
    s.registerDB(new RecordingDB(s));
    const oid = s.newOid();
    const t1 = await commit(s, [{ oid, data: record(1), serial: ZERO_TID }]);
    await commit(s, [{ oid, data: record(2), serial: t1 }]);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    expect(() => s.store(oid, t1, record(3), meta)).toThrow(
      /TestPlainRecord has no conflict resolution/,
    );
    await s.tpcAbort(meta);
  });

  it('copies the transaction extension at commit', async () => {
    const s = new MappingStorage();
    const extension: Record<string, unknown> = { tag: 'before' };
    await commit(
      s,
      [{ oid: ROOT_OID, data: record(1), serial: ZERO_TID }],
      txnMeta('d', 'u', extension),
    );
    extension.tag = 'after';
    expect(s.history(ROOT_OID)[0]?.extension).toEqual({ tag: 'before' });
  });

  it('returns no history entries for size 0', async () => {
    const s = new MappingStorage();
    await commit(s, [{ oid: ROOT_OID, data: record(1), serial: ZERO_TID }]);
    expect(s.history(ROOT_OID, 0)).toEqual([]);
  });

  it('refuses a restore whose serial is not the tid given to tpcBegin', async () => {
    const s = new MappingStorage();
    const meta = txnMeta();
    await s.tpcBegin(meta, 10n);
    expect(() => s.restore(ROOT_OID, 9n, record(1), undefined, meta)).toThrow(
      StorageTransactionError,
    );
    await s.tpcAbort(meta);
  });

  it('refuses to undo a transaction that was packed', async () => {
    const s = new MappingStorage();
    const tid = await commit(s, [{ oid: ROOT_OID, data: record(1), serial: ZERO_TID }]);
    await s.pack(tid, testReferences);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    await expect(s.undo(tid.toString(16).padStart(16, '0'), meta)).rejects.toThrow(UndoError);
    await s.tpcAbort(meta);
  });

  it('closed in the middle of a commit: later calls throw StorageClosedError, tpcAbort is a no-op', async () => {
    const s = new MappingStorage({ name: 'closing' });
    const meta = txnMeta();
    await s.tpcBegin(meta);
    await s.close();
    expect(() => s.store(ROOT_OID, ZERO_TID, record(1), meta)).toThrow(StorageClosedError);
    await expect(s.tpcVote(meta)).rejects.toThrow(StorageClosedError);
    await expect(s.tpcAbort(meta)).resolves.toBeUndefined();
  });

  it('keeps every revision for time travel across many objects', async () => {
    const s = new MappingStorage();
    const oids: Oid[] = [];
    const tids: Tid[] = [];
    for (let i = 0; i < 20; i++) {
      const oid = s.newOid();
      oids.push(oid);
      tids.push(await commit(s, [{ oid, data: record(i), serial: ZERO_TID }]));
    }
    for (let i = 0; i < 20; i++) {
      expect(oids.filter((oid) => s.loadAt(oid, tids[i]!) !== null)).toHaveLength(i + 1);
    }
  });
});
