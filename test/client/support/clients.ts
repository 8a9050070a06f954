/**
 * Clients for the tests: a DB over a ClientStorage with its own explicit
 * transaction manager, opened against a test server's storage.
 */

import { ClientStorage } from '../../../src/client/client-storage.js';
import type { ClientStorageOptions } from '../../../src/client/client-options.js';
import { DB } from '../../../src/connection/db.js';
import type { Connection } from '../../../src/connection/connection.js';
import { TransactionManager } from '../../../src/transaction/index.js';

/** A database over a client storage, with one connection under its own manager. */
export interface Client {
  readonly storage: ClientStorage;
  readonly db: DB;
  readonly tm: TransactionManager;
  readonly conn: Connection;
  /** The connection's root, untyped. */
  readonly root: Record<string, unknown> & { [key: string]: any };
}

/** Opens a client of `storage` on `address` (wait timeout 5 s unless given). */
export function openClient(
  address: string,
  storage: string,
  options: Partial<ClientStorageOptions> = {},
): Client {
  const clientStorage = new ClientStorage({ address, storage, waitTimeout: 5, ...options });
  const db = new DB(clientStorage);
  const tm = new TransactionManager({ explicit: true });
  const conn = db.open({ transactionManager: tm });
  return {
    storage: clientStorage,
    db,
    tm,
    conn,
    get root() {
      return conn.root as Record<string, any>;
    },
  };
}

/** Runs `body` in a transaction of `client` and commits it. */
export async function inTransaction(
  client: Client,
  body: (root: Client['root']) => void,
): Promise<void> {
  client.tm.begin();
  try {
    body(client.root);
    await client.tm.commit();
  } catch (error) {
    client.tm.abort();
    throw error;
  }
}

/** Closes every client's database. */
export async function closeClients(...clients: Client[]): Promise<void> {
  for (const client of clients) await client.db.close();
}

/**
 * Waits until `reader` has received every transaction `writer` knows of.
 * Two clients have separate connections, so the server's invalidation for
 * the reader may arrive a moment after the writer's commit returns.
 */
export async function caughtUp(reader: Client, writer: Client): Promise<void> {
  const target = writer.storage.lastTransaction();
  for (let i = 0; i < 1000 && reader.storage.lastTransaction() < target; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (reader.storage.lastTransaction() < target) {
    throw new Error('the reader never received the writer’s last transaction');
  }
}

/** Writes `value` at the root of `db` and reads it back in a new transaction. */
export async function roundTrip(db: DB, value: string): Promise<unknown> {
  const tm = new TransactionManager({ explicit: true });
  const conn = db.open({ transactionManager: tm });
  tm.begin();
  (conn.root as Record<string, unknown>).value = value;
  await tm.commit();
  tm.begin();
  const read = (conn.root as Record<string, unknown>).value;
  tm.abort();
  return read;
}
