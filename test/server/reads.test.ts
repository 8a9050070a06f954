import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { POSKeyError } from '../../src/errors.js';
import { encodeRecord } from '../../src/serialize/record-encoder.js';
import { FileStorage } from '../../src/storage/file/file-storage.js';
import { MappingStorage } from '../../src/storage/mapping/mapping-storage.js';
import { bytes, commit, META, tidOf } from './support/raw-client.js';
import { startTestServer } from './support/test-server.js';

class Ref {
  constructor(readonly oid: number) {}
}

/** A real record of class app.Node referring to `refs`. */
function node(name: string, refs: number[]): Uint8Array {
  return encodeRecord(
    'app.Node',
    { name, children: refs.map((oid) => new Ref(oid)) },
    {
      persistentRef: (v) => (v instanceof Ref ? { oid: v.oid, className: 'app.Node' } : undefined),
    },
  );
}

function rev(value: any): [number, number[] | null, bigint, bigint | null] {
  return [
    value[0],
    value[1] === null ? null : [...value[1]],
    tidOf(value[2]),
    value[3] === null ? null : tidOf(value[3]),
  ];
}

describe('load', () => {
  it('returns the revision current at the snapshot with the serial that replaced it', async () => {
    const t = await startTestServer();
    const client = await t.client();
    const t1 = await commit(client, 1, [[1, 0n, bytes(1)]]);
    const t2 = await commit(client, 2, [[1, t1, bytes(2)]]);
    const t3 = await commit(client, 3, [[2, 0n, bytes(9)]]);
    const old = await client.request('load', [1, t1, 0]);
    expect(rev(old.rec)).toEqual([1, [1], t1, t2]);
    const current = await client.request('load', [1, t3, 0]);
    expect(rev(current.rec)).toEqual([1, [2], t2, null]);
    expect(await client.request('load', [2, t2, 0])).toEqual({ rec: null, more: [] });
    expect(await client.request('load', [77, t3, 0])).toEqual({ rec: null, more: [] });
    await t.close();
  });

  it('computes end the same way on a FileStorage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zodb-server-fs-'));
    const t = await startTestServer({}, new FileStorage(join(dir, 'Data.fs')));
    const client = await t.client();
    const t1 = await commit(client, 1, [[1, 0n, bytes(1)]]);
    const t2 = await commit(client, 2, [[1, t1, bytes(2)]]);
    const t3 = await commit(client, 3, [[1, t2, bytes(3)]]);
    expect(rev((await client.request('load', [1, t1, 0])).rec)).toEqual([1, [1], t1, t2]);
    expect(rev((await client.request('load', [1, t2, 0])).rec)).toEqual([1, [2], t2, t3]);
    expect(rev((await client.request('load', [1, t3, 0])).rec)).toEqual([1, [3], t3, null]);
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends a deletion revision at the serial of the revision that replaced it', async () => {
    const t = await startTestServer();
    const client = await t.client();
    const t1 = await commit(client, 1, [[1, 0n, bytes(1)]]);
    client.notify('tpcBegin', [2, META, null]);
    client.notify('deleteObject', [2, 1, t1]);
    await client.request('vote', [2]);
    const t2 = tidOf(await client.request('tpcFinish', [2]));
    const t3 = await commit(client, 3, [[1, t2, bytes(3)]]);
    expect(rev((await client.request('load', [1, t2, 0])).rec)).toEqual([1, null, t2, t3]);
    await t.close();
  });

  it('adds the revisions of referenced objects, in reference order, up to the count asked', async () => {
    const t = await startTestServer();
    const client = await t.client();
    const tid = await commit(client, 1, [
      [0, 0n, node('root', [3, 1, 2, 99])],
      [1, 0n, node('a', [])],
      [2, 0n, node('b', [])],
      [3, 0n, node('c', [0])],
    ]);
    const all = await client.request('load', [0, tid, 10]);
    expect(all.more.map((r: any) => r[0])).toEqual([3, 1, 2]);
    expect(all.more.every((r: any) => tidOf(r[2]) === tid && r[3] === null)).toBe(true);
    const two = await client.request('load', [0, tid, 2]);
    expect(two.more.map((r: any) => r[0])).toEqual([3, 1]);
    expect((await client.request('load', [0, tid, 0])).more).toEqual([]);
    await t.close();
  });

  it('adds no neighbours for data that is not a record', async () => {
    const t = await startTestServer();
    const client = await t.client();
    const tid = await commit(client, 1, [[0, 0n, bytes(1, 2, 3)]]);
    expect((await client.request('load', [0, tid, 5])).more).toEqual([]);
    await t.close();
  });
});

