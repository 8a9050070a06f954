/**
 * Conformance areas "iterator" (ZODB's IteratorStorage and
 * ExtendedIteratorStorage) and "recordIterator"
 * (IStorageCurrentRecordIteration).
 */

import { expect, it } from 'vitest';
import { MAX_TID, ZERO_TID } from '../../src/ids.js';
import type { Tid } from '../../src/ids.js';
import {
  isDeletingStorage,
  isIteratorStorage,
  isRecordIteratorStorage,
} from '../../src/storage/interfaces.js';
import type { IteratorStorage, TransactionRecord } from '../../src/storage/interfaces.js';
import {
  commit,
  createObjects,
  record,
  requireCapability,
  txnMeta,
  valueOf,
} from './conformance-support.js';
import type { AreaContext } from './conformance-support.js';

/** Commits `count` transactions, each writing a new revision of `oid` (and returns their tids). */
async function history(s: IteratorStorage, count: number): Promise<{ oid: number; tids: Tid[] }> {
  const oid = s.newOid();
  const tids: Tid[] = [];
  for (let i = 0; i < count; i++) {
    const meta = txnMeta(`txn ${i}`, `user ${i}`, { index: i, nested: { list: [i, 'x'] } });
    tids.push(await commit(s, [{ oid, data: record(i), serial: tids.at(-1) ?? ZERO_TID }], meta));
  }
  return { oid, tids };
}

function tidsOf(transactions: Iterable<TransactionRecord>): Tid[] {
  return [...transactions].map((t) => t.tid);
}

/** Defines the "iterator" area. */
export function defineIteratorTests(ctx: AreaContext): void {
  const storage = (): IteratorStorage => requireCapability(ctx.storage(), isIteratorStorage);

  it('yields every transaction in tid order with its records and metadata', async () => {
    const s = storage();
    const { oid, tids } = await history(s, 4);
    const transactions = [...s.iterator()];
    expect(transactions.map((t) => t.tid)).toEqual(tids);
    transactions.forEach((t, i) => {
      expect(t.user).toBe(`user ${i}`);
      expect(t.description).toBe(`txn ${i}`);
      expect(t.extension).toEqual({ index: i, nested: { list: [i, 'x'] } });
      expect(t.status).toBe(' ');
      const records = [...t.records];
      expect(records.map((r) => [r.oid, r.tid, valueOf(r.data)])).toEqual([[oid, t.tid, i]]);
    });
  });

  it('lists the records of a transaction in store order', async () => {
    const s = storage();
    const { oids, tid } = await createObjects(s, [record('a'), record('b'), record('c')]);
    const [transaction] = [...s.iterator(tid, tid)];
    expect([...(transaction?.records ?? [])].map((r) => r.oid)).toEqual(oids);
  });

  it('has data equal to what loads return for the same tid', async () => {
    const s = storage();
    const { oid } = await history(s, 3);
    const current = s.loadAt(oid, MAX_TID);
    const found = [...s.iterator()]
      .flatMap((t) => [...t.records])
      .find((r) => r.tid === current?.serial);
    expect(found?.data).toEqual(current?.data);
  });

  it('treats start and stop as inclusive bounds, also between existing tids', async () => {
    const s = storage();
    const { tids } = await history(s, 5);
    const [t0, t1, t2, t3, t4] = tids as [Tid, Tid, Tid, Tid, Tid];
    expect(tidsOf(s.iterator(t1, t3))).toEqual([t1, t2, t3]);
    expect(tidsOf(s.iterator(t1 + 1n, t3 - 1n))).toEqual([t2]);
    expect(tidsOf(s.iterator(t3))).toEqual([t3, t4]);
    expect(tidsOf(s.iterator(undefined, t1))).toEqual([t0, t1]);
    expect(tidsOf(s.iterator(t2, t2))).toEqual([t2]);
    expect(tidsOf(s.iterator(t3, t1))).toEqual([]);
  });

  it('is a snapshot: transactions committed after it was created are not returned', async () => {
    const s = storage();
    const { oid, tids } = await history(s, 2);
    const iterator = s.iterator();
    await commit(s, [{ oid, data: record('later') }]);
    expect(tidsOf(iterator)).toEqual(tids);
  });

  it('does not fail, nor show the transaction, while a commit is voted but not finished', async () => {
    const s = storage();
    const { oid, tids } = await history(s, 2);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    s.store(oid, tids[1]!, record('pending'), meta);
    await s.tpcVote(meta);
    expect(tidsOf(s.iterator())).toEqual(tids);
    await s.tpcFinish(meta);
    expect(tidsOf(s.iterator())).toHaveLength(3);
  });
}

/** Defines the "recordIterator" area. */
export function defineRecordIteratorTests(ctx: AreaContext): void {
  it('yields every current object once, in oid order, with its serial and data', async () => {
    const s = requireCapability(ctx.storage(), isRecordIteratorStorage);
    const { oids } = await createObjects(s, [record('a'), record('b'), record('c')]);
    const tid = await commit(s, [{ oid: oids[1]!, data: record('b2') }]);
    const records = [...s.recordIterator()];
    expect(records.map((r) => r.oid)).toEqual([...oids].sort((a, b) => a - b));
    const b = records.find((r) => r.oid === oids[1]);
    expect(b?.serial).toBe(tid);
    expect(valueOf(b?.data)).toBe('b2');
  });

  it('leaves out deleted objects', async (test) => {
    const s = requireCapability(ctx.storage(), isRecordIteratorStorage);
    if (!isDeletingStorage(s)) {
      test.skip('storage is not a DeletingStorage');
      return;
    }
    const { oids, tid } = await createObjects(s, [record('a'), record('b')]);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    s.deleteObject(oids[0]!, tid, meta);
    await s.tpcVote(meta);
    await s.tpcFinish(meta);
    expect([...s.recordIterator()].map((r) => r.oid)).toEqual([oids[1]]);
  });

  it('can be iterated again after being consumed, when obtained again', async () => {
    const s = requireCapability(ctx.storage(), isRecordIteratorStorage);
    await createObjects(s, [record('a'), record('b')]);
    expect([...s.recordIterator()]).toHaveLength(2);
    expect([...s.recordIterator()]).toHaveLength(2);
  });
}
