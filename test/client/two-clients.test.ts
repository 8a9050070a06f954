/**
 * Two ClientStorages, each under its own DB, sharing one server: each sees
 * the other's commits through invalidations, with snapshot isolation.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientStorage } from '../../src/client/client-storage.js';
import { DB } from '../../src/connection/db.js';
import { TransactionManager } from '../../src/transaction/index.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let storageCount = 0;

beforeAll(async () => {
  server = await startTestServer(
    Array.from({ length: 8 }, (_, i) => ({ name: `s${i}`, kind: 'mapping' as const })),
  );
});
afterAll(async () => {
  await server.stop();
});

interface Client {
  readonly db: DB;
  readonly storage: ClientStorage;
  readonly tm: TransactionManager;
}

/** Waits until `reader` has received the writer's last transaction (separate connections). */
async function caughtUp(reader: Client, writer: Client): Promise<void> {
  const target = writer.storage.lastTransaction();
  for (let i = 0; i < 1000 && reader.storage.lastTransaction() < target; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(reader.storage.lastTransaction()).toBe(target);
}

function clientsOfOneStorage(count: number): Client[] {
  const name = `s${storageCount++}`;
  return Array.from({ length: count }, () => {
    const storage = new ClientStorage({ address: server.address, storage: name, waitTimeout: 5 });
    return { storage, db: new DB(storage), tm: new TransactionManager({ explicit: true }) };
  });
}

async function closeAll(clients: Client[]): Promise<void> {
  for (const c of clients) await c.db.close();
}

describe('two clients of one storage', () => {
  it('see each other commits in their next transaction', async () => {
    const clients = clientsOfOneStorage(2);
    const [a, b] = clients as [Client, Client];
    const connA = a.db.open({ transactionManager: a.tm });
    a.tm.begin();
    connA.root.counter = 1;
    await a.tm.commit();
    await caughtUp(b, a);

    const connB = b.db.open({ transactionManager: b.tm });
    b.tm.begin();
    expect(connB.root.counter).toBe(1);
    b.tm.abort();

    a.tm.begin();
    connA.root.counter = 2;
    await a.tm.commit();
    await caughtUp(b, a);

    b.tm.begin();
    expect(connB.root.counter).toBe(2);
    b.tm.abort();
    await closeAll(clients);
  });

  it('keep a transaction on its snapshot while the other commits', async () => {
    const clients = clientsOfOneStorage(2);
    const [a, b] = clients as [Client, Client];
    const connA = a.db.open({ transactionManager: a.tm });
    a.tm.begin();
    connA.root.left = 10;
    connA.root.right = 10;
    await a.tm.commit();
    await caughtUp(b, a);

    const connB = b.db.open({ transactionManager: b.tm });
    b.tm.begin();
    expect(connB.root.left).toBe(10);

    a.tm.begin();
    connA.root.left = 5;
    connA.root.right = 15;
    await a.tm.commit();
    await caughtUp(b, a);

    // b's transaction still sees its snapshot; the next one sees the change.
    expect(connB.root.left + connB.root.right).toBe(20);
    b.tm.abort();
    b.tm.begin();
    expect([connB.root.left, connB.root.right]).toEqual([5, 15]);
    b.tm.abort();
    await closeAll(clients);
  });
});