describe('other reads', () => {
  it('prefetch returns the existing objects at the snapshot', async () => {
    const t = await startTestServer();
    const client = await t.client();
    const t1 = await commit(client, 1, [
      [1, 0n, bytes(1)],
      [2, 0n, bytes(2)],
    ]);
    const revs = await client.request('prefetch', [[2, 1, 5, 2], t1]);
    expect(revs.map(rev)).toEqual([
      [2, [2], t1, null],
      [1, [1], t1, null],
    ]);
    await t.close();
  });

  it('loadBefore, loadSerial and history answer as the storage does', async () => {
    const t = await startTestServer();
    const client = await t.client();
    const t1 = await commit(client, 1, [[1, 0n, bytes(1)]]);
    const t2 = await commit(client, 2, [[1, t1, bytes(2, 2)]]);
    const before = await client.request('loadBefore', [1, t2]);
    expect([[...before[0]], tidOf(before[1]), tidOf(before[2])]).toEqual([[1], t1, t2]);
    expect(await client.request('loadBefore', [1, t1])).toBeNull();
    expect([...(await client.request('loadSerial', [1, t2]))]).toEqual([2, 2]);
    await expect(client.request('loadSerial', [1, 5n])).rejects.toBeInstanceOf(POSKeyError);
    const history = await client.request('history', [1, 10]);
    expect(history.map((h: any) => [tidOf(h.tid), h.size, h.user])).toEqual([
      [t2, 2, 'tester'],
      [t1, 1, 'tester'],
    ]);
    const missing = await client.request('history', [42, 1]).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(POSKeyError);
    expect((missing as POSKeyError).oid).toBe(42);
    await t.close();
  });

  it('newOids, info, ping and undoLog report the storage', async () => {
    const t = await startTestServer();
    const client = await t.client();
    const oids = await client.request('newOids', [3]);
    expect(oids).toHaveLength(3);
    expect(new Set(oids).size).toBe(3);
    const tid = await commit(client, 1, [[oids[0], 0n, bytes(1, 2)]]);
    const info = await client.request('info', []);
    expect({ ...info, lastTid: tidOf(info.lastTid) }).toEqual({
      lastTid: tid,
      size: 2,
      objectCount: 1,
    });
    expect(tidOf(await client.request('ping', []))).toBe(tid);
    const log = await client.request('undoLog', [0, 10]);
    expect(log.map((e: any) => [tidOf(e.tid), e.description])).toEqual([[tid, 'test']]);
    await t.close();
  });

  it('iterates transactions in batches bounded by maxBytes and closes at the end', async () => {
    const t = await startTestServer();
    const client = await t.client();
    const tids = [];
    for (let i = 1; i <= 5; i++)
      tids.push(await commit(client, i, [[i, 0n, new Uint8Array(100).fill(i)]]));
    const id = await client.request('iterStart', [tids[1], tids[3]]);
    const first = await client.request('iterNext', [id, 1]);
    expect(first.done).toBe(false);
    expect(first.txns.map((x: any) => tidOf(x.tid))).toEqual([tids[1]]);
    expect(first.txns[0].records[0][0]).toBe(2);
    const rest = await client.request('iterNext', [id, 1 << 20]);
    expect(rest.txns.map((x: any) => tidOf(x.tid))).toEqual([tids[2], tids[3]]);
    expect(rest.done).toBe(true);
    await expect(client.request('iterNext', [id, 10])).rejects.toThrow(/no open iterator/);
    await t.close();
  });

  it('lists current records in oid order, continuing after the last oid', async () => {
    const t = await startTestServer();
    const client = await t.client();
    await commit(
      client,
      1,
      [3, 1, 2, 5].map((oid) => [oid, 0n, bytes(oid)] as [number, bigint, Uint8Array]),
    );
    const first = await client.request('records', [null, 3]);
    expect(first.recs.map((r: any) => r[0])).toEqual([1, 2, 3]);
    expect(first.done).toBe(false);
    const second = await client.request('records', [3, 3]);
    expect(second.recs.map((r: any) => r[0])).toEqual([5]);
    expect(second.done).toBe(true);
    const fresh = await client.request('records', [1, 10]);
    expect(fresh.recs.map((r: any) => r[0])).toEqual([2, 3, 5]);
    await t.close();
  });
});

describe('blobs', () => {
  it('are received in chunks, committed, and read back by range', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zodb-server-blobs-'));
    const t = await startTestServer({}, new MappingStorage({ blobDir: dir }));
    const client = await t.client();
    const content = Buffer.alloc(3000);
    for (let i = 0; i < content.length; i++) content[i] = i % 251;
    client.notify('tpcBegin', [1, META, null]);
    client.notify('blobChunk', [1, 7, content.subarray(0, 1000)]);
    client.notify('blobChunk', [1, 7, content.subarray(1000)]);
    client.notify('storeBlob', [1, 1, 0n, bytes(1), 7]);
    await client.request('vote', [1]);
    const tid = tidOf(await client.request('tpcFinish', [1]));
    expect(await client.request('blobSize', [1, tid])).toBe(3000);
    const middle = await client.request('blobRead', [1, tid, 500, 1000]);
    expect(Buffer.from(middle).equals(content.subarray(500, 1500))).toBe(true);
    const tail = await client.request('blobRead', [1, tid, 2900, 1000]);
    expect(tail.length).toBe(100);
    await expect(client.request('blobSize', [1, 1n])).rejects.toBeInstanceOf(POSKeyError);
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
