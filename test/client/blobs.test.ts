/**
 * Blobs through the server: a blob written by one client is streamed to the
 * server and read by another, from its local blob cache (fetched in ranges)
 * or straight from a shared blob directory; and the conformance suite over
 * a FileStorage with a blob directory.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Blob } from '../../src/blob/index.js';
import { isBlobStorage } from '../../src/storage/interfaces.js';
import { describeStorageConformance } from '../storage/conformance.js';
import { closeClients, inTransaction, openClient } from './support/clients.js';
import { CLIENT_SKIPS } from './support/conformance-skips.js';
import { NamedClientStorages } from './support/named-storages.js';
import { useTempDirs } from './support/temp-dir.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const tempDir = useTempDirs('zodb-client-blobs');
const STORAGES = 120;
const serverDir = tempDir();
const serverBlobDir = path.join(serverDir, 'blobs-b0');
const server: TestServer = await startTestServer(
  Array.from({ length: STORAGES }, (_, i) => ({
    name: `b${i}`,
    kind: 'file' as const,
    path: path.join(serverDir, `b${i}.fs`),
    blobDir: path.join(serverDir, `blobs-b${i}`),
  })),
);
afterAll(() => server.stop());

/** Six megabytes of varied bytes: more than one chunk each way. */
function bigData(): Buffer {
  const data = Buffer.alloc(6 * 1024 * 1024 + 123);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 11)) & 0xff;
  return data;
}

describe('blobs through the server', () => {
  it('streams a blob both ways: written by one client, read by another from its blob cache', async () => {
    const writer = openClient(server.address, 'b0', { blobDir: tempDir() });
    const data = bigData();
    await inTransaction(writer, (root) => {
      root.photo = new Blob(data);
    });
    const readerBlobs = tempDir();
    const reader = openClient(server.address, 'b0', { blobDir: readerBlobs });
    reader.tm.begin();
    const read = await (reader.root.photo as Blob).read();
    reader.tm.abort();
    expect(read.equals(data)).toBe(true);
    const cached = fs.readdirSync(path.join(readerBlobs, 'cache'));
    expect(cached).toHaveLength(1);
    expect(cached.some((name) => name.includes('.part'))).toBe(false);
    await closeClients(writer, reader);
  });

  it('reads blob files straight from a shared blob directory', async () => {
    const reader = openClient(server.address, 'b0', { sharedBlobDir: serverBlobDir });
    reader.tm.begin();
    const photo = reader.root.photo as Blob;
    expect(photo.committed().startsWith(serverBlobDir)).toBe(true);
    expect((await photo.read()).equals(bigData())).toBe(true);
    reader.tm.abort();
    await closeClients(reader);
  });
});

const clients = new NamedClientStorages({
  address: server.address,
  prefix: 'b',
  first: 1,
  waitTimeout: 5,
});

describeStorageConformance('ClientStorage over FileStorage with blobs', clients.factory(), {
  skip: CLIENT_SKIPS,
});

describe('capabilities', () => {
  it('is a BlobStorage when the server storage has a blob directory', () => {
    const storage = clients.fresh();
    expect(isBlobStorage(storage)).toBe(true);
    return storage.close();
  });
});
