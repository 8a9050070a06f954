/**
 * Undo and pack through the server with the database's real records (the
 * conformance areas that need them are skipped for the client, see
 * `support/conformance-skips.ts`): an undo made by one client is seen by
 * another, a pack on the server removes unreachable objects, and
 * deleteObject writes a deletion revision.
 */

import { afterAll, describe, expect, it } from 'vitest';
import { ClientStorage } from '../../src/client/client-storage.js';
import { POSKeyError } from '../../src/errors.js';
import { MAX_TID } from '../../src/ids.js';
import { PersistentMapping } from '../../src/persistent/index.js';
import { caughtUp, closeClients, inTransaction, openClient } from './support/clients.js';
import { startTestServer } from './support/test-server.js';

const server = await startTestServer([
  { name: 'undo', kind: 'mapping' },
  { name: 'pack', kind: 'mapping' },
  { name: 'gc', kind: 'mapping' },
]);
afterAll(() => server.stop());

describe('undo and pack through the server', () => {
  it('undoes the last transaction for every client', async () => {
    const a = openClient(server.address, 'undo');
    const b = openClient(server.address, 'undo');
    await inTransaction(a, (root) => {
      root.value = 'first';
    });
    await inTransaction(a, (root) => {
      root.value = 'second';
    });
    const [last] = a.db.undoLog(0, 1);
    a.tm.begin();
    a.db.undo(last!.id, a.tm.get());
    await a.tm.commit();
    await caughtUp(b, a);
    b.tm.begin();
    expect(b.root.value).toBe('first');
    b.tm.abort();
    await closeClients(a, b);
  });

  it('packs on the server, removing objects no longer reachable from the root', async () => {
    const client = openClient(server.address, 'pack');
    const doomed = new PersistentMapping([['x', 1]]);
    await inTransaction(client, (root) => {
      root.doomed = doomed;
    });
    const oid = doomed._p_oid!;
    await inTransaction(client, (root) => {
      delete root.doomed;
    });
    expect(client.storage.history(oid)).toHaveLength(1);
    await client.db.pack();
    expect(() => client.storage.history(oid)).toThrow(POSKeyError);
    expect(client.storage.loadAt(oid, MAX_TID)).toBeNull();
    await closeClients(client);
  });

  it('writes a deletion revision with deleteObject (external GC)', async () => {
    const storage = new ClientStorage({ address: server.address, storage: 'gc', waitTimeout: 5 });
    const meta = { user: '', description: 'create', extension: {} };
    await storage.tpcBegin(meta);
    const oid = storage.newOid();
    storage.store(oid, 0n, new Uint8Array([1, 2, 3]), meta);
    await storage.tpcVote(meta);
    const created = await storage.tpcFinish(meta);
    const gc = { user: '', description: 'gc', extension: {} };
    await storage.tpcBegin(gc);
    storage.deleteObject(oid, created, gc);
    await storage.tpcVote(gc);
    const deleted = await storage.tpcFinish(gc);
    expect(storage.loadAt(oid, deleted)).toEqual({ data: null, serial: deleted });
    expect(storage.loadAt(oid, created)?.data).toEqual(new Uint8Array([1, 2, 3]));
    await storage.close();
  });
});
