/** Starting a StorageServer on MappingStorages for the tests. */
import { MappingStorage } from '../../../src/storage/mapping/mapping-storage.js';
import type { Storage } from '../../../src/storage/interfaces.js';
import { StorageServer, type StorageServerOptions } from '../../../src/server/storage-server.js';
import { MemoryLog } from '../../../src/server/server-log.js';
import { RawClient } from './raw-client.js';

export interface TestServer {
  readonly server: StorageServer;
  readonly log: MemoryLog;
  readonly storage: Storage;
  connect(): Promise<RawClient>;
  /** A connected, registered client. */
  client(fields?: Record<string, unknown>): Promise<RawClient>;
  close(): Promise<void>;
}

export async function startTestServer(
  options: Partial<StorageServerOptions> = {},
  storage: Storage = new MappingStorage({ name: 'test' }),
): Promise<TestServer> {
  const log = new MemoryLog();
  const server = await StorageServer.start({
    storages: new Map([['1', storage]]),
    listen: [{ host: '127.0.0.1', port: 0 }],
    log,
    ...options,
  });
  const clients: RawClient[] = [];
  const connect = async (): Promise<RawClient> => {
    const client = await RawClient.connect(server.addresses[0]!);
    clients.push(client);
    return client;
  };
  return {
    server,
    log,
    storage,
    connect,
    async client(fields = {}) {
      const client = await connect();
      await client.register(fields);
      return client;
    },
    async close() {
      for (const c of clients) c.socket.destroy();
      await server.close();
    },
  };
}
