/**
 * Conformance area "restore" (ZODB's IStorageRestoreable and
 * RecoveryStorage): committing with a given tid, restoring revisions
 * without conflict checks, copying transactions between storages.
 */

import { expect, it } from 'vitest';
import { StorageError } from '../../src/errors.js';
import { MAX_TID, ROOT_OID, ZERO_TID } from '../../src/ids.js';
import type { Oid, Tid } from '../../src/ids.js';
import { isIteratorStorage, isRestoreStorage } from '../../src/storage/interfaces.js';
import type { IteratorStorage, RestoreStorage } from '../../src/storage/interfaces.js';
import {
  commit,
  record,
  requireCapability,
  testReferences,
  txnMeta,
  valueAt,
} from './conformance-support.js';
import type { AreaContext } from './conformance-support.js';

/** One restored revision: oid, data and optional back-pointer hint. */
type Restored = readonly [Oid, Uint8Array | null, Tid?];

/** Commits, with the given tid, a transaction made of restored revisions. */
async function restoreTransaction(
  s: RestoreStorage,
  tid: Tid,
  records: readonly Restored[],
  meta = txnMeta(),
): Promise<Tid> {
  await s.tpcBegin(meta, tid);
  try {
    for (const [oid, data, prevTxn] of records) s.restore(oid, tid, data, prevTxn, meta);
    await s.tpcVote(meta);
    return await s.tpcFinish(meta);
  } catch (error) {
    await s.tpcAbort(meta);
    throw error;
  }
}

/** Copies every transaction of `source` into `destination`, keeping tids and metadata. */
async function copyTransactions(
  source: IteratorStorage,
  destination: RestoreStorage,
): Promise<void> {
  for (const transaction of source.iterator()) {
    const meta = txnMeta(transaction.description, transaction.user, { ...transaction.extension });
    const records = [...transaction.records].map((r): Restored => [r.oid, r.data, r.dataTxn]);
    await restoreTransaction(destination, transaction.tid, records, meta);
  }
}

/** Defines the "restore" area. */
export function defineRestoreTests(ctx: AreaContext): void {
  const storage = (): RestoreStorage => requireCapability(ctx.storage(), isRestoreStorage);

  it('commits with the tid given to tpcBegin', async () => {
    const s = storage();
    const tid = 0x03c0_0000_0000_0001n;
    expect(await restoreTransaction(s, tid, [[ROOT_OID, record('restored')]])).toBe(tid);
    expect(s.lastTransaction()).toBe(tid);
    expect(s.loadAt(ROOT_OID, MAX_TID)?.serial).toBe(tid);
    expect(s.loadSerial(ROOT_OID, tid)).toEqual(record('restored'));
  });

  it('accepts consecutive explicit tids 1, 2, 3 and reads them back as revisions', async () => {
    const s = storage();
    for (const tid of [1n, 2n, 3n])
      await restoreTransaction(s, tid, [[ROOT_OID, record(Number(tid))]]);
    const middle = s.loadBefore(ROOT_OID, 3n);
    expect(middle?.serial).toBe(2n);
    expect(middle?.nextSerial).toBe(3n);
    expect(valueAt(s, ROOT_OID, 1n)).toBe(1);
  });

  it('refuses a tid that is not after the last transaction', async () => {
    const s = storage();
    const last = await commit(s, [{ oid: ROOT_OID, data: record('x'), serial: ZERO_TID }]);
    const meta = txnMeta();
    await expect(s.tpcBegin(meta, last)).rejects.toThrow(StorageError);
    // The refused begin left the commit lock free.
    await commit(s, [{ oid: ROOT_OID, data: record('y') }]);
    expect(valueAt(s, ROOT_OID)).toBe('y');
  });

  it('writes without conflict checks, and null data records a deletion', async () => {
    const s = storage();
    const oid = s.newOid();
    await commit(s, [{ oid, data: record('first'), serial: ZERO_TID }]);
    const next = s.lastTransaction() + 10n;
    await restoreTransaction(s, next, [[oid, record('overwritten')]]);
    expect(valueAt(s, oid)).toBe('overwritten');
    await restoreTransaction(s, next + 1n, [[oid, null]]);
    expect(s.loadAt(oid, MAX_TID)?.data).toBeNull();
  });

  it('moves the oid allocator past restored oids', async () => {
    const s = storage();
    await restoreTransaction(s, 5n, [[1000, record('high oid')]]);
    expect(s.newOid()).toBeGreaterThan(1000);
  });

  it('copies a storage transaction by transaction into an identical one', async () => {
    const source = requireCapability(storage(), isIteratorStorage);
    const destination = await ctx.make();
    if (!isRestoreStorage(destination) || !isIteratorStorage(destination)) {
      throw new Error('the destination must restore and iterate too');
    }
    const child = source.newOid();
    await commit(
      source,
      [
        { oid: ROOT_OID, data: record('root', [child]), serial: ZERO_TID },
        { oid: child, data: record('child'), serial: ZERO_TID },
      ],
      txnMeta('first', 'alice', { n: 1 }),
    );
    await commit(source, [{ oid: child, data: record('child 2') }], txnMeta('second', 'bob'));
    await commit(source, [{ oid: ROOT_OID, data: record('root 2', []) }]);
    await copyTransactions(source, destination);
    const summary = (s: IteratorStorage): unknown[] =>
      [...s.iterator()].map((t) => ({
        tid: t.tid,
        user: t.user,
        description: t.description,
        extension: t.extension,
        records: [...t.records].map((r) => [r.oid, r.tid, r.data]),
      }));
    expect(summary(destination)).toEqual(summary(source));
    expect(destination.lastTransaction()).toBe(source.lastTransaction());
    await destination.pack(destination.lastTransaction(), testReferences);
    expect(valueAt(destination, ROOT_OID)).toBe('root 2');
  });
}
