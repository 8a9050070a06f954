/**
 * Conformance area "conflicts" (ZODB's ConflictResolvingStorage, at the
 * storage level): a store with a stale serial goes through the registered
 * database's `tryToResolveConflict`; what it cannot merge is a ConflictError.
 */

import { expect, it } from 'vitest';
import { ConflictError } from '../../src/errors.js';
import { MAX_TID, ZERO_TID } from '../../src/ids.js';
import type { Oid, Tid } from '../../src/ids.js';
import type { Storage } from '../../src/storage/interfaces.js';
import {
  RecordingDB,
  commit,
  counter,
  expectCommitFailure,
  record,
  txnMeta,
  valueAt,
} from './conformance-support.js';
import type { AreaContext } from './conformance-support.js';

/** An object with one committed revision; returns its oid and serial. */
async function committed(s: Storage, data: Uint8Array): Promise<{ oid: Oid; serial: Tid }> {
  const oid = s.newOid();
  const serial = await commit(s, [{ oid, data, serial: ZERO_TID }]);
  return { oid, serial };
}

/** Defines the "conflicts" area. */
export function defineConflictTests(ctx: AreaContext): void {
  it('resolves a conflicting store through the database and reports the oid at vote', async () => {
    const s = ctx.storage();
    const db = new RecordingDB(s);
    s.registerDB(db);
    const { oid, serial } = await committed(s, counter(1));
    await commit(s, [{ oid, data: counter(2), serial }]); // another writer added 1
    const meta = txnMeta();
    await s.tpcBegin(meta);
    s.store(oid, serial, counter(4), meta); // this writer adds 3 to what it read
    const resolved = await s.tpcVote(meta);
    const tid = await s.tpcFinish(meta);
    expect(resolved).toContain(oid);
    expect(db.resolutionAttempts).toBeGreaterThan(0);
    expect(valueAt(s, oid)).toBe(5);
    expect(s.loadAt(oid, MAX_TID)?.serial).toBe(tid);
    expect(db.invalidations.at(-1)).toEqual({ tid, oids: [oid] });
  });

  it('raises ConflictError with the oid and serials when the database cannot merge', async () => {
    const s = ctx.storage();
    s.registerDB(new RecordingDB(s));
    const { oid, serial } = await committed(s, record('v1'));
    const current = await commit(s, [{ oid, data: record('v2'), serial }]);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    const error = await expectCommitFailure(
      s,
      meta,
      () => s.store(oid, serial, record('mine'), meta),
      ConflictError,
    );
    expect(error.oid).toBe(oid);
    expect(error.serials).toEqual([current, serial]);
    expect(valueAt(s, oid)).toBe('v2');
    await commit(s, [{ oid, data: record('v3') }]);
    expect(valueAt(s, oid)).toBe('v3');
  });

  it('raises ConflictError for a conflicting store when no database is registered', async () => {
    const s = ctx.storage();
    const { oid, serial } = await committed(s, counter(1));
    await commit(s, [{ oid, data: counter(2), serial }]);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    const error = await expectCommitFailure(
      s,
      meta,
      () => s.store(oid, serial, counter(3), meta),
      ConflictError,
    );
    expect(error.oid).toBe(oid);
    expect(valueAt(s, oid)).toBe(2);
  });

  it('raises ConflictError when a new object is stored over one that exists', async () => {
    const s = ctx.storage();
    s.registerDB(new RecordingDB(s));
    const { oid } = await committed(s, counter(1));
    const meta = txnMeta();
    await s.tpcBegin(meta);
    await expectCommitFailure(
      s,
      meta,
      () => s.store(oid, ZERO_TID, counter(5), meta),
      ConflictError,
    );
    expect(valueAt(s, oid)).toBe(1);
  });

  it('resolves conflicts of several objects in one transaction and reports each', async () => {
    const s = ctx.storage();
    s.registerDB(new RecordingDB(s));
    const a = await committed(s, counter(10));
    const b = await committed(s, counter(20));
    await commit(s, [
      { oid: a.oid, data: counter(11), serial: a.serial },
      { oid: b.oid, data: counter(21), serial: b.serial },
    ]);
    const meta = txnMeta();
    await s.tpcBegin(meta);
    s.store(a.oid, a.serial, counter(15), meta);
    s.store(b.oid, b.serial, counter(25), meta);
    const resolved = await s.tpcVote(meta);
    await s.tpcFinish(meta);
    expect([...resolved].sort((x, y) => x - y)).toEqual([a.oid, b.oid].sort((x, y) => x - y));
    expect([valueAt(s, a.oid), valueAt(s, b.oid)]).toEqual([16, 26]);
  });
}
