/**
 * Cold reads in few round trips: `prefetch` loads many objects in one
 * request without blocking, and every load reply carries the objects the
 * loaded record refers to (`neighbours`).
 */

import { afterAll, describe, expect, it } from 'vitest';
import { PersistentMapping } from '../../src/persistent/index.js';
import { closeClients, inTransaction, openClient, type Client } from './support/clients.js';
import { startTestServer } from './support/test-server.js';

const COUNT = 50;
const server = await startTestServer([{ name: '1', kind: 'mapping' }]);
afterAll(() => server.stop());

const writer = openClient(server.address, '1');
const docs = new PersistentMapping();
await inTransaction(writer, (root) => {
  for (let i = 0; i < COUNT; i++) docs.set(`d${i}`, new PersistentMapping([['n', i]]));
  root.docs = docs;
});
const docsOid = docs._p_oid!;
await closeClients(writer);

function sumOfDocs(client: Client): number {
  const docs = client.root.docs as PersistentMapping;
  let sum = 0;
  for (let i = 0; i < COUNT; i++) sum += Number((docs.get(`d${i}`) as PersistentMapping).get('n'));
  return sum;
}

describe('prefetch and neighbours', () => {
  it('prefetch loads every listed object in one request, so reading them misses nothing', async () => {
    const reader = openClient(server.address, '1', { neighbours: 0 });
    reader.tm.begin();
    const docs = reader.root.docs as PersistentMapping;
    const children = [...docs.values()];
    await reader.conn.prefetch(children);
    const before = reader.storage.cacheStats().misses;
    expect(sumOfDocs(reader)).toBe((COUNT * (COUNT - 1)) / 2);
    expect(reader.storage.cacheStats().misses).toBe(before);
    reader.tm.abort();
    await closeClients(reader);
  });

  it('brings the referenced objects along with a load', async () => {
    const reader = openClient(server.address, '1', { neighbours: 64 });
    reader.tm.begin();
    // A load of the mapping from the server: its children come with it.
    reader.storage.loadAt(docsOid, reader.storage.lastTransaction());
    const before = reader.storage.cacheStats().misses;
    expect(sumOfDocs(reader)).toBe((COUNT * (COUNT - 1)) / 2);
    // Only the root was not in the cache.
    expect(reader.storage.cacheStats().misses - before).toBe(1);
    reader.tm.abort();
    await closeClients(reader);
  });

  it('without neighbours, each child is a round trip', async () => {
    const reader = openClient(server.address, '1', { neighbours: 0 });
    reader.tm.begin();
    (reader.root.docs as PersistentMapping).get('d0');
    const before = reader.storage.cacheStats().misses;
    sumOfDocs(reader);
    expect(reader.storage.cacheStats().misses - before).toBe(COUNT);
    reader.tm.abort();
    await closeClients(reader);
  });
});
