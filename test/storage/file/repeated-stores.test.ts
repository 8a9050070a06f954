/**
 * FileStorage transactions that write one oid more than once (store twice,
 * store then delete, delete then store): the newest record wins, in memory
 * and after reopening, and invalidations name each oid once.
 */

import { describe, expect, it } from 'vitest';
import { POSKeyError } from '../../../src/errors.js';
import { MAX_TID, ROOT_OID, ZERO_TID } from '../../../src/ids.js';
import type { Oid, Tid } from '../../../src/ids.js';
import { FileStorage } from '../../../src/storage/file/index.js';
import type { TransactionMetaData } from '../../../src/storage/interfaces.js';
import { RecordingDB, commit, record, serialOf, txnMeta, valueAt } from '../conformance-support.js';
import { useTempDataPaths } from './temp-files.js';

const freshPath = useTempDataPaths('fs-repeated');

/** Runs `writes` inside one transaction of `s` and returns its tid. */
async function inOneTransaction(
  s: FileStorage,
  writes: (txn: TransactionMetaData) => void,
): Promise<Tid> {
  const txn = txnMeta('repeated');
  await s.tpcBegin(txn);
  writes(txn);
  await s.tpcVote(txn);
  return s.tpcFinish(txn);
}

describe('FileStorage transactions writing an oid more than once', () => {
  it('keeps the newest of two stores of an oid, now and after reopening', async () => {
    const path = freshPath();
    const s = new FileStorage(path);
    const first = await commit(s, [{ oid: ROOT_OID, data: record('old'), serial: ZERO_TID }]);
    const tid = await inOneTransaction(s, (txn) => {
      s.store(ROOT_OID, first, record('first store'), txn);
      s.store(ROOT_OID, first, record('second store'), txn);
    });
    expect(valueAt(s, ROOT_OID)).toBe('second store');
    expect(s.history(ROOT_OID, 10).map((entry) => entry.tid)).toEqual([tid, first]);
    await s.close();
    const reopened = new FileStorage(path, { readOnly: true });
    expect(valueAt(reopened, ROOT_OID)).toBe('second store');
    expect(valueAt(reopened, ROOT_OID, first)).toBe('old');
    await reopened.close();
  });

  it('names each written oid once in the invalidation, however often it was written', async () => {
    const s = new FileStorage(freshPath());
    const db = new RecordingDB(s);
    s.registerDB(db);
    const a = s.newOid();
    const b = s.newOid();
    const tid = await inOneTransaction(s, (txn) => {
      s.store(a, ZERO_TID, record('a1'), txn);
      s.store(b, ZERO_TID, record('b1'), txn);
      s.store(a, ZERO_TID, record('a2'), txn);
      s.store(a, ZERO_TID, record('a3'), txn);
    });
    const last = db.invalidations.at(-1)!;
    expect(last.tid).toBe(tid);
    expect([...last.oids].sort((x, y) => x - y)).toEqual([a, b]);
    expect(valueAt(s, a)).toBe('a3');
    expect(valueAt(s, b)).toBe('b1');
    await s.close();
  });

  it('treats an oid stored and then deleted in one transaction as deleted, and the reverse as stored', async () => {
    const path = freshPath();
    const s = new FileStorage(path);
    const oids: Oid[] = [s.newOid(), s.newOid()];
    await commit(
      s,
      oids.map((oid) => ({ oid, data: record('committed'), serial: ZERO_TID })),
    );
    const [storedThenDeleted, deletedThenStored] = oids as [Oid, Oid];
    const before = s.objectCount();
    const serial = serialOf(s, storedThenDeleted);
    await inOneTransaction(s, (txn) => {
      s.store(storedThenDeleted, serial, record('short-lived'), txn);
      s.deleteObject(storedThenDeleted, serial, txn);
      s.deleteObject(deletedThenStored, serial, txn);
      s.store(deletedThenStored, serial, record('back again'), txn);
    });
    const check = (storage: FileStorage): void => {
      expect(storage.loadAt(storedThenDeleted, MAX_TID)?.data).toBeNull();
      expect(() => storage.loadSerial(storedThenDeleted, storage.lastTransaction())).toThrow(
        POSKeyError,
      );
      expect(valueAt(storage, deletedThenStored)).toBe('back again');
      expect(storage.objectCount()).toBe(before - 1);
    };
    check(s);
    await s.close();
    const reopened = new FileStorage(path, { readOnly: true });
    check(reopened);
    await reopened.close();
  });
});
