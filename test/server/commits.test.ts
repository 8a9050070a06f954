import { describe, expect, it } from 'vitest';
import { StorageTransactionError } from '../../src/errors.js';
import { bytes, commit, META, type RawClient, tidOf } from './support/raw-client.js';
import { startTestServer } from './support/test-server.js';

function begin(client: RawClient, txnId: number, stores: [number, bigint, Uint8Array][]): void {
  client.notify('tpcBegin', [txnId, META, null]);
  for (const [oid, serial, data] of stores) client.notify('store', [txnId, oid, serial, data]);
}

/** Resolves once the server has processed everything `client` sent so far. */
async function roundTrip(client: RawClient): Promise<void> {
  await client.request('info', []);
}

describe('a commit', () => {
  it('stores the records, replies with the tid, and tells every other client', async () => {
    const t = await startTestServer();
    const [a, b, c] = [await t.client(), await t.client(), await t.client()];
    const tid = await commit(a, 1, [
      [1, 0n, bytes(1)],
      [2, 0n, bytes(2)],
    ]);
    expect(t.storage.lastTransaction()).toBe(tid);
    for (const other of [b, c]) {
      await other.until(() => other.notifications('invalidate').length === 1);
      const [[wireTid, oids]] = other.notifications('invalidate') as [[Uint8Array, number[]]];
      expect(tidOf(wireTid)).toBe(tid);
      expect([...oids].sort()).toEqual([1, 2]);
    }
    expect(a.notifications('invalidate')).toEqual([]);
    await t.close();
  });

  it('reaches each of 3 committing clients as tids in strictly increasing order', async () => {
    const t = await startTestServer();
    const clients = [await t.client(), await t.client(), await t.client()];
    const serials = new Map<number, bigint>();
    await Promise.all(
      clients.map(async (client, index) => {
        for (let round = 0; round < 8; round++) {
          const oid = 10 * (index + 1) + round;
          serials.set(oid, await commit(client, round + 1, [[oid, 0n, bytes(index, round)]]));
        }
      }),
    );
    const all = [...serials.values()].sort((x, y) => (x < y ? -1 : 1));
    for (const client of clients) {
      await client.until(() => client.notifications('invalidate').length === 16);
      const seen = client.frames
        .filter(
          (f) =>
            (f[0] === 3 && f[1] === 'invalidate') || (f[0] === 1 && f[2] instanceof Uint8Array),
        )
        .map((f) => tidOf(f[0] === 3 ? (f[2] as unknown[])[0] : f[2]));
      expect(seen).toEqual(all);
    }
    await t.close();
  });

  it('that is aborted leaves nothing and releases the lock', async () => {
    const t = await startTestServer();
    const a = await t.client();
    begin(a, 1, [[1, 0n, bytes(1)]]);
    expect(await a.request('vote', [1])).toEqual({ conflicts: [], resolved: [] });
    expect(await a.request('tpcAbort', [1])).toBeNull();
    expect(t.storage.lastTransaction()).toBe(0n);
    const b = await t.client();
    await expect(commit(b, 1, [[1, 0n, bytes(2)]])).resolves.toBeGreaterThan(0n);
    await t.close();
  });

  it('naming a transaction that was not begun fails at vote', async () => {
    const t = await startTestServer();
    const a = await t.client();
    a.notify('store', [9, 1, 0n, bytes(1)]);
    await expect(a.request('vote', [9])).rejects.toBeInstanceOf(StorageTransactionError);
    await expect(a.request('vote', [10])).rejects.toThrow(/no transaction 10/);
    await t.close();
  });
});

