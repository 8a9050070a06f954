/** Conformance area "undo" (ZODB's TransactionalUndoStorage), for UndoStorages. */

import { expect, it } from 'vitest';
import { POSKeyError, StorageTransactionError, UndoError } from '../../src/errors.js';
import { MAX_TID, ZERO_TID } from '../../src/ids.js';
import type { Oid, Tid } from '../../src/ids.js';
import { isIteratorStorage, isUndoStorage } from '../../src/storage/interfaces.js';
import type { UndoStorage } from '../../src/storage/interfaces.js';
import {
  RecordingDB,
  commit,
  counter,
  createObjects,
  expectCommitFailure,
  record,
  requireCapability,
  testReferences,
  txnMeta,
  valueAt,
} from './conformance-support.js';
import type { AreaContext } from './conformance-support.js';

/** Undoes the transactions `ids` in one transaction; returns its tid and the oids undo and vote reported. */
async function undo(s: UndoStorage, ...ids: string[]): Promise<{ tid: Tid; oids: Oid[] }> {
  const meta = txnMeta(`undo ${ids.join(', ')}`);
  await s.tpcBegin(meta);
  try {
    const oids = new Set<Oid>();
    for (const id of ids) for (const oid of await s.undo(id, meta)) oids.add(oid);
    for (const oid of await s.tpcVote(meta)) oids.add(oid);
    const tid = await s.tpcFinish(meta);
    return { tid, oids: [...oids].sort((a, b) => a - b) };
  } catch (error) {
    await s.tpcAbort(meta);
    throw error;
  }
}

/** The undo id of the transaction `tid`. */
function idOf(s: UndoStorage, tid: Tid): string {
  const entry = s.undoLog(0, 1000).find((e) => e.tid === tid);
  if (entry === undefined) throw new Error(`transaction ${tid} is not in the undo log`);
  return entry.id;
}

