/**
 * copyTransactionsFrom with blobs: every blob revision's file is copied
 * into the destination (restoreBlob), the source's files stay as they were,
 * and a destination without blob support is refused with BlobCopyError.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Blob } from '../../src/blob/index.js';
import { DB } from '../../src/connection/db.js';
import { POSKeyError } from '../../src/errors.js';
import { BlobCopyError, MissingBlobError, copyTransactionsFrom } from '../../src/storage/copy.js';
import { DemoStorage } from '../../src/storage/demo/index.js';
import { FileStorage } from '../../src/storage/file/file-storage.js';
import type { BlobStorage, IteratorStorage } from '../../src/storage/interfaces.js';
import { MappingStorage } from '../../src/storage/mapping/mapping-storage.js';
import { TransactionManager } from '../../src/transaction/index.js';
import { runZodb } from '../cli/support/run-zodb.js';
import { scratchDir } from './support.js';

/**
 * A FileStorage with blobs: a first transaction without blobs, two blobs, a
 * change, an undo of it, a change of a plain attribute, a change of a blob.
 */
async function sourceWithBlobs(): Promise<{ path: string; blobDir: string }> {
  const dir = scratchDir();
  const path = join(dir, 'Data.fs');
  const blobDir = join(dir, 'blobs');
  const db = new DB(new FileStorage(path, { blobDir }));
  try {
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm });
    conn.root.title = 'created without blobs';
    await tm.commit();
    const photo = new Blob('photo v1');
    conn.root.photo = photo;
    conn.root.doc = new Blob('doc v1');
    await tm.commit();
    await photo.write('photo v2');
    await tm.commit();
    db.undo(db.undoLog(0, 1)[0]!.id, tm.get());
    await tm.commit();
    conn.root.title = 'changed without blobs';
    await tm.commit();
    await (conn.root.doc as Blob).write('doc v2');
    await tm.commit();
  } finally {
    await db.close();
  }
  return { path, blobDir };
}

/** The content of the blob file of every revision that has one, by "oid@tid". */
function blobRevisions(storage: IteratorStorage & BlobStorage): Map<string, string> {
  const found = new Map<string, string>();
  for (const transaction of storage.iterator()) {
    for (const record of transaction.records) {
      if (record.data === null) continue;
      try {
        const file = storage.loadBlob(record.oid, transaction.tid);
        found.set(`${record.oid}@${transaction.tid}`, readFileSync(file, 'utf8'));
      } catch {
        // not a blob revision
      }
    }
  }
  return found;
}