describe('conflicts', () => {
  it('are reported by vote with the committed data while the lock stays held', async () => {
    const t = await startTestServer();
    const [a, b, c] = [await t.client(), await t.client(), await t.client()];
    const t1 = await commit(a, 1, [[1, 0n, bytes(1)]]);
    const t2 = await commit(a, 2, [[1, t1, bytes(2)]]);
    begin(b, 1, [[1, t1, bytes(3)]]);
    const vote = await b.request('vote', [1]);
    expect(vote.conflicts).toHaveLength(1);
    const [conflict] = vote.conflicts;
    expect([
      conflict.oid,
      tidOf(conflict.oldSerial),
      tidOf(conflict.committedSerial),
      conflict.kind,
    ]).toEqual([1, t1, t2, 'write']);
    expect([...conflict.committedData]).toEqual([2]);

    const order: string[] = [];
    begin(c, 1, [[5, 0n, bytes(5)]]);
    const cVote = c.request('vote', [1]).then(() => order.push('c voted'));
    await roundTrip(c);
    await b.request('tpcAbort', [1]).then(() => order.push('b aborted'));
    await cVote;
    expect(order).toEqual(['b aborted', 'c voted']);
    await t.close();
  });

  it('resolved by the client are stored as resolved after a second vote', async () => {
    const t = await startTestServer();
    const [a, b] = [await t.client(), await t.client()];
    const t1 = await commit(a, 1, [[1, 0n, bytes(1)]]);
    const t2 = await commit(a, 2, [[1, t1, bytes(2)]]);
    begin(b, 1, [[1, t1, bytes(3)]]);
    expect((await b.request('vote', [1])).conflicts).toHaveLength(1);
    b.notify('resolve', [1, [[1, t2, bytes(2, 3)]]]);
    expect(await b.request('vote', [1])).toEqual({ conflicts: [], resolved: [] });
    const t3 = tidOf(await b.request('tpcFinish', [1]));
    const stored = t.storage.loadAt(1, t3)!;
    expect([stored.serial, [...stored.data!]]).toEqual([t3, [2, 3]]);
    await t.close();
  });

  it('of a readCurrent check are read conflicts', async () => {
    const t = await startTestServer();
    const [a, b] = [await t.client(), await t.client()];
    const t1 = await commit(a, 1, [
      [1, 0n, bytes(1)],
      [2, 0n, bytes(1)],
    ]);
    const t2 = await commit(a, 2, [[1, t1, bytes(2)]]);
    b.notify('tpcBegin', [1, META, null]);
    b.notify('checkCurrent', [1, 1, t1]);
    b.notify('store', [1, 2, t1, bytes(9)]);
    const vote = await b.request('vote', [1]);
    expect(
      vote.conflicts.map((c: any) => [c.oid, c.kind, tidOf(c.committedSerial), c.committedData]),
    ).toEqual([[1, 'read', t2, null]]);
    await b.request('tpcAbort', [1]);
    expect(t.storage.lastTransaction()).toBe(t2);
    await t.close();
  });

  it('a resolve sent without a conflict reply fails the vote, which releases the lock', async () => {
    const t = await startTestServer();
    const a = await t.client();
    const t1 = await commit(a, 1, [[1, 0n, bytes(1)]]);
    begin(a, 2, [[1, t1, bytes(2)]]);
    a.notify('resolve', [2, [[1, t1, bytes(3)]]]);
    await expect(a.request('vote', [2])).rejects.toBeInstanceOf(StorageTransactionError);
    await expect(commit(a, 3, [[1, t1, bytes(4)]])).resolves.toBeGreaterThan(t1);
    await t.close();
  });
});

describe('the commit lock', () => {
  it('is released when a client disconnects mid-commit, and the next voter proceeds', async () => {
    const t = await startTestServer();
    const [a, b] = [await t.client(), await t.client()];
    begin(a, 1, [[1, 0n, bytes(1)]]);
    await a.request('vote', [1]);
    begin(b, 1, [[2, 0n, bytes(2)]]);
    const bVote = b.request('vote', [1]);
    await roundTrip(b);
    a.socket.destroy();
    await expect(bVote).resolves.toEqual({ conflicts: [], resolved: [] });
    const tid = tidOf(await b.request('tpcFinish', [1]));
    expect(t.storage.loadAt(1, tid)).toBeNull();
    expect(t.log.entries.some((e) => e.message === 'client disconnected')).toBe(true);
    await t.close();
  });

  it('is granted to waiting voters in the order they voted', async () => {
    const t = await startTestServer();
    const [a, b, c] = [await t.client(), await t.client(), await t.client()];
    begin(a, 1, [[1, 0n, bytes(1)]]);
    await a.request('vote', [1]);
    const order: string[] = [];
    begin(b, 1, [[2, 0n, bytes(2)]]);
    const bDone = b.request('vote', [1]).then(async () => {
      order.push('b');
      await b.request('tpcFinish', [1]);
    });
    await roundTrip(b);
    begin(c, 1, [[3, 0n, bytes(3)]]);
    const cDone = c.request('vote', [1]).then(async () => {
      order.push('c');
      await c.request('tpcFinish', [1]);
    });
    await roundTrip(c);
    await a.request('tpcFinish', [1]);
    await Promise.all([bDone, cDone]);
    expect(order).toEqual(['b', 'c']);
    await t.close();
  });

  it('held past the transaction timeout is taken back: the transaction is aborted and its client disconnected', async () => {
    const t = await startTestServer({ transactionTimeoutMs: 100 });
    const [a, b] = [await t.client(), await t.client()];
    begin(a, 1, [[1, 0n, bytes(1)]]);
    await a.request('vote', [1]);
    begin(b, 1, [[2, 0n, bytes(2)]]);
    const bVote = b.request('vote', [1]);
    await a.closed;
    await expect(bVote).resolves.toEqual({ conflicts: [], resolved: [] });
    expect(t.log.entries.some((e) => e.message.includes('timed out'))).toBe(true);
    await t.close();
  });
});

describe('undo and pack', () => {
  it('undo takes the lock, and the undone state is committed at finish', async () => {
    const t = await startTestServer();
    const a = await t.client();
    const t1 = await commit(a, 1, [[1, 0n, bytes(1)]]);
    await commit(a, 2, [[1, t1, bytes(2)]]);
    const [latest] = await a.request('undoLog', [0, 1]);
    a.notify('tpcBegin', [3, META, null]);
    expect(await a.request('undo', [3, latest.id])).toEqual([1]);
    await a.request('vote', [3]);
    const t3 = tidOf(await a.request('tpcFinish', [3]));
    expect([...t.storage.loadAt(1, t3)!.data!]).toEqual([1]);
    await t.close();
  });

  it('pack runs on the server', async () => {
    const t = await startTestServer();
    const a = await t.client();
    const t1 = await commit(a, 1, [[0, 0n, bytes(1)]]);
    const t2 = await commit(a, 2, [[0, t1, bytes(2)]]);
    expect(await a.request('pack', [t2, { gc: false }])).toBeNull();
    expect(t.storage.loadAt(0, t1)).toBeNull();
    await t.close();
  });
});
