/**
 * Registration with the server: credentials, read-only servers and the
 * read-only fallback, a storage the server does not have, and capabilities
 * that follow the served storage.
 */

import { afterAll, describe, expect, it } from 'vitest';
import { ClientStorage } from '../../src/client/client-storage.js';
import {
  AuthenticationError,
  ClientDisconnectedError,
  ReadOnlyError,
  StorageError,
} from '../../src/errors.js';
import { isIteratorStorage, isUndoStorage } from '../../src/storage/interfaces.js';
import { startTestServer } from './support/test-server.js';

const guarded = await startTestServer(
  [
    { name: '1', kind: 'mapping' },
    { name: 'demo', kind: 'demo' },
  ],
  { token: 's3cret' },
);
const readOnly = await startTestServer([{ name: '1', kind: 'mapping' }], { readOnly: true });
afterAll(async () => {
  await guarded.stop();
  await readOnly.stop();
});

describe('registration', () => {
  it('connects with the right token and is refused with AuthenticationError otherwise', async () => {
    const storage = new ClientStorage({
      address: guarded.address,
      token: 's3cret',
      waitTimeout: 5,
    });
    expect(storage.lastTransaction()).toBe(0n);
    await storage.close();
    expect(
      () => new ClientStorage({ address: guarded.address, token: 'wrong', waitTimeout: 5 }),
    ).toThrow(AuthenticationError);
  });

  it('is refused by a read-only server unless read-only or falling back to read-only', async () => {
    expect(() => new ClientStorage({ address: readOnly.address, waitTimeout: 5 })).toThrow(
      ReadOnlyError,
    );
    const fallback = new ClientStorage({
      address: readOnly.address,
      readOnlyFallback: true,
      waitTimeout: 5,
    });
    expect(fallback.isReadOnly()).toBe(true);
    await fallback.close();
    const asked = new ClientStorage({ address: readOnly.address, readOnly: true, waitTimeout: 5 });
    expect(asked.isReadOnly()).toBe(true);
    await asked.close();
  });

  it('names a storage the server does not serve in the error', () => {
    expect(
      () => new ClientStorage({ address: guarded.address, token: 's3cret', storage: 'nope' }),
    ).toThrow(StorageError);
  });

  it('throws ClientDisconnectedError from the constructor when nothing listens, after the wait timeout', () => {
    expect(() => new ClientStorage({ address: '127.0.0.1:1', waitTimeout: 0.2 })).toThrow(
      ClientDisconnectedError,
    );
  });

  it('hides the capabilities the served storage lacks from the type guards', async () => {
    const mapping = new ClientStorage({ address: guarded.address, token: 's3cret' });
    const demo = new ClientStorage({ address: guarded.address, token: 's3cret', storage: 'demo' });
    // A DemoStorage cannot undo; a MappingStorage can. Both iterate.
    expect(isUndoStorage(mapping)).toBe(true);
    expect(isUndoStorage(demo)).toBe(false);
    expect(isIteratorStorage(demo)).toBe(true);
    await mapping.close();
    await demo.close();
  });
});
