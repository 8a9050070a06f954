/**
 * ClientStorage -> storage server (worker thread) -> MappingStorage against
 * the shared storage conformance suite. Each test gets its own storage on
 * the server (the server serves many, each a fresh MappingStorage).
 */

import { afterAll } from 'vitest';
import { ClientStorage } from '../../src/client/client-storage.js';
import type { Storage } from '../../src/storage/interfaces.js';
import { describeStorageConformance } from '../storage/conformance.js';
import { CLIENT_SKIPS } from './support/conformance-skips.js';
import { startTestServer } from './support/test-server.js';

const STORAGES = 400;
const server = await startTestServer(
  Array.from({ length: STORAGES }, (_, i) => ({ name: `m${i}`, kind: 'mapping' as const })),
);
afterAll(() => server.stop());

let used = 0;
const storageNames = new WeakMap<Storage, string>();

function open(name: string, readOnly = false): ClientStorage {
  const storage = new ClientStorage({
    address: server.address,
    storage: name,
    readOnly,
    waitTimeout: 5,
  });
  storageNames.set(storage, name);
  return storage;
}

describeStorageConformance(
  'ClientStorage over MappingStorage',
  {
    make: () => {
      if (used >= STORAGES) throw new Error('the test server has no fresh storage left');
      return open(`m${used++}`);
    },
    reopen: (storage) => open(storageNames.get(storage)!),
    openReadOnly: (storage) => open(storageNames.get(storage)!, true),
  },
  { skip: CLIENT_SKIPS },
);
