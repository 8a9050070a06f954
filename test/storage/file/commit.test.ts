/**
 * FileStorage's commit protocol: visibility only after durability, group
 * commit, abort, metadata limits and encoding, quota, empty records, large
 * transactions spilling to Data.fs.tmp.
 */

import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FileStorageQuotaError,
  StorageError,
  StorageSystemError,
  TransactionTooLargeError,
} from '../../../src/errors.js';
import { MAX_TID, ROOT_OID, ZERO_TID } from '../../../src/ids.js';
import type { Tid } from '../../../src/ids.js';
import { FileStorage, TRANSACTION_HEADER_BYTES } from '../../../src/storage/file/index.js';
import { RecordingDB, commit, record, txnMeta, valueAt } from '../conformance-support.js';
import { failFlushes, failWritesTo } from './fault-injection.js';
import { useTempDataPaths } from './temp-files.js';

const freshPath = useTempDataPaths('fs-commit');

describe('FileStorage commit protocol', () => {
  it('makes a transaction visible (invalidate, then lastTransaction) only once it is flushed', async () => {
    const s = new FileStorage(freshPath());
    const seen: { tid: Tid; flushes: number; last: Tid }[] = [];
    const db = new RecordingDB(s);
    db.invalidate = (tid) => {
      seen.push({ tid, flushes: s.commitStatistics().flushes, last: s.lastTransaction() });
    };
    s.registerDB(db);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    s.store(ROOT_OID, ZERO_TID, record('root'), meta);
    await s.tpcVote(meta);
    expect(s.lastTransaction()).toBe(ZERO_TID);
    expect(s.loadAt(ROOT_OID, MAX_TID)).toBeNull();
    const tid = await s.tpcFinish(meta);
    expect(seen).toEqual([{ tid, flushes: 1, last: ZERO_TID }]);
    expect(s.lastTransaction()).toBe(tid);
    expect(valueAt(s, ROOT_OID)).toBe('root');
    await s.close();
  });

  it('hides a finished transaction from readers until the flush it waits for', async () => {
    const s = new FileStorage(freshPath());
    const first = txnMeta('first');
    const second = txnMeta('second');
    await s.tpcBegin(first);
    const waiting = s.tpcBegin(second); // queued on the commit lock: the first finish defers its flush
    s.store(ROOT_OID, ZERO_TID, record('one'), first);
    await s.tpcVote(first);
    const finishing = s.tpcFinish(first);
    await waiting;
    expect(s.lastTransaction()).toBe(ZERO_TID);
    expect(s.loadAt(ROOT_OID, MAX_TID)).toBeNull();
    const tid = await finishing;
    expect(s.lastTransaction()).toBe(tid);
    await s.tpcAbort(second);
    await s.close();
  });

  it('lets concurrent writers share flushes (group commit), publishing in tid order', async () => {
    const s = new FileStorage(freshPath());
    const db = new RecordingDB(s);
    s.registerDB(db);
    const oids = Array.from({ length: 8 }, () => s.newOid());
    const tids: Tid[] = [];
    await Promise.all(
      oids.map(async (oid) => {
        for (let i = 0; i < 5; i++) tids.push(await commit(s, [{ oid, data: record(i) }]));
      }),
    );
    const { flushes, transactions } = s.commitStatistics();
    expect(transactions).toBe(40);
    expect(flushes).toBeLessThan(transactions / 2);
    expect(db.invalidations.map((i) => i.tid)).toEqual([...tids].sort((a, b) => (a < b ? -1 : 1)));
    for (const oid of oids) expect(valueAt(s, oid)).toBe(4);
    await s.close();
  });

  it('flushes once per commit for a lone writer', async () => {
    const s = new FileStorage(freshPath());
    for (let i = 0; i < 5; i++) await commit(s, [{ oid: ROOT_OID, data: record(i) }]);
    expect(s.commitStatistics()).toEqual({ flushes: 5, transactions: 5 });
    await s.close();
  });

  it('removes a voted transaction from the file on tpcAbort', async () => {
    const path = freshPath();
    const s = new FileStorage(path);
    await commit(s, [{ oid: ROOT_OID, data: record('kept') }]);
    const size = fs.statSync(path).size;
    const meta = txnMeta();
    await s.tpcBegin(meta);
    s.store(ROOT_OID, s.lastTransaction(), record('dropped'), meta);
    await s.tpcVote(meta);
    expect(fs.statSync(path).size).toBeGreaterThan(size);
    await s.tpcAbort(meta);
    expect(fs.statSync(path).size).toBe(size);
    expect(valueAt(s, ROOT_OID)).toBe('kept');
    await s.close();
  });

  it('refuses user, description or extension longer than 65535 bytes', async () => {
    const s = new FileStorage(freshPath());
    const long = 'x'.repeat(70_000);
    await expect(s.tpcBegin(txnMeta(long))).rejects.toThrow(TransactionTooLargeError);
    await expect(s.tpcBegin(txnMeta('d', long))).rejects.toThrow(/user/);
    await expect(s.tpcBegin(txnMeta('d', 'u', { note: long }))).rejects.toThrow(/extension/);
    await commit(s, [{ oid: ROOT_OID, data: record('still works') }]);
    await s.close();
  });

  it('stores the extension as MessagePack, and an empty one as zero bytes', async () => {
    const path = freshPath();
    const s = new FileStorage(path);
    const extension = { who: 'me', n: 3, when: new Date(0), big: 10n };
    const t1 = await commit(s, [{ oid: ROOT_OID, data: record(1) }], txnMeta('', '', extension));
    await commit(s, [{ oid: ROOT_OID, data: record(2) }], txnMeta('', '', {}));
    const [first, second] = [...s.iterator()];
    expect(first?.tid).toBe(t1);
    expect(first?.extension).toEqual(extension);
    expect(second?.extensionData.length).toBe(0);
    expect(s.undoLog()[1]?.extension).toEqual(extension);
    await s.close();
    const bytes = fs.readFileSync(path);
    const secondHeader = second!.pos;
    expect(bytes.readUInt16BE(secondHeader + TRANSACTION_HEADER_BYTES - 2)).toBe(0);
  });

  it('stores and loads empty (0-byte) records, which survive reopen and pack', async () => {
    const path = freshPath();
    let s = new FileStorage(path);
    const oid = s.newOid();
    await commit(s, [
      { oid: ROOT_OID, data: record('root', [oid]), serial: ZERO_TID },
      { oid, data: new Uint8Array(0), serial: ZERO_TID },
    ]);
    await s.close();
    s = new FileStorage(path);
    expect(s.loadAt(oid, MAX_TID)?.data).toEqual(new Uint8Array(0));
    await s.pack(s.lastTransaction(), (data) =>
      data.length === 0 ? [] : JSON.parse(new TextDecoder().decode(data)).refs,
    );
    expect(s.loadAt(oid, MAX_TID)?.data).toEqual(new Uint8Array(0));
    expect([...s.check()]).toEqual([]);
    await s.close();
  });

  it('commits a transaction larger than its 16 MiB memory buffer through Data.fs.tmp', async () => {
    const path = freshPath();
    const s = new FileStorage(path);
    const chunk = new Uint8Array(3 << 20).fill(7);
    const oids = Array.from({ length: 7 }, () => s.newOid());
    await commit(
      s,
      oids.map((oid) => ({ oid, data: chunk, serial: ZERO_TID })),
    );
    for (const oid of oids) {
      const data = s.loadAt(oid, MAX_TID)?.data;
      expect(data !== null && data !== undefined && Buffer.compare(data, chunk) === 0).toBe(true);
    }
    await s.close();
    expect(fs.existsSync(`${path}.tmp`)).toBe(false);
  });

  it('refuses with FileStorageQuotaError a store past the quota, and keeps working after abort', async () => {
    const path = freshPath();
    const s = new FileStorage(path, { quota: 2000 });
    await commit(s, [{ oid: ROOT_OID, data: record('small') }]);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    const error = (() => {
      try {
        s.store(ROOT_OID, s.lastTransaction(), new Uint8Array(5000).fill(1), meta);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(FileStorageQuotaError);
    expect((error as FileStorageQuotaError).quotaBytes).toBe(2000);
    expect((error as FileStorageQuotaError).message).toContain(path);
    await s.tpcAbort(meta);
    await commit(s, [{ oid: ROOT_OID, data: record('small again') }]);
    expect(valueAt(s, ROOT_OID)).toBe('small again');
    await s.close();
  });

  it('continues the oid sequence past the largest oid after reopen', async () => {
    const path = freshPath();
    let s = new FileStorage(path);
    await commit(s, [{ oid: 41, data: record('restored high oid'), serial: ZERO_TID }]);
    expect(s.newOid()).toBe(42);
    await s.close();
    s = new FileStorage(path);
    expect(s.newOid()).toBe(42);
    await s.close();
  });

  it('on a full disk at vote, fails with StorageSystemError, leaves no partial transaction and keeps working', async () => {
    const path = freshPath();
    const created = new FileStorage(path);
    await commit(created, [{ oid: ROOT_OID, data: record('before'), serial: ZERO_TID }]);
    await created.close();
    const size = fs.statSync(path).size;
    const restore = failWritesTo((p) => p === path);
    const s = new FileStorage(path);
    try {
      await expect(commit(s, [{ oid: ROOT_OID, data: record('lost') }])).rejects.toThrow(
        StorageSystemError,
      );
    } finally {
      restore();
    }
    expect(fs.statSync(path).size).toBe(size);
    await commit(s, [{ oid: ROOT_OID, data: record('after') }]);
    expect(valueAt(s, ROOT_OID)).toBe('after');
    await s.close();
  });

  it('when a flush fails, rejects tpcFinish and stops serving; the file reopens consistent', async () => {
    const path = freshPath();
    const s = new FileStorage(path);
    await commit(s, [{ oid: ROOT_OID, data: record('durable'), serial: ZERO_TID }]);
    const restore = failFlushes();
    try {
      await expect(commit(s, [{ oid: ROOT_OID, data: record('unsure') }])).rejects.toThrow(/EIO/);
    } finally {
      restore();
    }
    expect(() => s.loadAt(ROOT_OID, MAX_TID)).toThrow(StorageError);
    await expect(s.tpcBegin(txnMeta())).rejects.toThrow(/I\/O failure/);
    await s.close();
    const reopened = new FileStorage(path);
    expect(['durable', 'unsure']).toContain(valueAt(reopened, ROOT_OID));
    expect([...reopened.check()]).toEqual([]);
    await reopened.close();
  });

  it('when the database fails to take an invalidation, reports it from that tpcFinish and goes on', async () => {
    const s = new FileStorage(freshPath());
    const db = new RecordingDB(s);
    let fail = true;
    db.invalidate = (tid) => {
      if (fail) throw new Error(`cannot invalidate ${tid}`);
    };
    s.registerDB(db);
    await expect(
      commit(s, [{ oid: ROOT_OID, data: record('one'), serial: ZERO_TID }]),
    ).rejects.toThrow(/cannot invalidate/);
    expect(valueAt(s, ROOT_OID)).toBe('one');
    fail = false;
    const tid = await commit(s, [{ oid: ROOT_OID, data: record('two') }]);
    expect(s.lastTransaction()).toBe(tid);
    await s.close();
  });
});
