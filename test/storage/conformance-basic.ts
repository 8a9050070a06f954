/**
 * Conformance areas "basic" (ZODB's BasicStorage) and "synchronization"
 * (SynchronizedStorage): storing and loading, serials, oids, aborts,
 * transaction-identity checks, closing.
 */

import { expect, it } from 'vitest';
import {
  ConflictError,
  ReadConflictError,
  StorageError,
  StorageTransactionError,
} from '../../src/errors.js';
import { MAX_TID, ROOT_OID, ZERO_TID } from '../../src/ids.js';
import type { Oid } from '../../src/ids.js';
import {
  commit,
  createObjects,
  expectCommitFailure,
  record,
  serialOf,
  txnMeta,
  valueAt,
} from './conformance-support.js';
import type { AreaContext } from './conformance-support.js';

/** Defines the "basic" area. */
export function defineBasicTests(ctx: AreaContext): void {
  it('an empty storage has no last transaction and no objects', () => {
    const s = ctx.storage();
    expect(s.lastTransaction()).toBe(ZERO_TID);
    expect(s.objectCount()).toBe(0);
    expect(s.loadAt(ROOT_OID, MAX_TID)).toBeNull();
    expect(typeof s.name).toBe('string');
    expect(typeof s.sortKey()).toBe('string');
    expect(s.isReadOnly()).toBe(false);
    expect(s.getSize()).toBeGreaterThanOrEqual(0);
  });

  it('loads a stored object with the serial tpcFinish returned', async () => {
    const s = ctx.storage();
    const tid = await commit(s, [{ oid: ROOT_OID, data: record('root'), serial: ZERO_TID }]);
    const loaded = s.loadAt(ROOT_OID, MAX_TID);
    expect(loaded?.serial).toBe(tid);
    expect(valueAt(s, ROOT_OID)).toBe('root');
    expect(s.lastTransaction()).toBe(tid);
  });

  it('stores zero-length data', async () => {
    const s = ctx.storage();
    const oid = s.newOid();
    await commit(s, [{ oid, data: new Uint8Array(0), serial: ZERO_TID }]);
    expect(s.loadAt(oid, MAX_TID)?.data).toEqual(new Uint8Array(0));
  });

  it('returns the latest data after successive stores, each commit with a larger tid', async () => {
    const s = ctx.storage();
    const oid = s.newOid();
    const tids = [];
    for (let i = 0; i < 5; i++) tids.push(await commit(s, [{ oid, data: record(i) }]));
    expect(valueAt(s, oid)).toBe(4);
    for (let i = 1; i < tids.length; i++) expect(tids[i]! > tids[i - 1]!).toBe(true);
    expect(s.loadAt(oid, MAX_TID)?.serial).toBe(tids[4]);
  });

  it('allocates distinct oids, never the root oid', () => {
    const s = ctx.storage();
    const oids = new Set<Oid>();
    for (let i = 0; i < 100; i++) oids.add(s.newOid());
    expect(oids.size).toBe(100);
    expect(oids.has(ROOT_OID)).toBe(false);
  });

  it('stores several objects in one transaction under one tid', async () => {
    const s = ctx.storage();
    const { oids, tid } = await createObjects(s, [record('a'), record('b'), record('c')]);
    expect(oids.map((oid) => s.loadAt(oid, MAX_TID)?.serial)).toEqual([tid, tid, tid]);
    expect(s.objectCount()).toBe(3);
    expect(s.getSize()).toBeGreaterThan(0);
  });

  it('raises ConflictError, with the oid and both serials, for a store with a stale serial', async () => {
    const s = ctx.storage();
    const oid = s.newOid();
    const first = await commit(s, [{ oid, data: record(1), serial: ZERO_TID }]);
    const second = await commit(s, [{ oid, data: record(2) }]);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    const error = await expectCommitFailure(
      s,
      meta,
      () => s.store(oid, first, record(3), meta),
      ConflictError,
    );
    expect(error.oid).toBe(oid);
    expect(error.serials).toEqual([second, first]);
    expect(valueAt(s, oid)).toBe(2);
  });

  it('keeps earlier data when a transaction is aborted after store, and works afterwards', async () => {
    const s = ctx.storage();
    const oid = s.newOid();
    const tid = await commit(s, [{ oid, data: record('kept'), serial: ZERO_TID }]);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    s.store(oid, tid, record('dropped'), meta);
    await s.tpcAbort(meta);
    expect(valueAt(s, oid)).toBe('kept');
    expect(s.lastTransaction()).toBe(tid);
    await commit(s, [{ oid, data: record('later') }]);
    expect(valueAt(s, oid)).toBe('later');
  });

  it('keeps earlier data when a transaction is aborted after vote', async () => {
    const s = ctx.storage();
    const oid = s.newOid();
    const tid = await commit(s, [{ oid, data: record('kept'), serial: ZERO_TID }]);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    s.store(oid, tid, record('dropped'), meta);
    await s.tpcVote(meta);
    await s.tpcAbort(meta);
    expect(valueAt(s, oid)).toBe('kept');
    expect(s.loadAt(oid, MAX_TID)?.serial).toBe(tid);
    await commit(s, [{ oid, data: record('later') }]);
    expect(valueAt(s, oid)).toBe('later');
  });

  it('commits two empty transactions in a row (the commit lock is released)', async () => {
    const s = ctx.storage();
    const first = await commit(s, []);
    const second = await commit(s, []);
    expect(second > first).toBe(true);
  });

  it('returns null from loadAt for an oid that was never stored', async () => {
    const s = ctx.storage();
    await createObjects(s, [record('x')]);
    expect(s.loadAt(123_456, MAX_TID)).toBeNull();
  });

  it('raises ReadConflictError with the oid and serials when a checked serial is stale', async () => {
    const s = ctx.storage();
    const oid = s.newOid();
    const first = await commit(s, [{ oid, data: record(1), serial: ZERO_TID }]);
    const second = await commit(s, [{ oid, data: record(2) }]);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    const error = await expectCommitFailure(
      s,
      meta,
      () => s.checkCurrentSerialInTransaction(oid, first, meta),
      ReadConflictError,
    );
    expect(error.oid).toBe(oid);
    expect(error.serials).toEqual([second, first]);
  });

  it('commits when a checked serial is current', async () => {
    const s = ctx.storage();
    const [a, b] = [s.newOid(), s.newOid()];
    await commit(s, [
      { oid: a, data: record('a'), serial: ZERO_TID },
      { oid: b, data: record('b'), serial: ZERO_TID },
    ]);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    s.checkCurrentSerialInTransaction(a, serialOf(s, a), meta);
    s.store(b, serialOf(s, b), record('b2'), meta);
    await s.tpcVote(meta);
    const tid = await s.tpcFinish(meta);
    expect(valueAt(s, b)).toBe('b2');
    expect(serialOf(s, a) < tid).toBe(true);
  });

  it('after close, every use throws a StorageError naming the storage; close is idempotent', async () => {
    const s = await ctx.make();
    await createObjects(s, [record('x')]);
    await s.close();
    await s.close();
    const uses: (() => unknown)[] = [
      () => s.loadAt(ROOT_OID, MAX_TID),
      () => s.lastTransaction(),
      () => s.newOid(),
      () => s.history(1),
    ];
    for (const use of uses) {
      expect(use).toThrow(StorageError);
      expect(use).toThrow(s.name);
    }
    await expect(s.tpcBegin(txnMeta())).rejects.toThrow(StorageError);
  });
}

