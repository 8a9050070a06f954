/**
 * Sibling prefetch: walking a container that refers to more objects than a
 * load reply brings as neighbours costs a few round trips, not one per
 * object, and never serves stale data.
 */

import { afterAll, describe, expect, it } from 'vitest';
import { PersistentMapping } from '../../src/persistent/index.js';
import {
  caughtUp,
  closeClients,
  inTransaction,
  openClient,
  type Client,
} from './support/clients.js';
import { startTestServer } from './support/test-server.js';

const COUNT = 1000;
const server = await startTestServer([{ name: '1', kind: 'mapping' }]);
afterAll(() => server.stop());

const writer = openClient(server.address, '1');
await inTransaction(writer, (root) => {
  const docs = new PersistentMapping();
  for (let i = 0; i < COUNT; i++) docs.set(`d${i}`, new PersistentMapping([['n', i]]));
  root.docs = docs;
});

function valuesOf(client: Client): number[] {
  const docs = client.root.docs as PersistentMapping;
  const values: number[] = [];
  for (let i = 0; i < COUNT; i++)
    values.push(Number((docs.get(`d${i}`) as PersistentMapping).get('n')));
  return values;
}

describe('sibling prefetch on a cache miss', () => {
  it('reads a cold mapping of 1,000 objects in a few round trips, with the right values', async () => {
    const reader = openClient(server.address, '1', { neighbours: 64 });
    reader.tm.begin();
    const before = reader.storage.status().serverLoads;
    const values = valuesOf(reader);
    const loads = reader.storage.status().serverLoads - before;
    expect(values).toEqual(Array.from({ length: COUNT }, (_, i) => i));
    // root, mapping, then one load per batch of prefetched siblings.
    expect(loads).toBeLessThanOrEqual(10);
    reader.tm.abort();
    await closeClients(reader);
  });

  it('serves the new values after another client changes prefetched objects', async () => {
    const reader = openClient(server.address, '1', { neighbours: 64 });
    reader.tm.begin();
    expect(valuesOf(reader)[500]).toBe(500);
    reader.tm.abort();
    await inTransaction(writer, (root) => {
      const docs = root.docs as PersistentMapping;
      for (const i of [100, 500, 999]) (docs.get(`d${i}`) as PersistentMapping).set('n', -i);
    });
    await caughtUp(reader, writer);
    reader.tm.begin();
    const values = valuesOf(reader);
    expect([values[99], values[100], values[500], values[999]]).toEqual([99, -100, -500, -999]);
    reader.tm.abort();
    await closeClients(reader);
  });
});

afterAll(() => closeClients(writer));
