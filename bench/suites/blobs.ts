/**
 * Blobs: write and read throughput of one big blob (1 GB, 100 MB with
 * `--quick`) on FileStorage with a blob directory, against a plain file
 * copy of the same size on the same disk in the same run.
 *
 * The plain copy is a stream copy (`createReadStream` piped to
 * `createWriteStream`, what the blob write does plus the commit); the
 * kernel `copyFile` figure is shown for information.
 * Target (the issue's): blob write and read within 1.5x of the plain copy's
 * time, i.e. at least 2/3 of its throughput.
 */
import {
  copyFileSync,
  createReadStream,
  createWriteStream,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Blob, DB, FileStorage, TransactionManager } from 'zodb';
import type { BenchReporter, BenchSuite } from '../reporter.js';

const CHUNK = 1024 * 1024;

/** Writes `size` bytes to `path` chunk by chunk. */
function writeSource(path: string, size: number): void {
  const chunk = Buffer.alloc(CHUNK, 7);
  writeFileSync(path, '');
  for (let done = 0; done < size; done += CHUNK) writeFileSync(path, chunk, { flag: 'a' });
}

/** Reads a stream to its end, dropping the data. */
async function drain(stream: NodeJS.ReadableStream): Promise<void> {
  await pipeline(stream, new Writable({ write: (_c, _e, done) => done() }));
}

async function seconds(fn: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

function record(
  reporter: BenchReporter,
  workload: string,
  variant: string,
  mbps: number,
  target?: number,
): void {
  reporter.record({ suite: 'blobs', workload, variant, value: mbps, unit: 'MB/s', target });
}

const blobs: BenchSuite = async (reporter, options) => {
  const size = options.quick ? 100 * CHUNK : 1024 * CHUNK;
  const mb = size / CHUNK;
  const dir = mkdtempSync(join(tmpdir(), 'zodb-bench-blobs-'));
  try {
    const source = join(dir, 'source.bin');
    writeSource(source, size);
    const kernelCopy = mb / (await seconds(() => copyFileSync(source, join(dir, 'kernel.bin'))));
    record(reporter, 'write 1 file', 'plain copyFile (kernel)', kernelCopy);
    const copyWrite =
      mb /
      (await seconds(() =>
        pipeline(createReadStream(source), createWriteStream(join(dir, 'copy.bin'))),
      ));
    const copyRead = mb / (await seconds(() => drain(createReadStream(join(dir, 'copy.bin')))));
    record(reporter, 'write 1 file', 'plain stream copy', copyWrite);
    record(reporter, 'read 1 file', 'plain read', copyRead);

    const db = new DB(new FileStorage(join(dir, 'Data.fs'), { blobDir: join(dir, 'blobs') }));
    try {
      const tm = new TransactionManager();
      const conn = db.open({ transactionManager: tm });
      const blob = new Blob();
      conn.root.blob = blob;
      const write = await seconds(async () => {
        await pipeline(createReadStream(source), blob.open('w'));
        await tm.commit();
      });
      record(reporter, 'write 1 file', 'blob (stream + commit)', mb / write, (copyWrite * 2) / 3);
      const read = await seconds(() => drain(blob.open('r')));
      record(reporter, 'read 1 file', 'blob (stream)', mb / read, (copyRead * 2) / 3);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export default blobs;
