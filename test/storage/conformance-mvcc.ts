/**
 * Conformance area "mvcc" (ZODB's RevisionStorage and MVCC behaviours):
 * reads of past revisions with `loadAt`, `loadBefore` and `loadSerial`, and
 * the invalidation callback.
 */

import { expect, it } from 'vitest';
import { POSKeyError } from '../../src/errors.js';
import { MAX_TID, ZERO_TID } from '../../src/ids.js';
import type { Tid } from '../../src/ids.js';
import { RecordingDB, commit, createObjects, record, valueOf } from './conformance-support.js';
import type { AreaContext } from './conformance-support.js';
import type { Storage } from '../../src/storage/interfaces.js';

/** Commits `count` revisions (values 0..count-1) of a new object; returns its oid and their tids. */
async function revisions(s: Storage, count: number): Promise<{ oid: number; tids: Tid[] }> {
  const oid = s.newOid();
  const tids: Tid[] = [];
  for (let i = 0; i < count; i++) {
    tids.push(await commit(s, [{ oid, data: record(i), serial: tids.at(-1) ?? ZERO_TID }]));
  }
  return { oid, tids };
}

/** Defines the "mvcc" area. */
export function defineMvccTests(ctx: AreaContext): void {
  it('loadSerial returns the exact data of every revision', async () => {
    const s = ctx.storage();
    const { oid, tids } = await revisions(s, 7);
    tids.forEach((tid, i) => expect(valueOf(s.loadSerial(oid, tid))).toBe(i));
  });

  it('loadSerial throws POSKeyError for an unknown oid or a serial with no revision', async () => {
    const s = ctx.storage();
    const { oid, tids } = await revisions(s, 2);
    expect(() => s.loadSerial(oid, tids[1]! + 1n)).toThrow(POSKeyError);
    expect(() => s.loadSerial(oid + 1000, tids[0]!)).toThrow(POSKeyError);
  });

  it('loadAt returns the revision current at any tid, and null before the creation', async () => {
    const s = ctx.storage();
    const { oid, tids } = await revisions(s, 4);
    expect(s.loadAt(oid, tids[0]! - 1n)).toBeNull();
    tids.forEach((tid, i) => {
      const exact = s.loadAt(oid, tid);
      expect(exact?.serial).toBe(tid);
      expect(valueOf(exact?.data)).toBe(i);
      const between = s.loadAt(oid, (tids[i + 1] ?? MAX_TID) - 1n);
      expect(between?.serial).toBe(tid);
    });
  });

  it('loadBefore between two revisions returns the earlier one and the serial that replaced it', async () => {
    const s = ctx.storage();
    const { oid, tids } = await revisions(s, 7);
    for (let i = 1; i < tids.length; i++) {
      const result = s.loadBefore(oid, tids[i]!);
      expect(result).not.toBeNull();
      expect(valueOf(result?.data)).toBe(i - 1);
      expect(result?.serial).toBe(tids[i - 1]);
      expect(result?.nextSerial).toBe(tids[i]);
    }
  });

  it('loadBefore a very old revision among many still finds it', async () => {
    const s = ctx.storage();
    const { oid, tids } = await revisions(s, 50);
    const result = s.loadBefore(oid, tids[12]!);
    expect(valueOf(result?.data)).toBe(11);
    expect(result?.nextSerial).toBe(tids[12]);
  });

  it('loadBefore edge cases: unknown oid, before the creation, after the only revision', async () => {
    const s = ctx.storage();
    expect(() => s.loadBefore(42, MAX_TID)).toThrow(POSKeyError);
    const { oid, tids } = await revisions(s, 1);
    const [tid1] = tids as [Tid];
    expect(s.loadBefore(oid, ZERO_TID)).toBeNull();
    expect(s.loadBefore(oid, tid1)).toBeNull();
    const only = s.loadBefore(oid, tid1 + 1n);
    expect(valueOf(only?.data)).toBe(0);
    expect(only?.serial).toBe(tid1);
    expect(only?.nextSerial).toBeNull();
    const tid2 = await commit(s, [{ oid, data: record(1), serial: tid1 }]);
    expect(s.loadBefore(oid, tid1 + 1n)?.nextSerial).toBe(tid2);
    expect(s.loadBefore(oid, MAX_TID)?.serial).toBe(tid2);
  });

  it('loadBefore the creation tid of an object returns null even when others existed earlier', async () => {
    const s = ctx.storage();
    await createObjects(s, [record('earlier')]);
    const { oids, tid } = await createObjects(s, [record('later')]);
    expect(s.loadBefore(oids[0]!, tid)).toBeNull();
  });

  it('calls db.invalidate once per commit, in order, with the oids written', async () => {
    const s = ctx.storage();
    const db = new RecordingDB(s);
    s.registerDB(db);
    const { oids, tid: first } = await createObjects(s, [record('a'), record('b')]);
    const second = await commit(s, [{ oid: oids[1]!, data: record('b2') }]);
    expect(db.invalidations.map((i) => i.tid)).toEqual([first, second]);
    expect([...db.invalidations[0]!.oids].sort()).toEqual([...oids].sort());
    expect(db.invalidations[1]!.oids).toEqual([oids[1]]);
  });

  it('has already invalidated a tid by the time lastTransaction reports it', async () => {
    const s = ctx.storage();
    const seen: { tid: Tid; invalidated: boolean }[] = [];
    const db = new RecordingDB(s);
    s.registerDB(db);
    const oid = s.newOid();
    const meta = { user: '', description: 'watched', extension: {} };
    await s.tpcBegin(meta);
    s.store(oid, ZERO_TID, record(1), meta);
    await s.tpcVote(meta);
    const before = s.lastTransaction();
    const finishing = s.tpcFinish(meta);
    // Whenever lastTransaction moves, the invalidation for it must be there.
    const probe = (): void => {
      const last = s.lastTransaction();
      seen.push({ tid: last, invalidated: db.invalidations.some((i) => i.tid === last) });
    };
    probe();
    const tid = await finishing;
    probe();
    for (const entry of seen) {
      if (entry.tid !== before) expect(entry.invalidated).toBe(true);
    }
    expect(s.lastTransaction()).toBe(tid);
  });
}
