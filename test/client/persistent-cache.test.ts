/**
 * The persistent client cache: a restarted client starts warm (loads served
 * from the cache file), and its cache is verified at connection: kept, with
 * the missed transactions applied, when the server's invalidation queue
 * covers the gap; dropped otherwise.
 */

import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersistentMapping } from '../../src/persistent/index.js';
import { closeClients, inTransaction, openClient, type Client } from './support/clients.js';
import { useTempDirs } from './support/temp-dir.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const tempDir = useTempDirs('zodb-client-cache-file');
const QUEUE = 3;
let server: TestServer;
let next = 0;

beforeAll(async () => {
  const dir = tempDir();
  server = await startTestServer(
    Array.from({ length: 3 }, (_, i) => ({
      name: `p${i}`,
      kind: 'file' as const,
      path: path.join(dir, `p${i}.fs`),
    })),
    { invalidationQueueSize: QUEUE },
  );
});
afterAll(() => server.stop());

/** A storage with `count` documents, written by a client that is then closed. */
async function populated(count: number): Promise<string> {
  const name = `p${next++}`;
  const writer = openClient(server.address, name);
  await inTransaction(writer, (root) => {
    for (let i = 0; i < count; i++) root[`doc${i}`] = new PersistentMapping([['n', i]]);
  });
  await closeClients(writer);
  return name;
}

function readAll(client: Client, count: number): number[] {
  client.tm.begin();
  const values = Array.from({ length: count }, (_, i) =>
    Number((client.root[`doc${i}`] as PersistentMapping).get('n')),
  );
  client.tm.abort();
  return values;
}

describe('persistent client cache', () => {
  it('serves a restarted client from its cache file', async () => {
    const name = await populated(5);
    const cacheFile = path.join(tempDir(), 'app.zec');
    const first = openClient(server.address, name, { cacheFile, neighbours: 0 });
    expect(readAll(first, 5)).toEqual([0, 1, 2, 3, 4]);
    await closeClients(first);

    const second = openClient(server.address, name, { cacheFile, neighbours: 0 });
    const before = second.storage.cacheStats();
    expect(readAll(second, 5)).toEqual([0, 1, 2, 3, 4]);
    const after = second.storage.cacheStats();
    expect(second.storage.status().lastVerification).toBe('kept');
    expect(after.misses - before.misses).toBe(0);
    expect(after.hits - before.hits).toBeGreaterThanOrEqual(6);
    await closeClients(second);
  });

  it('keeps a cache the invalidation queue covers and applies the transactions it missed', async () => {
    const name = await populated(3);
    const cacheFile = path.join(tempDir(), 'app.zec');
    const reader = openClient(server.address, name, { cacheFile });
    expect(readAll(reader, 3)).toEqual([0, 1, 2]);
    await closeClients(reader);

    const writer = openClient(server.address, name);
    await inTransaction(writer, (root) => {
      (root.doc1 as PersistentMapping).set('n', 100);
    });
    await closeClients(writer);

    const restarted = openClient(server.address, name, { cacheFile });
    expect(restarted.storage.status().lastVerification).toBe('kept');
    expect(readAll(restarted, 3)).toEqual([0, 100, 2]);
    await closeClients(restarted);
  });

  it('drops a cache older than the invalidation queue and reads fresh data', async () => {
    const name = await populated(3);
    const cacheFile = path.join(tempDir(), 'app.zec');
    const reader = openClient(server.address, name, { cacheFile });
    expect(readAll(reader, 3)).toEqual([0, 1, 2]);
    await closeClients(reader);

    const writer = openClient(server.address, name);
    for (let round = 1; round <= QUEUE + 1; round++) {
      await inTransaction(writer, (root) => {
        (root.doc2 as PersistentMapping).set('n', 200 + round);
      });
    }
    await closeClients(writer);

    const restarted = openClient(server.address, name, { cacheFile });
    expect(restarted.storage.status().lastVerification).toBe('dropped');
    expect(restarted.storage.cacheStats().revisions).toBe(0);
    expect(readAll(restarted, 3)).toEqual([0, 1, 200 + QUEUE + 1]);
    await closeClients(restarted);
  });
});
