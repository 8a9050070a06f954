/**
 * Child process of the crash test: commits blob "v1", then commits "v2"
 * but kills itself (SIGKILL) after the blob file was renamed into place and
 * before the data file marks the transaction committed.
 *
 * Usage: node --conditions=source --import tsx crash-writer.fixture.ts <dir>
 */
import { join } from 'node:path';
import { Blob } from '../../src/blob/index.js';
import { DB } from '../../src/connection/db.js';
import { Committer } from '../../src/storage/file/committer.js';
import { FileStorage } from '../../src/storage/file/file-storage.js';
import { TransactionManager } from '../../src/transaction/index.js';

const dir = process.argv[2]!;
const db = new DB(new FileStorage(join(dir, 'Data.fs'), { blobDir: join(dir, 'blobs') }));
const tm = new TransactionManager();
const conn = db.open({ transactionManager: tm });
const blob = new Blob('v1');
conn.root.blob = blob;
await tm.commit();
Committer.prototype.finish = () => {
  process.kill(process.pid, 'SIGKILL');
  return new Promise(() => {});
};
await blob.write('v2');
await tm.commit();
