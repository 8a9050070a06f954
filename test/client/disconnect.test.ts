/**
 * A client whose server goes away: loads and commits fail with
 * ClientDisconnectedError (naming the address) after the wait timeout
 * instead of hanging, and the client reconnects when the server is back.
 */

import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClientDisconnectedError } from '../../src/errors.js';
import { MAX_TID } from '../../src/ids.js';
import { PersistentMapping } from '../../src/persistent/index.js';
import { closeClients, inTransaction, openClient, type Client } from './support/clients.js';
import { useTempDirs } from './support/temp-dir.js';
import { startTestServer, type StorageSpec } from './support/test-server.js';

const tempDir = useTempDirs('zodb-client-disconnect');

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect(condition()).toBe(true);
}

function fileStorage(): StorageSpec[] {
  return [{ name: '1', kind: 'file', path: path.join(tempDir(), 'Data.fs') }];
}

describe('a client whose server stops', () => {
  it('throws ClientDisconnectedError naming the address from a load after the wait timeout', async () => {
    const server = await startTestServer([{ name: '1', kind: 'mapping' }]);
    const client = openClient(server.address, '1', { waitTimeout: 0.3 });
    await inTransaction(client, (root) => {
      root.doc = new PersistentMapping();
    });
    await server.stop();
    await until(() => !client.storage.status().connected);
    let failure: unknown;
    try {
      client.storage.loadAt(1234, MAX_TID);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ClientDisconnectedError);
    expect((failure as ClientDisconnectedError).address).toBe(server.address);
    expect((failure as Error).message).toContain(server.address);
    await closeClients(client);
  });

  it('fails a commit in progress with ClientDisconnectedError, a transient error', async () => {
    const server = await startTestServer([{ name: '1', kind: 'mapping' }]);
    const client = openClient(server.address, '1', { waitTimeout: 0.3 });
    await inTransaction(client, (root) => {
      root.value = 1;
    });
    client.tm.begin();
    client.root.value = 2;
    await server.stop();
    await expect(client.tm.commit()).rejects.toBeInstanceOf(ClientDisconnectedError);
    client.tm.abort();
    await closeClients(client);
  });

  it('reconnects when the server is back, with its cache kept, and commits again', async () => {
    const storages = fileStorage();
    const first = await startTestServer(storages);
    const client = openClient(first.address, '1', { waitTimeout: 5 });
    await inTransaction(client, (root) => {
      root.value = 1;
    });
    await first.stop();
    await until(() => !client.storage.status().connected);
    const second = await startTestServer(storages, { port: first.port });
    await until(() => client.storage.status().connected);
    expect(client.storage.status()).toMatchObject({ connections: 2, lastVerification: 'kept' });
    await inTransaction(client, (root) => {
      root.value = (root.value as number) + 1;
    });
    const other: Client = openClient(second.address, '1');
    other.tm.begin();
    expect(other.root.value).toBe(2);
    other.tm.abort();
    await closeClients(client, other);
    await second.stop();
  });
});
