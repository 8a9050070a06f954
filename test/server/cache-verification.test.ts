import { describe, expect, it } from 'vitest';
import { RecentInvalidations } from '../../src/server/recent-invalidations.js';
import { bytes, commit, tidOf } from './support/raw-client.js';
import { startTestServer } from './support/test-server.js';

describe('cache verification at register', () => {
  it('keeps a cache that knows the last transaction, with nothing missed', async () => {
    const t = await startTestServer();
    const a = await t.client();
    const tid = await commit(a, 1, [[1, 0n, bytes(1)]]);
    const reply = await (await t.connect()).register({ lastTid: tid });
    expect([reply.cache, reply.missed]).toEqual(['kept', []]);
    await t.close();
  });

  it('keeps a cache within the queue and lists the later transactions in commit order', async () => {
    const t = await startTestServer();
    const a = await t.client();
    const t1 = await commit(a, 1, [[1, 0n, bytes(1)]]);
    const t2 = await commit(a, 2, [[2, 0n, bytes(2)]]);
    const t3 = await commit(a, 3, [
      [1, t1, bytes(3)],
      [3, 0n, bytes(3)],
    ]);
    const reply = await (await t.connect()).register({ lastTid: t1 });
    expect(reply.cache).toBe('kept');
    expect(
      reply.missed.map(([tid, oids]: [Uint8Array, number[]]) => [tidOf(tid), [...oids].sort()]),
    ).toEqual([
      [t2, [2]],
      [t3, [1, 3]],
    ]);
    await t.close();
  });

  it('drops a cache older than the queue, a tid the server does not know, and a cold cache', async () => {
    const t = await startTestServer({ invalidationQueueSize: 2 });
    const a = await t.client();
    const t1 = await commit(a, 1, [[1, 0n, bytes(1)]]);
    const t2 = await commit(a, 2, [[1, t1, bytes(2)]]);
    const t3 = await commit(a, 3, [[1, t2, bytes(3)]]);
    // Tids come from the clock in milliseconds (the last tid + 1 within one): leave a gap after t3.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const t4 = await commit(a, 4, [[1, t3, bytes(4)]]);
    expect(t4 - t3).toBeGreaterThan(1n);
    expect((await (await t.connect()).register({ lastTid: t1 })).cache).toBe('dropped');
    expect((await (await t.connect()).register({ lastTid: t2 })).cache).toBe('kept');
    expect((await (await t.connect()).register({ lastTid: t3 + 1n })).cache).toBe('dropped');
    expect((await (await t.connect()).register({ lastTid: t4 + 1n })).cache).toBe('dropped');
    expect((await (await t.connect()).register({ lastTid: null })).cache).toBe('dropped');
    await t.close();
  });
});

describe('the recent-invalidation queue', () => {
  it('covers everything after the last tid it started from', () => {
    const queue = new RecentInvalidations(10n, 3);
    queue.add(11n, [1]);
    expect(queue.verify(10n, 11n)).toEqual({ cache: 'kept', missed: [[11n, [1]]] });
    expect(queue.verify(9n, 11n).cache).toBe('dropped');
  });

  it('forgets the oldest transactions past its capacity', () => {
    const queue = new RecentInvalidations(0n, 2);
    for (let tid = 1n; tid <= 5n; tid++) queue.add(tid, [Number(tid)]);
    expect(queue.size).toBe(2);
    expect(queue.verify(3n, 5n)).toEqual({
      cache: 'kept',
      missed: [
        [4n, [4]],
        [5n, [5]],
      ],
    });
    expect(queue.verify(2n, 5n).cache).toBe('dropped');
  });
});
