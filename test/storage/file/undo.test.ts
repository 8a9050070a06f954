/**
 * FileStorage undo beyond the shared suite: undo writes back pointers, not
 * copies; the undone state can come back when a later state equals it;
 * failures name the objects; undo records stay readable after reopen.
 */

import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { UndoError } from '../../../src/errors.js';
import { MultipleUndoErrors } from '../../../src/errors.js';
import { MAX_TID, ROOT_OID, ZERO_TID } from '../../../src/ids.js';
import type { Oid, Tid } from '../../../src/ids.js';
import { DATA_HEADER_BYTES, FileStorage } from '../../../src/storage/file/index.js';
import { commit, record, txnMeta, valueAt } from '../conformance-support.js';
import { useTempDataPaths } from './temp-files.js';

const freshPath = useTempDataPaths('fs-undo');

async function undo(s: FileStorage, tid: Tid): Promise<{ tid: Tid; oids: Oid[] }> {
  const meta = txnMeta('undo');
  await s.tpcBegin(meta);
  try {
    const entry = s.undoLog(0, 100).find((e) => e.tid === tid)!;
    const oids = await s.undo(entry.id, meta);
    await s.tpcVote(meta);
    return { tid: await s.tpcFinish(meta), oids };
  } catch (error) {
    await s.tpcAbort(meta);
    throw error;
  }
}

describe('FileStorage undo', () => {
  it('writes a back pointer per object (no data copied), readable after reopen', async () => {
    const path = freshPath();
    let s = new FileStorage(path);
    const big = record('x'.repeat(5000));
    const first = await commit(s, [{ oid: ROOT_OID, data: big, serial: ZERO_TID }]);
    const second = await commit(s, [{ oid: ROOT_OID, data: record('small') }]);
    const size = fs.statSync(path).size;
    const { tid } = await undo(s, second);
    const growth = fs.statSync(path).size - size;
    expect(growth).toBeLessThan(DATA_HEADER_BYTES + 8 + 100);
    await s.close();
    s = new FileStorage(path);
    expect(s.loadAt(ROOT_OID, MAX_TID)).toEqual({ data: big, serial: tid });
    const [undoTransaction] = [...s.iterator(tid)];
    expect([...undoTransaction!.records]).toEqual([
      { oid: ROOT_OID, tid, data: big, dataTxn: first },
    ]);
    expect(s.history(ROOT_OID, 3).map((h) => [h.tid, h.size])).toEqual([
      [tid, big.length],
      [second, record('small').length],
      [first, big.length],
    ]);
    await s.close();
  });

  it('undoes a change whose later overwrite holds the same data', async () => {
    const s = new FileStorage(freshPath());
    await commit(s, [{ oid: ROOT_OID, data: record('a'), serial: ZERO_TID }]);
    const toUndo = await commit(s, [{ oid: ROOT_OID, data: record('b') }]);
    await commit(s, [{ oid: ROOT_OID, data: record('b') }]);
    await undo(s, toUndo);
    expect(valueAt(s, ROOT_OID)).toBe('a');
    await s.close();
  });

  it('names every object in the way when several cannot be undone', async () => {
    const s = new FileStorage(freshPath());
    const [a, b] = [s.newOid(), s.newOid()];
    await commit(s, [
      { oid: a, data: record('a1'), serial: ZERO_TID },
      { oid: b, data: record('b1'), serial: ZERO_TID },
    ]);
    const both = await commit(s, [
      { oid: a, data: record('a2') },
      { oid: b, data: record('b2') },
    ]);
    await commit(s, [
      { oid: a, data: record('a3') },
      { oid: b, data: record('b3') },
    ]);
    const error = await undo(s, both).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MultipleUndoErrors);
    expect([...(error as UndoError).oids].sort()).toEqual([a, b]);
    expect(valueAt(s, a)).toBe('a3');
    await s.close();
  });

  it('undoes a creation into a deletion: loads see no object, loadBefore reports POSKeyError', async () => {
    const s = new FileStorage(freshPath());
    const oid = s.newOid();
    const created = await commit(s, [{ oid, data: record('new'), serial: ZERO_TID }]);
    const { tid } = await undo(s, created);
    expect(s.loadAt(oid, MAX_TID)).toEqual({ data: null, serial: tid });
    expect(() => s.loadBefore(oid, MAX_TID)).toThrow(/deleted/);
    expect(s.objectCount()).toBe(0);
    expect(valueAt(s, oid, created)).toBe('new');
    await s.close();
  });
});
