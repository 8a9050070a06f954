/**
 * Store notifications travel to the network worker in batches (by count
 * and by bytes): a transaction larger than several batches commits every
 * object with its data, and a later transaction over the same objects
 * still sees its writes in order.
 */

import { afterAll, describe, expect, it } from 'vitest';
import { PersistentMapping } from '../../src/persistent/index.js';
import { closeClients, inTransaction, openClient, type Client } from './support/clients.js';
import { startTestServer } from './support/test-server.js';
import { NOTIFY_BATCH_BYTES, NOTIFY_BATCH_COUNT } from '../../src/client/limits.js';

const server = await startTestServer([{ name: '1', kind: 'mapping' }]);
afterAll(() => server.stop());

/** More objects than two batches by count, and more bytes than two batches by size. */
const COUNT = NOTIFY_BATCH_COUNT * 2 + 50;
const TEXT_LENGTH = Math.ceil((NOTIFY_BATCH_BYTES * 2) / COUNT) + 100;

function textOf(i: number, round: number): string {
  return `${round}:${i}:`.padEnd(TEXT_LENGTH, String.fromCharCode(97 + (i % 26)));
}

function readAll(client: Client): string[] {
  const docs = client.root.docs as PersistentMapping;
  const texts: string[] = [];
  for (let i = 0; i < COUNT; i++)
    texts.push(String((docs.get(`d${i}`) as PersistentMapping).get('t')));
  return texts;
}

describe('store batches', () => {
  it('commits a transaction of several batches by count and by bytes, every object with its data', async () => {
    const writer = openClient(server.address, '1');
    await inTransaction(writer, (root) => {
      const docs = new PersistentMapping();
      for (let i = 0; i < COUNT; i++)
        docs.set(`d${i}`, new PersistentMapping([['t', textOf(i, 0)]]));
      root.docs = docs;
    });
    await inTransaction(writer, (root) => {
      const docs = root.docs as PersistentMapping;
      for (let i = 0; i < COUNT; i += 3)
        (docs.get(`d${i}`) as PersistentMapping).set('t', textOf(i, 1));
    });
    const reader = openClient(server.address, '1', { neighbours: 0 });
    reader.tm.begin();
    const texts = readAll(reader);
    reader.tm.abort();
    expect(texts).toEqual(Array.from({ length: COUNT }, (_, i) => textOf(i, i % 3 === 0 ? 1 : 0)));
    await closeClients(writer, reader);
  });
});
