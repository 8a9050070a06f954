/**
 * FileStorage pack beyond the shared suite: the .pack/.old files, commits
 * during a pack, objects linked again during a pack, data that later undo
 * records point to, failures (a full disk), and iterators over the old file.
 */

import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StorageError, StorageSystemError, UndoError } from '../../../src/errors.js';
import { MAX_TID, ROOT_OID, ZERO_TID } from '../../../src/ids.js';
import type { Oid, Tid } from '../../../src/ids.js';
import { FileStorage } from '../../../src/storage/file/index.js';
import {
  RecordingDB,
  commit,
  record,
  testReferences,
  txnMeta,
  valueAt,
} from '../conformance-support.js';
import { failWritesTo } from './fault-injection.js';
import { useTempDataPaths } from './temp-files.js';

const freshPath = useTempDataPaths('fs-pack');

/** Root -> kept; `garbage` unreachable after the last commit. Several revisions each. */
async function garden(s: FileStorage): Promise<{ kept: Oid; garbage: Oid; tids: Tid[] }> {
  const kept = s.newOid();
  const garbage = s.newOid();
  const tids = [
    await commit(s, [
      { oid: ROOT_OID, data: record('root 1', [kept, garbage]), serial: ZERO_TID },
      { oid: kept, data: record('kept 1'), serial: ZERO_TID },
      { oid: garbage, data: record('garbage 1'), serial: ZERO_TID },
    ]),
    await commit(s, [{ oid: kept, data: record('kept 2') }]),
    await commit(s, [{ oid: ROOT_OID, data: record('root 2', [kept]) }]),
  ];
  return { kept, garbage, tids };
}

function undoMeta(): { user: string; description: string; extension: Record<string, unknown> } {
  return txnMeta('undo');
}

