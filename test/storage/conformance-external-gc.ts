/** Conformance area "externalGC" (ZODB's IExternalGC.test), for DeletingStorages. */

import { expect, it } from 'vitest';
import { ConflictError, POSKeyError } from '../../src/errors.js';
import { MAX_TID, ROOT_OID, ZERO_TID } from '../../src/ids.js';
import type { Oid, Tid } from '../../src/ids.js';
import { isDeletingStorage } from '../../src/storage/interfaces.js';
import type { DeletingStorage } from '../../src/storage/interfaces.js';
import {
  commit,
  expectCommitFailure,
  record,
  requireCapability,
  testReferences,
  txnMeta,
  valueOf,
} from './conformance-support.js';
import type { AreaContext } from './conformance-support.js';

/** Deletes `oid` (current serial `serial`) in its own transaction; returns the tid. */
async function deleteInTransaction(s: DeletingStorage, oid: Oid, serial: Tid): Promise<Tid> {
  const meta = txnMeta(`delete ${oid}`);
  await s.tpcBegin(meta);
  try {
    s.deleteObject(oid, serial, meta);
    await s.tpcVote(meta);
    return await s.tpcFinish(meta);
  } catch (error) {
    await s.tpcAbort(meta);
    throw error;
  }
}

/** A root and one object (not referenced by the root) with two revisions. */
async function victim(s: DeletingStorage): Promise<{ oid: Oid; tids: Tid[] }> {
  const oid = s.newOid();
  const t1 = await commit(s, [
    { oid: ROOT_OID, data: record('root'), serial: ZERO_TID },
    { oid, data: record('v1'), serial: ZERO_TID },
  ]);
  const t2 = await commit(s, [{ oid, data: record('v2'), serial: t1 }]);
  return { oid, tids: [t1, t2] };
}

/** Defines the "externalGC" area. */
export function defineExternalGCTests(ctx: AreaContext): void {
  const storage = (): DeletingStorage => requireCapability(ctx.storage(), isDeletingStorage);

  it('after a committed delete, current loads see a deletion and older revisions still load', async () => {
    const s = storage();
    const { oid, tids } = await victim(s);
    const deleted = await deleteInTransaction(s, oid, tids[1]!);
    expect(s.lastTransaction()).toBe(deleted);
    const current = s.loadAt(oid, MAX_TID);
    expect(current?.data).toBeNull();
    expect(current?.serial).toBe(deleted);
    expect(() => s.loadBefore(oid, MAX_TID)).toThrow(POSKeyError);
    const before = s.loadBefore(oid, deleted);
    expect(valueOf(before?.data)).toBe('v2');
    expect(before?.nextSerial).toBe(deleted);
    expect(s.history(oid)[0]?.size).toBe(0);
  });

  it('after a pack past the delete, the object is gone entirely', async () => {
    const s = storage();
    const { oid, tids } = await victim(s);
    const count = s.objectCount();
    await deleteInTransaction(s, oid, tids[1]!);
    await s.pack(s.lastTransaction(), testReferences);
    expect(s.objectCount()).toBe(count - 1);
    expect(s.loadAt(oid, MAX_TID)).toBeNull();
    for (const tid of tids) expect(() => s.loadSerial(oid, tid)).toThrow(POSKeyError);
    expect(() => s.loadBefore(oid, MAX_TID)).toThrow(POSKeyError);
  });

  it('a pack past the delete removes the object even while another object still refers to it', async () => {
    const s = storage();
    const oid = s.newOid();
    const t1 = await commit(s, [
      { oid: ROOT_OID, data: record('root', [oid]), serial: ZERO_TID },
      { oid, data: record('referenced'), serial: ZERO_TID },
    ]);
    await deleteInTransaction(s, oid, t1);
    await s.pack(s.lastTransaction(), testReferences);
    expect(s.loadAt(oid, MAX_TID)).toBeNull();
    expect(() => s.loadSerial(oid, t1)).toThrow(POSKeyError);
    expect(s.objectCount()).toBe(1);
  });

  it('refuses with ConflictError to delete with a serial that is not current', async () => {
    const s = storage();
    const { oid, tids } = await victim(s);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    const error = await expectCommitFailure(
      s,
      meta,
      () => s.deleteObject(oid, tids[0]!, meta),
      ConflictError,
    );
    expect(error.oid).toBe(oid);
    expect(valueOf(s.loadAt(oid, MAX_TID)?.data)).toBe('v2');
  });
}
