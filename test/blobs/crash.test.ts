/** A writer killed between the blob rename and the transaction finish leaves a consistent database. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Blob } from '../../src/blob/index.js';
import { DB } from '../../src/connection/db.js';
import { BlobDirectory } from '../../src/storage/blob/blob-directory.js';
import { FileStorage } from '../../src/storage/file/file-storage.js';
import { TransactionManager } from '../../src/transaction/index.js';
import { scratchDir } from './support.js';

const fixture = fileURLToPath(new URL('./crash-writer.fixture.ts', import.meta.url));

describe('a crash between blob rename and finish', () => {
  it('keeps the committed blob, and the next pack removes the orphan file', async () => {
    const dir = scratchDir();
    const child = spawnSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', fixture, dir],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.signal).toBe('SIGKILL');
    const blobDir = join(dir, 'blobs');
    expect([...new BlobDirectory(blobDir).files()]).toHaveLength(2);

    const db = new DB(new FileStorage(join(dir, 'Data.fs'), { blobDir }));
    try {
      const tm = new TransactionManager();
      const conn = db.open({ transactionManager: tm });
      const blob = conn.root.blob as Blob;
      expect((await blob.read()).toString()).toBe('v1');
      await db.pack();
      const files = [...new BlobDirectory(blobDir).files()];
      expect(files.map((f) => f.path)).toEqual([blob.committed()]);
      await blob.write('v3');
      await tm.commit();
      expect((await blob.read()).toString()).toBe('v3');
    } finally {
      await db.close();
    }
  }, 60_000);
});