describe('FileStorage pack', () => {
  it('keeps the previous file as Data.fs.old with packKeepOld (the default) and not without', async () => {
    const keepPath = freshPath();
    const keep = new FileStorage(keepPath);
    await garden(keep);
    const before = fs.readFileSync(keepPath);
    await keep.pack(keep.lastTransaction(), testReferences);
    expect(fs.readFileSync(`${keepPath}.old`)).toEqual(before);
    expect(fs.statSync(keepPath).size).toBeLessThan(before.length);
    expect(fs.existsSync(`${keepPath}.pack`)).toBe(false);
    await keep.close();

    const dropPath = freshPath();
    const drop = new FileStorage(dropPath, { packKeepOld: false });
    await garden(drop);
    await drop.pack(drop.lastTransaction(), testReferences);
    expect(fs.existsSync(`${dropPath}.old`)).toBe(false);
    await drop.close();
  });

  it('writes packed transactions with status p, passing the structural check', async () => {
    const s = new FileStorage(freshPath());
    const { tids, kept } = await garden(s);
    await commit(s, [{ oid: kept, data: record('kept 3') }]);
    await s.pack(tids[2]!, testReferences);
    const statuses = [...s.iterator()].map((t) => [t.tid, t.status]);
    // The first transaction is gone: its records were all replaced or unreachable at the pack time.
    expect(statuses).toEqual([
      [tids[1], 'p'],
      [tids[2], 'p'],
      [s.lastTransaction(), ' '],
    ]);
    expect([...s.check()]).toEqual([]);
    expect(valueAt(s, kept, tids[2])).toBe('kept 2');
    await s.close();
  });

  it('with packGc: false (or options.gc false) keeps unreachable objects', async () => {
    const s = new FileStorage(freshPath(), { packGc: false });
    const { garbage, kept } = await garden(s);
    await s.pack(s.lastTransaction(), testReferences);
    expect(valueAt(s, garbage)).toBe('garbage 1');
    await s.pack(s.lastTransaction(), testReferences, { gc: true });
    expect(s.loadAt(garbage, MAX_TID)).toBeNull();
    expect(valueAt(s, kept)).toBe('kept 2');
    await s.close();
  });

  it('lets commits run while it packs', async () => {
    const s = new FileStorage(freshPath());
    const { kept } = await garden(s);
    const big = new Uint8Array(200_000).fill(1);
    const blobs = Array.from({ length: 40 }, () => s.newOid());
    await commit(s, [
      { oid: ROOT_OID, data: record('root 3', [kept, ...blobs]) },
      ...blobs.map((oid) => ({ oid, data: big, serial: ZERO_TID })),
    ]);
    const events: string[] = [];
    const packing = s.pack(s.lastTransaction(), () => []).then(() => events.push('pack done'));
    const committed = commit(s, [{ oid: kept, data: record('during pack') }]).then(() =>
      events.push('commit done'),
    );
    await Promise.all([packing, committed]);
    expect(events).toEqual(['commit done', 'pack done']);
    expect(valueAt(s, kept)).toBe('during pack');
    await s.close();
  });

  it('never removes an object that a transaction committed during the pack links again', async () => {
    const s = new FileStorage(freshPath());
    const { garbage, kept } = await garden(s);
    const other = s.newOid();
    await commit(s, [{ oid: other, data: record('truly garbage'), serial: ZERO_TID }]);
    const packTime = s.lastTransaction();
    const packing = s.pack(packTime, testReferences);
    // Committed after the pack read the file: links the unreachable object again.
    await commit(s, [{ oid: ROOT_OID, data: record('root 3', [kept, garbage]) }]);
    await packing;
    expect(valueAt(s, garbage)).toBe('garbage 1');
    expect(s.loadAt(other, MAX_TID)).toBeNull();
    expect([...s.check()]).toEqual([]);
    await s.close();
  });

  it('keeps old data that an undo committed after the pack time points to', async () => {
    const s = new FileStorage(freshPath());
    s.registerDB(new RecordingDB(s));
    const { kept, tids } = await garden(s);
    const meta = undoMeta();
    await s.tpcBegin(meta);
    await s.undo(s.undoLog().find((e) => e.tid === tids[1])!.id, meta);
    await s.tpcVote(meta);
    const undoTid = await s.tpcFinish(meta);
    await s.pack(tids[2]!, testReferences);
    expect(valueAt(s, kept)).toBe('kept 1');
    expect(valueAt(s, kept, tids[2])).toBe('kept 2');
    const undoRecord = [...[...s.iterator(undoTid)][0]!.records][0]!;
    expect(undoRecord.dataTxn).toBe(tids[0]);
    expect([...s.check()]).toEqual([]);
    await s.close();
  });

  it('refuses undo of packed transactions, and undo while a pack runs', async () => {
    const s = new FileStorage(freshPath());
    const { tids } = await garden(s);
    const oldId = s.undoLog().find((e) => e.tid === tids[1])!.id;
    const packing = s.pack(tids[2]!, testReferences);
    expect(() => s.undoLog()).toThrow(UndoError);
    await expect(s.pack(tids[2]!, testReferences)).rejects.toThrow(StorageError);
    await packing;
    expect(s.undoLog()).toEqual([]);
    const meta = undoMeta();
    await s.tpcBegin(meta);
    await expect(s.undo(oldId, meta)).rejects.toThrow(UndoError);
    await s.tpcAbort(meta);
    await s.close();
  });

  it('on a full disk, fails with StorageSystemError, removes Data.fs.pack and leaves the storage as it was', async () => {
    const path = freshPath();
    const s = new FileStorage(path);
    const { garbage } = await garden(s);
    const before = fs.readFileSync(path);
    const restore = failWritesTo((p) => p.endsWith('.pack'));
    try {
      await expect(s.pack(s.lastTransaction(), testReferences)).rejects.toThrow(StorageSystemError);
    } finally {
      restore();
    }
    expect(fs.existsSync(`${path}.pack`)).toBe(false);
    expect(fs.readFileSync(path)).toEqual(before);
    expect(valueAt(s, garbage)).toBe('garbage 1');
    await commit(s, [{ oid: ROOT_OID, data: record('after failure') }]);
    await s.pack(s.lastTransaction(), testReferences);
    expect(s.loadAt(garbage, MAX_TID)).toBeNull();
    await s.close();
  });

  it('lets an iterator made before the pack finish on the old file', async () => {
    const s = new FileStorage(freshPath(), { packKeepOld: false });
    const { tids } = await garden(s);
    const iterator = s.iterator()[Symbol.iterator]();
    const first = iterator.next();
    await s.pack(s.lastTransaction(), testReferences);
    const rest = [];
    for (let r = iterator.next(); r.done !== true; r = iterator.next()) rest.push(r.value.tid);
    expect([first.value?.tid, ...rest]).toEqual(tids);
    await s.close();
  });

  it('does nothing when packed again to the same time', async () => {
    const path = freshPath();
    const s = new FileStorage(path);
    await garden(s);
    await s.pack(s.lastTransaction(), testReferences);
    const once = fs.readFileSync(path);
    await s.pack(s.lastTransaction(), testReferences);
    expect(fs.readFileSync(path)).toEqual(once);
    await s.close();
  });

  it('a read-only storage on the same file follows a pack with sync(), invalidating its cache', async () => {
    const path = freshPath();
    const writer = new FileStorage(path, { packKeepOld: false });
    const { kept, garbage } = await garden(writer);
    const reader = new FileStorage(path, { readOnly: true });
    const db = new RecordingDB(reader);
    reader.registerDB(db);
    await writer.pack(writer.lastTransaction(), testReferences);
    expect(valueAt(reader, garbage)).toBe('garbage 1'); // still the old file
    expect(reader.sync()).toBe(writer.lastTransaction());
    expect(db.cacheInvalidations).toBe(1);
    expect(reader.loadAt(garbage, MAX_TID)).toBeNull();
    expect(valueAt(reader, kept)).toBe('kept 2');
    const tid = await commit(writer, [{ oid: kept, data: record('kept 3') }]);
    expect(reader.sync()).toBe(tid);
    expect(db.invalidations.map((i) => i.tid)).toEqual([tid]);
    expect(valueAt(reader, kept)).toBe('kept 3');
    await Promise.all([reader.close(), writer.close()]);
  });
});
