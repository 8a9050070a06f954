/**
 * Conformance areas "readOnly" (ZODB's ReadOnlyStorage) and "durability"
 * (PersistentStorage: data survives close and reopen). Both need the
 * factory's `openReadOnly`/`reopen`.
 */

import { expect, it } from 'vitest';
import { ReadOnlyError } from '../../src/errors.js';
import { MAX_TID, ZERO_TID } from '../../src/ids.js';
import type { DataRecord, Storage } from '../../src/storage/interfaces.js';
import { isUndoStorage } from '../../src/storage/interfaces.js';
import { commit, createObjects, record, testReferences, txnMeta } from './conformance-support.js';
import type { AreaContext } from './conformance-support.js';

/** Commits a few objects with two revisions each; returns what loads must give. */
async function populate(s: Storage): Promise<Map<number, { serial: bigint; data: Uint8Array }>> {
  const { oids } = await createObjects(s, [record('a'), record('b'), record('c')]);
  await commit(s, [{ oid: oids[0]!, data: record('a2') }]);
  const expected = new Map<number, { serial: bigint; data: Uint8Array }>();
  for (const oid of oids) {
    const loaded = s.loadAt(oid, MAX_TID);
    if (loaded?.data == null) throw new Error('populate: object not stored');
    expected.set(oid, { serial: loaded.serial, data: loaded.data });
  }
  return expected;
}

/** The data and serial of a load, without any other fields a storage may add. */
function pick(loaded: DataRecord | null): { data: Uint8Array | null; serial: bigint } | null {
  return loaded === null ? null : { data: loaded.data, serial: loaded.serial };
}

/** Defines the "readOnly" area. */
export function defineReadOnlyTests(ctx: AreaContext): void {
  it('reads committed data and refuses every write with ReadOnlyError', async () => {
    const s = ctx.storage();
    const expected = await populate(s);
    const last = s.lastTransaction();
    await s.close();
    const readOnly = ctx.track(await ctx.factory.openReadOnly!(s));
    expect(readOnly.isReadOnly()).toBe(true);
    expect(readOnly.lastTransaction()).toBe(last);
    for (const [oid, { serial, data }] of expected) {
      expect(pick(readOnly.loadAt(oid, MAX_TID))).toEqual({ data, serial });
      expect(readOnly.loadSerial(oid, serial)).toEqual(data);
    }
    const meta = txnMeta();
    expect(() => readOnly.newOid()).toThrow(ReadOnlyError);
    await expect(readOnly.tpcBegin(meta)).rejects.toThrow(ReadOnlyError);
    expect(() => readOnly.store(1, ZERO_TID, record('x'), meta)).toThrow(ReadOnlyError);
    await expect(readOnly.pack(last, testReferences)).rejects.toThrow(ReadOnlyError);
    if (isUndoStorage(readOnly)) {
      await expect(readOnly.undo(readOnly.undoLog()[0]?.id ?? 'x', meta)).rejects.toThrow(
        ReadOnlyError,
      );
    }
  });
}

/** Defines the "durability" area. */
export function defineDurabilityTests(ctx: AreaContext): void {
  it('after close and reopen, every object loads with the same data and serial', async () => {
    const s = ctx.storage();
    const expected = await populate(s);
    const last = s.lastTransaction();
    await s.close();
    const reopened = ctx.track(await ctx.factory.reopen!(s));
    expect(reopened.lastTransaction()).toBe(last);
    for (const [oid, { serial, data }] of expected) {
      expect(pick(reopened.loadAt(oid, MAX_TID))).toEqual({ data, serial });
    }
    const fresh = reopened.newOid();
    expect(expected.has(fresh)).toBe(false);
    const tid = await commit(reopened, [{ oid: fresh, data: record('new'), serial: ZERO_TID }]);
    expect(tid > last).toBe(true);
  });
}
