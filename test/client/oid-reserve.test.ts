/**
 * New oids come from batches reserved on the server, the next batch asked
 * for before the current one runs out: every oid handed out is new, even
 * when loads (synchronous calls of their own) run while a batch is on its
 * way, and two clients never get the same oid.
 */

import { afterAll, describe, expect, it } from 'vitest';
import { NEW_OIDS_BATCH } from '../../src/client/limits.js';
import { closeClients, openClient } from './support/clients.js';
import { startTestServer } from './support/test-server.js';

const server = await startTestServer([{ name: '1', kind: 'mapping' }]);
afterAll(() => server.stop());

describe('new oids', () => {
  it('are distinct across batches while loads run between refills, and distinct between clients', async () => {
    const first = openClient(server.address, '1');
    const second = openClient(server.address, '1');
    const seen = new Set<number>();
    const total = NEW_OIDS_BATCH * 3 + 10;
    for (let i = 0; i < total; i++) {
      seen.add(first.storage.newOid());
      seen.add(second.storage.newOid());
      // A synchronous request of its own (always answered by the server) while a refill may be in flight.
      if (i % 37 === 0) expect(first.storage.getSize()).toBeGreaterThanOrEqual(0);
    }
    expect(seen.size).toBe(total * 2);
    expect(seen.has(0)).toBe(false);
    await closeClients(first, second);
  });
});
