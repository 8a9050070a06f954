/**
 * Conflicts between clients of one server: resolved on the client with the
 * application's classes, refused when unresolvable, and readCurrent checked
 * across clients.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Length } from '../../src/btrees/index.js';
import { ConflictError, ReadConflictError } from '../../src/errors.js';
import { PersistentMapping } from '../../src/persistent/index.js';
import { caughtUp, closeClients, inTransaction, openClient } from './support/clients.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let next = 0;
const fresh = (): string => `c${next++}`;

beforeAll(async () => {
  server = await startTestServer(
    Array.from({ length: 6 }, (_, i) => ({ name: `c${i}`, kind: 'mapping' as const })),
  );
});
afterAll(() => server.stop());

describe('conflicts between clients', () => {
  it('resolves concurrent changes of a BTrees Length on the client that votes second', async () => {
    const name = fresh();
    const a = openClient(server.address, name);
    const b = openClient(server.address, name);
    await inTransaction(a, (root) => {
      root.count = new Length(10);
    });
    await caughtUp(b, a);
    b.tm.begin();
    a.tm.begin();
    (b.root.count as Length).change(5);
    (a.root.count as Length).change(-3);
    await a.tm.commit();
    await b.tm.commit();
    await caughtUp(a, b);
    a.tm.begin();
    expect((a.root.count as Length).value).toBe(12);
    a.tm.abort();
    await closeClients(a, b);
  });

  it('raises ConflictError for concurrent changes of an object without a resolver, and the retry succeeds', async () => {
    const name = fresh();
    const a = openClient(server.address, name);
    const b = openClient(server.address, name);
    await inTransaction(a, (root) => {
      root.doc = new PersistentMapping();
    });
    await caughtUp(b, a);
    b.tm.begin();
    a.tm.begin();
    (b.root.doc as PersistentMapping).set('who', 'b');
    (a.root.doc as PersistentMapping).set('who', 'a');
    await a.tm.commit();
    await expect(b.tm.commit()).rejects.toBeInstanceOf(ConflictError);
    b.tm.abort();
    await inTransaction(b, (root) => {
      (root.doc as PersistentMapping).set('who', 'b');
    });
    await caughtUp(a, b);
    a.tm.begin();
    expect((a.root.doc as PersistentMapping).get('who')).toBe('b');
    a.tm.abort();
    await closeClients(a, b);
  });

  it('fails a commit whose readCurrent object another client changed meanwhile', async () => {
    const name = fresh();
    const a = openClient(server.address, name);
    const b = openClient(server.address, name);
    await inTransaction(a, (root) => {
      root.limit = new PersistentMapping([['max', 10]]);
      root.spent = new PersistentMapping([['total', 0]]);
    });
    await caughtUp(b, a);
    b.tm.begin();
    const limit = b.root.limit as PersistentMapping;
    b.conn.readCurrent(limit);
    (b.root.spent as PersistentMapping).set('total', Number(limit.get('max')));
    await inTransaction(a, (root) => {
      (root.limit as PersistentMapping).set('max', 5);
    });
    await expect(b.tm.commit()).rejects.toBeInstanceOf(ReadConflictError);
    b.tm.abort();
    await closeClients(a, b);
  });
});
