/** FileStorage with `blobDir`: commit, reopen, MVCC, pack, crashes between rename and finish, bad directories. */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Blob } from '../../src/blob/index.js';
import { DB } from '../../src/connection/db.js';
import { StorageError } from '../../src/errors.js';
import { BlobDirectory } from '../../src/storage/blob/blob-directory.js';
import { FileStorage } from '../../src/storage/file/file-storage.js';
import { TransactionManager } from '../../src/transaction/index.js';
import { scratchDir } from './support.js';

async function withDB<T>(
  dir: string,
  body: (
    db: DB,
    open: () => { conn: ReturnType<DB['open']>; tm: TransactionManager },
  ) => Promise<T>,
  blobDir = join(dir, 'blobs'),
): Promise<T> {
  const db = new DB(new FileStorage(join(dir, 'Data.fs'), { blobDir }));
  try {
    return await body(db, () => {
      const tm = new TransactionManager();
      return { conn: db.open({ transactionManager: tm }), tm };
    });
  } finally {
    await db.close();
  }
}

describe('FileStorage blobs', () => {
  it('commits blob files that a reopened storage reads back', async () => {
    const dir = scratchDir();
    await withDB(dir, async (_db, open) => {
      const { conn, tm } = open();
      conn.root.blob = new Blob('persisted');
      await tm.commit();
    });
    await withDB(dir, async (_db, open) => {
      const blob = open().conn.root.blob as Blob;
      expect((await blob.read()).toString()).toBe('persisted');
      expect(blob.committed().startsWith(join(dir, 'blobs'))).toBe(true);
    });
  });

  it('an old snapshot keeps reading the old file; abort leaves no file behind', async () => {
    await withDB(scratchDir(), async (_db, open) => {
      const writer = open();
      const blob = new Blob('old');
      writer.conn.root.blob = blob;
      await writer.tm.commit();
      const reader = open();
      reader.tm.begin();
      const seen = reader.conn.root.blob as Blob;
      await seen.read();
      await blob.write('new');
      await writer.tm.commit();
      seen._p_invalidate();
      expect((await seen.read()).toString()).toBe('old');
      await blob.write('aborted');
      await writer.tm.abort();
      expect((await blob.read()).toString()).toBe('new');
    });
  });

  it('pack removes old revisions, unreachable blobs and orphans of crashed commits, and nothing else', async () => {
    const dir = scratchDir();
    await withDB(dir, async (db, open) => {
      const { conn, tm } = open();
      const kept = new Blob('v1');
      conn.root.kept = kept;
      conn.root.dropped = new Blob('dropped');
      await tm.commit();
      const oldFile = kept.committed();
      const droppedFile = (conn.root.dropped as Blob).committed();
      await kept.write('v2');
      delete conn.root.dropped;
      await tm.commit();
      // A writer killed after renaming its blob file but before finishing:
      // the file names a tid that never committed.
      const orphan = new BlobDirectory(join(dir, 'blobs')).pathFor(kept._p_oid!, 1n);
      mkdirSync(join(orphan, '..'), { recursive: true });
      writeFileSync(orphan, 'never committed');
      expect((await kept.read()).toString()).toBe('v2');
      await db.pack();
      expect(existsSync(oldFile)).toBe(false);
      expect(existsSync(droppedFile)).toBe(false);
      expect(existsSync(orphan)).toBe(false);
      expect(readFileSync(kept.committed(), 'utf8')).toBe('v2');
      await db.pack();
      expect(readFileSync(kept.committed(), 'utf8')).toBe('v2');
    });
  });

  it('refuses blobs without a blobDir, naming the storage', async () => {
    const dir = scratchDir();
    const db = new DB(new FileStorage(join(dir, 'Data.fs')));
    try {
      const tm = new TransactionManager();
      const conn = db.open({ transactionManager: tm });
      conn.root.blob = new Blob('x');
      await expect(tm.commit()).rejects.toThrow(/has no blob directory/);
    } finally {
      await db.close();
    }
  });

  it.skipIf(process.getuid?.() === 0)('reports a blob directory that is not writable', () => {
    const blobDir = join(scratchDir(), 'locked');
    mkdirSync(join(blobDir, 'tmp'), { recursive: true });
    chmodSync(blobDir, 0o500);
    try {
      expect(() => new BlobDirectory(blobDir)).toThrow(/locked is not writable/);
    } finally {
      chmodSync(blobDir, 0o700);
    }
  });

  it('reports a blob directory that cannot be created', () => {
    const parent = join(scratchDir(), 'a-file');
    writeFileSync(parent, '');
    expect(() => new BlobDirectory(join(parent, 'blobs'))).toThrow(StorageError);
    expect(() => new BlobDirectory(join(parent, 'blobs'))).toThrow(/cannot be created/);
  });

  it('reports a missing blob directory of a read-only storage', () => {
    expect(() => new BlobDirectory(join(scratchDir(), 'missing'), { readOnly: true })).toThrow(
      /missing or not readable/,
    );
  });
});

describe('FileStorage blob undo', () => {
  it('undo restores the previous blob data', async () => {
    await withDB(scratchDir(), async (db, open) => {
      const { conn, tm } = open();
      const blob = new Blob('first');
      conn.root.blob = blob;
      await tm.commit();
      await blob.write('second');
      await tm.commit();
      db.undo(db.undoLog(0, 1)[0]!.id, tm.get());
      await tm.commit();
      expect(db.history(blob, 10)).toHaveLength(3);
      expect((await blob.read()).toString()).toBe('first');
    });
  });
});