/** Defines the "synchronization" area. */
export function defineSynchronizationTests(ctx: AreaContext): void {
  it('refuses a second tpcBegin of the transaction being committed', async () => {
    const s = ctx.storage();
    const meta = txnMeta();
    await s.tpcBegin(meta);
    await expect(s.tpcBegin(meta)).rejects.toThrow(StorageTransactionError);
    await s.tpcAbort(meta);
  });

  it('refuses store, vote and finish outside a commit', async () => {
    const s = ctx.storage();
    const meta = txnMeta();
    expect(() => s.store(s.newOid(), ZERO_TID, record(1), meta)).toThrow(StorageTransactionError);
    await expect(s.tpcVote(meta)).rejects.toThrow(StorageTransactionError);
    await expect(s.tpcFinish(meta)).rejects.toThrow(StorageTransactionError);
  });

  it('refuses store, vote and finish with a transaction other than the one begun', async () => {
    const s = ctx.storage();
    const meta = txnMeta();
    const other = txnMeta();
    await s.tpcBegin(meta);
    expect(() => s.store(s.newOid(), ZERO_TID, record(1), other)).toThrow(StorageTransactionError);
    await expect(s.tpcVote(other)).rejects.toThrow(StorageTransactionError);
    await s.tpcVote(meta);
    await expect(s.tpcFinish(other)).rejects.toThrow(StorageTransactionError);
    await s.tpcFinish(meta);
  });

  it('ignores tpcAbort outside a commit or with a foreign transaction', async () => {
    const s = ctx.storage();
    await s.tpcAbort(txnMeta());
    const meta = txnMeta();
    await s.tpcBegin(meta);
    const oid = s.newOid();
    s.store(oid, ZERO_TID, record('still here'), meta);
    await s.tpcAbort(txnMeta());
    await s.tpcVote(meta);
    await s.tpcFinish(meta);
    expect(valueAt(s, oid)).toBe('still here');
  });

  it('accepts tpcBegin followed by tpcAbort as a complete cycle', async () => {
    const s = ctx.storage();
    for (let i = 0; i < 3; i++) {
      const meta = txnMeta();
      await s.tpcBegin(meta);
      await s.tpcAbort(meta);
    }
    expect(s.lastTransaction()).toBe(ZERO_TID);
  });
}
