/**
 * Conformance area "concurrency" (ZODB's MTStorage and the commit-lock
 * rules): one commit at a time, waiters served first-come first-served,
 * tids ordered by commit, concurrent committers all land.
 */

import { expect, it } from 'vitest';
import { StorageError } from '../../src/errors.js';
import { MAX_TID, ZERO_TID } from '../../src/ids.js';
import type { Oid, Tid } from '../../src/ids.js';
import type { Storage, TransactionMetaData } from '../../src/storage/interfaces.js';
import { commit, record, settle, txnMeta, valueOf } from './conformance-support.js';
import type { AreaContext } from './conformance-support.js';

/** Starts `tpcBegin(meta)` and reports, through `begun`, when it has returned. */
function beginLater(
  s: Storage,
  meta: TransactionMetaData,
  begun: string[],
  name: string,
): Promise<void> {
  return s.tpcBegin(meta).then(() => {
    begun.push(name);
  });
}

/** Defines the "concurrency" area. */
export function defineConcurrencyTests(ctx: AreaContext): void {
  it('makes a second tpcBegin wait until the first transaction finishes', async () => {
    const s = ctx.storage();
    const [first, second] = [txnMeta('first'), txnMeta('second')];
    const begun: string[] = [];
    await s.tpcBegin(first);
    const waiting = beginLater(s, second, begun, 'second');
    await settle();
    expect(begun).toEqual([]);
    const oid = s.newOid();
    s.store(oid, ZERO_TID, record('first'), first);
    await s.tpcVote(first);
    await settle();
    expect(begun).toEqual([]);
    await s.tpcFinish(first);
    await waiting;
    expect(begun).toEqual(['second']);
    await s.tpcAbort(second);
  });

  it('makes a second tpcBegin wait until the first transaction aborts', async () => {
    const s = ctx.storage();
    const [first, second] = [txnMeta('first'), txnMeta('second')];
    const begun: string[] = [];
    await s.tpcBegin(first);
    const waiting = beginLater(s, second, begun, 'second');
    await settle();
    expect(begun).toEqual([]);
    await s.tpcAbort(first);
    await waiting;
    expect(begun).toEqual(['second']);
    await s.tpcAbort(second);
  });

  it('serves waiting transactions in the order they called tpcBegin', async () => {
    const s = ctx.storage();
    const holder = txnMeta('holder');
    await s.tpcBegin(holder);
    const begun: string[] = [];
    const names = ['a', 'b', 'c', 'd'];
    const metas = names.map((n) => txnMeta(n));
    const waiting = names.map((name, i) =>
      beginLater(s, metas[i]!, begun, name).then(async () => {
        await settle();
        await s.tpcAbort(metas[i]!);
      }),
    );
    await settle();
    await s.tpcAbort(holder);
    await Promise.all(waiting);
    expect(begun).toEqual(names);
  });

  it('gives a transaction that begins after another voted a later tid', async () => {
    const s = ctx.storage();
    const [first, second] = [txnMeta('first'), txnMeta('second')];
    const [a, b] = [s.newOid(), s.newOid()];
    await s.tpcBegin(first);
    s.store(a, ZERO_TID, record('a'), first);
    await s.tpcVote(first);
    const secondDone = (async (): Promise<Tid> => {
      await s.tpcBegin(second);
      s.store(b, ZERO_TID, record('b'), second);
      await s.tpcVote(second);
      return s.tpcFinish(second);
    })();
    const firstTid = await s.tpcFinish(first);
    const secondTid = await secondDone;
    expect(secondTid > firstTid).toBe(true);
    expect(s.lastTransaction()).toBe(secondTid);
  });

  it('lands every commit of several concurrent committers with its recorded tid and data', async () => {
    const s = ctx.storage();
    const workers = 5;
    const commitsEach = 8;
    const results = await Promise.all(
      Array.from({ length: workers }, async (_, worker) => {
        const oid: Oid = s.newOid();
        let serial: Tid = ZERO_TID;
        for (let i = 0; i < commitsEach; i++) {
          serial = await commit(s, [{ oid, data: record(`${worker}:${i}`), serial }]);
          await settle();
        }
        return { oid, serial, worker };
      }),
    );
    for (const { oid, serial, worker } of results) {
      const loaded = s.loadAt(oid, MAX_TID);
      expect(loaded?.serial).toBe(serial);
      expect(valueOf(loaded?.data)).toBe(`${worker}:${commitsEach - 1}`);
    }
    expect(new Set(results.map((r) => r.serial)).size).toBe(workers);
  });

  it('fails a tpcBegin still waiting for the lock with a StorageError when the storage closes', async () => {
    const s = await ctx.make();
    const holder = txnMeta('holder');
    await s.tpcBegin(holder);
    const waiting = s.tpcBegin(txnMeta('waiter'));
    await settle();
    await s.close();
    await expect(waiting).rejects.toThrow(StorageError);
  });
}