/** Every file under `dir` with its content, inode and modification time. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = join(dir, name);
    const stat = statSync(file);
    if (stat.isFile()) {
      files[relative(dir, file)] =
        `${stat.ino}:${stat.mtimeMs}:${readFileSync(file).toString('hex')}`;
    }
  }
  return files;
}

function openSource(source: { path: string; blobDir: string }): FileStorage {
  return new FileStorage(source.path, { blobDir: source.blobDir, readOnly: true });
}

async function readBlob(storage: FileStorage | MappingStorage, name: string): Promise<string> {
  const db = new DB(storage);
  try {
    const conn = db.open({ transactionManager: new TransactionManager() });
    return (await (conn.root[name] as Blob).read()).toString();
  } finally {
    await db.close();
  }
}

describe('restoreBlob', () => {
  it.each([
    ['MappingStorage', () => new MappingStorage()],
    ['DemoStorage', () => new DemoStorage()],
    [
      'FileStorage',
      () =>
        new FileStorage(join(scratchDir(), 'Data.fs'), { blobDir: join(scratchDir(), 'blobs') }),
    ],
  ])(
    "%s takes the file at finish as the revision's blob, and deletes it on abort",
    async (_name, make) => {
      const storage = make();
      const tid = 0x0400000000000001n;
      const file = (name: string): string => {
        const path = join(storage.temporaryDirectory(), name);
        writeFileSync(path, name);
        return path;
      };
      const aborted = { user: '', description: 'aborted', extension: {} };
      const abortedFile = file('aborted');
      await storage.tpcBegin(aborted, tid);
      storage.restoreBlob(1, tid, new Uint8Array([1]), abortedFile, undefined, aborted);
      await storage.tpcAbort(aborted);
      expect(existsSync(abortedFile)).toBe(false);
      expect(() => storage.loadBlob(1, tid)).toThrow(POSKeyError);

      const committed = { user: '', description: 'committed', extension: {} };
      await storage.tpcBegin(committed, tid);
      storage.restoreBlob(1, tid, new Uint8Array([1]), file('committed'), undefined, committed);
      await storage.tpcVote(committed);
      await storage.tpcFinish(committed);
      expect(readFileSync(storage.loadBlob(1, tid), 'utf8')).toBe('committed');
      expect(storage.loadSerial(1, tid)).toEqual(new Uint8Array([1]));
      await storage.close();
    },
  );
});

describe('copyTransactionsFrom with blobs', () => {
  it('copies a FileStorage with blobs into a FileStorage with blobs, every revision identical', async () => {
    const source = await sourceWithBlobs();
    const before = snapshot(source.blobDir);
    const from = openSource(source);
    const dir = scratchDir();
    const dest = new FileStorage(join(dir, 'Data.fs'), { blobDir: join(dir, 'blobs') });
    const expected = blobRevisions(from);
    const report = await copyTransactionsFrom(from, dest);
    expect(expected.size).toBe(5);
    expect(report.blobs).toBe(5);
    expect(blobRevisions(dest)).toEqual(expected);
    expect(readdirSync(join(dir, 'blobs', 'tmp'))).toEqual([]);
    await from.close();
    expect(snapshot(source.blobDir)).toEqual(before);
    expect(await readBlob(dest, 'photo')).toBe('photo v1');
  });

  it('copies into a MappingStorage, keeping the undo-restored blob revision', async () => {
    const source = await sourceWithBlobs();
    const before = snapshot(source.blobDir);
    const from = openSource(source);
    const dest = new MappingStorage({ blobDir: join(scratchDir(), 'blobs') });
    const expected = blobRevisions(from);
    await copyTransactionsFrom(from, dest);
    expect(blobRevisions(dest)).toEqual(expected);
    const undo = [...from.iterator()][3]!;
    const restored = [...undo.records][0]!;
    expect(readFileSync(dest.loadBlob(restored.oid, undo.tid), 'utf8')).toBe('photo v1');
    await from.close();
    expect(snapshot(source.blobDir)).toEqual(before);
    expect(await readBlob(dest, 'doc')).toBe('doc v2');
  });

  it('copies the blob a back pointer shares with its data transaction (MappingStorage undo)', async () => {
    const source = new MappingStorage();
    const db = new DB(source);
    const tm = new TransactionManager();
    const conn = db.open({ transactionManager: tm });
    const blob = new Blob('kept');
    conn.root.blob = blob;
    await tm.commit();
    await blob.write('undone');
    await tm.commit();
    db.undo(db.undoLog(0, 1)[0]!.id, tm.get());
    await tm.commit();
    const dest = new DemoStorage();
    const report = await copyTransactionsFrom(source, dest);
    expect(report.blobs).toBe(3);
    expect(blobRevisions(dest)).toEqual(blobRevisions(source));
    await Promise.all([db.close(), dest.close()]);
  });

  it('refuses a destination without a blob directory at the first blob, naming oid and tid; a resumed copy completes', async () => {
    const source = await sourceWithBlobs();
    const from = openSource(source);
    const [rootCreation, firstBlobs] = [...from.iterator()];
    const dir = scratchDir();
    const withoutBlobs = new FileStorage(join(dir, 'Data.fs'));
    const failure = await copyTransactionsFrom(from, withoutBlobs).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BlobCopyError);
    const { oid, tid } = failure as BlobCopyError;
    expect(tid).toBe(firstBlobs!.tid);
    expect([...firstBlobs!.records].map((r) => r.oid)).toContain(oid);
    expect((failure as Error).message).toMatch(/has no blob directory/);
    expect(withoutBlobs.lastTransaction()).toBe(rootCreation!.tid);
    await withoutBlobs.close();

    const resumed = new FileStorage(join(dir, 'Data.fs'), { blobDir: join(dir, 'blobs') });
    await copyTransactionsFrom(from, resumed, { from: resumed.lastTransaction() + 1n });
    expect(blobRevisions(resumed)).toEqual(blobRevisions(from));
    await Promise.all([from.close(), resumed.close()]);
  });

  it('refuses a source opened without its blob directory at the first blob record, before writing it', async () => {
    const source = await sourceWithBlobs();
    const plainSource = new FileStorage(source.path, { readOnly: true });
    const [rootCreation, firstBlobs] = [...plainSource.iterator()];
    const dest = new MappingStorage();
    const failure = await copyTransactionsFrom(plainSource, dest).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MissingBlobError);
    expect((failure as MissingBlobError).tid).toBe(firstBlobs!.tid);
    expect((failure as Error).message).toMatch(/blobstorage_dir/);
    expect(dest.lastTransaction()).toBe(rootCreation!.tid);
    await plainSource.close();
  });

  it('copies blob records without their files only when asked to (allowMissingBlobs)', async () => {
    const source = await sourceWithBlobs();
    const plainSource = new FileStorage(source.path, { readOnly: true });
    const dest = new MappingStorage();
    const report = await copyTransactionsFrom(plainSource, dest, { allowMissingBlobs: true });
    expect(report.blobs).toBe(0);
    expect(dest.lastTransaction()).toBe(plainSource.lastTransaction());
    await plainSource.close();
  });

  it('zodb copy of a plain Data.fs path holding blobs fails and names the fix', async () => {
    const source = await sourceWithBlobs();
    const dir = scratchDir();
    const run = await runZodb(['copy', source.path, join(dir, 'Data.fs')]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/no blob file for the blob record/);
    expect(run.stderr).toMatch(/--allow-missing-blobs/);
  });

  it('zodb copy copies blobs between FileStorage URIs that name their blob directories', async () => {
    const source = await sourceWithBlobs();
    const before = snapshot(source.blobDir);
    const dir = scratchDir();
    const uri = (path: string, blobDir: string): string =>
      `file://${path}?blobstorage_dir=${encodeURIComponent(blobDir)}`;
    const run = await runZodb([
      'copy',
      uri(source.path, source.blobDir),
      uri(join(dir, 'Data.fs'), join(dir, 'blobs')),
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(snapshot(source.blobDir)).toEqual(before);
    const from = openSource(source);
    const copied = new FileStorage(join(dir, 'Data.fs'), { blobDir: join(dir, 'blobs') });
    expect(blobRevisions(copied)).toEqual(blobRevisions(from));
    await Promise.all([from.close(), copied.close()]);
  });
});
