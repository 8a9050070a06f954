/** Helpers shared by the blob tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { DB } from '../../src/connection/db.js';
import type { Connection } from '../../src/connection/connection.js';
import { MappingStorage } from '../../src/storage/mapping/mapping-storage.js';
import { TransactionManager } from '../../src/transaction/index.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh directory removed after the test. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zodb-blob-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A database over a MappingStorage with blobs in `blobDir`, closed after the test. */
export function blobDB(blobDir = join(scratchDir(), 'blobs')): {
  db: DB;
  storage: MappingStorage;
  blobDir: string;
  open: () => { conn: Connection; tm: TransactionManager };
} {
  const storage = new MappingStorage({ blobDir });
  const db = new DB(storage);
  cleanups.push(() => db.close());
  const open = (): { conn: Connection; tm: TransactionManager } => {
    const tm = new TransactionManager();
    return { conn: db.open({ transactionManager: tm }), tm };
  };
  return { db, storage, blobDir, open };
}
