/**
 * copyTransactionsFrom: any IteratorStorage into any RestoreStorage, with
 * identical tids, metadata and records; incremental with `from`.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StorageTransactionError } from '../../src/errors.js';
import { ROOT_OID, ZERO_TID } from '../../src/ids.js';
import type { Tid } from '../../src/ids.js';
import { copyTransactionsFrom } from '../../src/storage/copy.js';
import { FileStorage } from '../../src/storage/file/index.js';
import type { IteratorStorage, UndoStorage } from '../../src/storage/interfaces.js';
import { MappingStorage } from '../../src/storage/mapping/index.js';
import { RecordingDB, commit, record, serialOf, txnMeta } from './conformance-support.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'copy-'));
let counter = 0;
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function freshFileStorage(): FileStorage {
  const directory = path.join(root, String(++counter));
  fs.mkdirSync(directory);
  return new FileStorage(path.join(directory, 'Data.fs'));
}

/** A history with updates, a deletion, an undo (back pointers) and extended info. */
async function history(
  s: UndoStorage & { deleteObject: FileStorage['deleteObject'] },
): Promise<void> {
  s.registerDB(new RecordingDB(s));
  const [a, b] = [s.newOid(), s.newOid()];
  await commit(
    s,
    [
      { oid: ROOT_OID, data: record('root', [a, b]), serial: ZERO_TID },
      { oid: a, data: record('a1'), serial: ZERO_TID },
      { oid: b, data: record('b1'), serial: ZERO_TID },
    ],
    txnMeta('create', 'alice', { app: 'copy test', n: 1 }),
  );
  const change = await commit(s, [{ oid: a, data: record('a2') }], txnMeta('change', 'bob'));
  const meta = txnMeta('undo change');
  await s.tpcBegin(meta);
  await s.undo(s.undoLog().find((e) => e.tid === change)!.id, meta);
  await s.tpcVote(meta);
  await s.tpcFinish(meta);
  const deletion = txnMeta('delete b');
  await s.tpcBegin(deletion);
  s.deleteObject(b, serialOf(s, b), deletion);
  await s.tpcVote(deletion);
  await s.tpcFinish(deletion);
}

/** Everything a copy must reproduce, per transaction. */
function contents(s: IteratorStorage, from?: Tid): unknown[] {
  return [...s.iterator(from)].map((t) => ({
    tid: t.tid,
    user: t.user,
    description: t.description,
    extension: t.extension,
    records: [...t.records].map((r) => ({
      oid: r.oid,
      tid: r.tid,
      data: r.data,
      dataTxn: r.dataTxn,
    })),
  }));
}

describe('copyTransactionsFrom', () => {
  it('copies a FileStorage into a MappingStorage and back with identical transactions', async () => {
    const source = freshFileStorage();
    await history(source);
    const middle = new MappingStorage();
    const report = await copyTransactionsFrom(source, middle);
    expect(report).toEqual({
      transactions: 4,
      records: 6,
      blobs: 0,
      lastTid: source.lastTransaction(),
    });
    expect(contents(middle)).toEqual(contents(source));
    const back = freshFileStorage();
    await copyTransactionsFrom(middle, back);
    expect(contents(back)).toEqual(contents(source));
    await Promise.all([source.close(), middle.close(), back.close()]);
  });

  it('reproduces a FileStorage byte for byte in another FileStorage (back pointers included)', async () => {
    const source = freshFileStorage();
    await history(source);
    const copy = freshFileStorage();
    await copyTransactionsFrom(source, copy);
    await Promise.all([source.close(), copy.close()]);
    expect(fs.readFileSync(copy.name)).toEqual(fs.readFileSync(source.name));
  });

  it('copies incrementally from a tid, reporting progress', async () => {
    const source = new MappingStorage();
    await history(source);
    const dest = freshFileStorage();
    await copyTransactionsFrom(source, dest);
    await commit(source, [{ oid: ROOT_OID, data: record('root 2') }]);
    await commit(source, [{ oid: ROOT_OID, data: record('root 3') }]);
    const progress: Tid[] = [];
    const report = await copyTransactionsFrom(source, dest, {
      from: dest.lastTransaction() + 1n,
      onTransaction: (tid) => progress.push(tid),
    });
    expect(report.transactions).toBe(2);
    expect(progress).toEqual([...source.iterator()].slice(-2).map((t) => t.tid));
    expect(contents(dest)).toEqual(contents(source));
    await Promise.all([source.close(), dest.close()]);
  });

  it('stops at a transaction the destination refuses, keeping the ones copied before', async () => {
    const source = new MappingStorage();
    await history(source);
    const dest = freshFileStorage();
    const [first] = [...source.iterator()];
    await copyTransactionsFrom(source, dest, { from: first!.tid + 1n });
    await expect(copyTransactionsFrom(source, dest)).rejects.toThrow(StorageTransactionError);
    // The undo record's data lives in the transaction that was not copied: it is copied as data.
    const withoutBackPointers = (c: unknown[]): string =>
      JSON.stringify(c, (key, value: unknown) =>
        key === 'dataTxn' ? undefined : typeof value === 'bigint' ? String(value) : value,
      );
    expect(withoutBackPointers(contents(dest))).toBe(
      withoutBackPointers(contents(source, first!.tid + 1n)),
    );
    await commit(dest, [{ oid: ROOT_OID, data: record('still writable') }]);
    await Promise.all([source.close(), dest.close()]);
  });
});