/** Defines the "undo" area. */
export function defineUndoTests(ctx: AreaContext): void {
  const storage = (): UndoStorage => requireCapability(ctx.storage(), isUndoStorage);

  it('undoes the latest change, then an earlier one, restoring the values before them', async () => {
    const s = storage();
    const oid = s.newOid();
    const t1 = await commit(s, [{ oid, data: record(1), serial: ZERO_TID }]);
    const t2 = await commit(s, [{ oid, data: record(2) }]);
    const t3 = await commit(s, [{ oid, data: record(3) }]);
    expect(s.undoLog()[0]?.tid).toBe(t3);
    const first = await undo(s, idOf(s, t3));
    expect(first.oids).toEqual([oid]);
    expect(valueAt(s, oid)).toBe(2);
    expect(s.loadAt(oid, MAX_TID)?.serial).toBe(first.tid);
    await undo(s, idOf(s, t2));
    expect(valueAt(s, oid)).toBe(1);
    expect(valueAt(s, oid, t1)).toBe(1);
  });

  it('undoing a creation deletes the object, and undoing that undo brings it back', async () => {
    const s = storage();
    const { oids, tid } = await createObjects(s, [record('born')]);
    const oid = oids[0]!;
    const undone = await undo(s, idOf(s, tid));
    expect(s.loadAt(oid, MAX_TID)?.data).toBeNull();
    expect(() => s.loadBefore(oid, MAX_TID)).toThrow(POSKeyError);
    expect(() => s.loadSerial(oid, undone.tid)).toThrow(POSKeyError);
    await undo(s, idOf(s, undone.tid));
    expect(valueAt(s, oid)).toBe('born');
  });

  it('undoes every object of a transaction', async () => {
    const s = storage();
    const { oids } = await createObjects(s, [record('a1'), record('b1')]);
    const [a, b] = oids as [Oid, Oid];
    const tid = await commit(s, [
      { oid: a, data: record('a2') },
      { oid: b, data: record('b2') },
    ]);
    expect((await undo(s, idOf(s, tid))).oids).toEqual([a, b].sort((x, y) => x - y));
    expect([valueAt(s, a), valueAt(s, b)]).toEqual(['a1', 'b1']);
  });

  it('undoes two transactions in one, and that undo can be undone (redo)', async () => {
    const s = storage();
    const { oids } = await createObjects(s, [record('a1'), record('b1')]);
    const [a, b] = oids as [Oid, Oid];
    const ta = await commit(s, [{ oid: a, data: record('a2') }]);
    const tb = await commit(s, [{ oid: b, data: record('b2') }]);
    const both = await undo(s, idOf(s, tb), idOf(s, ta));
    expect([valueAt(s, a), valueAt(s, b)]).toEqual(['a1', 'b1']);
    await undo(s, idOf(s, both.tid));
    expect([valueAt(s, a), valueAt(s, b)]).toEqual(['a2', 'b2']);
  });

  it('undoes the same object twice in one undo transaction', async () => {
    const s = storage();
    const oid = s.newOid();
    await commit(s, [{ oid, data: record(1), serial: ZERO_TID }]);
    const t2 = await commit(s, [{ oid, data: record(2) }]);
    const t3 = await commit(s, [{ oid, data: record(3) }]);
    await undo(s, idOf(s, t3), idOf(s, t2));
    expect(valueAt(s, oid)).toBe(1);
  });

  it('refuses with UndoError to undo a change that a later transaction overwrote', async () => {
    const s = storage();
    const oid = s.newOid();
    await commit(s, [{ oid, data: record(1), serial: ZERO_TID }]);
    const t2 = await commit(s, [{ oid, data: record(2) }]);
    await commit(s, [{ oid, data: record(3) }]);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    const error = await expectCommitFailure(
      s,
      meta,
      () => s.undo(idOf(s, t2), meta).then(() => {}),
      UndoError,
    );
    expect(error.oids).toContain(oid);
    expect(valueAt(s, oid)).toBe(3);
    await commit(s, [{ oid, data: record(4) }]);
    expect(valueAt(s, oid)).toBe(4);
  });

  it('merges an undo with later changes through conflict resolution', async () => {
    const s = storage();
    s.registerDB(new RecordingDB(s));
    const oid = s.newOid();
    await commit(s, [{ oid, data: counter(1), serial: ZERO_TID }]);
    const add2 = await commit(s, [{ oid, data: counter(3) }]);
    await commit(s, [{ oid, data: counter(6) }]);
    await undo(s, idOf(s, add2));
    expect(valueAt(s, oid)).toBe(4);
  });

  it('refuses to undo an unknown transaction id, or inside a foreign transaction', async () => {
    const s = storage();
    const { tid } = await createObjects(s, [record('x')]);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    await expect(s.undo('not an id', meta)).rejects.toThrow(UndoError);
    await expect(s.undo(idOf(s, tid), txnMeta())).rejects.toThrow(StorageTransactionError);
    await s.tpcAbort(meta);
  });

  it('lists undoable transactions newest first with their metadata and size', async () => {
    const s = storage();
    const oid = s.newOid();
    const data = record('payload');
    const tid = await commit(
      s,
      [{ oid, data, serial: ZERO_TID }],
      txnMeta('the note', 'carol', { reason: 'test' }),
    );
    const [entry] = s.undoLog();
    expect(entry?.tid).toBe(tid);
    expect(entry?.description).toBe('the note');
    expect(entry?.user).toBe('carol');
    expect(entry?.extension).toEqual({ reason: 'test' });
    expect(entry?.size).toBeGreaterThanOrEqual(data.length);
    expect(typeof entry?.id).toBe('string');
    expect(entry?.time).toBeInstanceOf(Date);
  });

  it('slices the undo log as ZODB does: first..last-1, negative last is a count', async () => {
    const s = storage();
    const oid = s.newOid();
    const tids: Tid[] = [];
    for (let i = 0; i < 6; i++) {
      tids.push(
        await commit(
          s,
          [{ oid, data: record(i), serial: tids.at(-1) ?? ZERO_TID }],
          txnMeta(`d${i}`),
        ),
      );
    }
    const newestFirst = [...tids].reverse();
    expect(s.undoLog().map((e) => e.tid)).toEqual(newestFirst);
    expect(s.undoLog(0, 2).map((e) => e.tid)).toEqual(newestFirst.slice(0, 2));
    expect(s.undoLog(1, 3).map((e) => e.tid)).toEqual(newestFirst.slice(1, 3));
    expect(s.undoLog(2, -3).map((e) => e.tid)).toEqual(newestFirst.slice(2, 5));
    const even = s.undoLog(0, 20, (e) => Number(e.description.slice(1)) % 2 === 0);
    expect(even.map((e) => e.description)).toEqual(['d4', 'd2', 'd0']);
    expect(s.undoInfo(0, 20, { description: 'd3' }).map((e) => e.tid)).toEqual([tids[3]]);
  });

  it('records undo revisions whose dataTxn names a transaction holding the same data', async (test) => {
    const s = storage();
    if (!isIteratorStorage(s)) {
      test.skip('storage is not an IteratorStorage');
      return;
    }
    const oid = s.newOid();
    await commit(s, [{ oid, data: record(1), serial: ZERO_TID }]);
    const t2 = await commit(s, [{ oid, data: record(2) }]);
    const undone = await undo(s, idOf(s, t2));
    const [transaction] = [...s.iterator(undone.tid, undone.tid)];
    const [written] = [...(transaction?.records ?? [])];
    expect(written?.oid).toBe(oid);
    expect(written?.dataTxn).toBeDefined();
    expect(s.loadSerial(oid, written!.dataTxn!)).toEqual(written?.data);
  });

  it('after pack, lists only transactions newer than the pack time and can still undo them', async () => {
    const s = storage();
    const root = 0;
    await commit(s, [{ oid: root, data: record('r1'), serial: ZERO_TID }]);
    const packTime = await commit(s, [{ oid: root, data: record('r2') }]);
    const later = await commit(s, [{ oid: root, data: record('r3') }]);
    await s.pack(packTime, testReferences);
    expect(s.undoLog().map((e) => e.tid)).toEqual([later]);
    await undo(s, idOf(s, later));
    expect(valueAt(s, root)).toBe('r2');
  });
}
