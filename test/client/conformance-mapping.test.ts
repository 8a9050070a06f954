/**
 * ClientStorage -> storage server (worker thread) -> MappingStorage against
 * the shared storage conformance suite. Each test gets its own storage on
 * the server (the server serves many, each a fresh MappingStorage).
 */

import { afterAll } from 'vitest';
import { describeStorageConformance } from '../storage/conformance.js';
import { CLIENT_SKIPS } from './support/conformance-skips.js';
import { NamedClientStorages } from './support/named-storages.js';
import { startTestServer } from './support/test-server.js';

const STORAGES = 400;
const server = await startTestServer(
  Array.from({ length: STORAGES }, (_, i) => ({ name: `m${i}`, kind: 'mapping' as const })),
);
afterAll(() => server.stop());

const clients = new NamedClientStorages({
  address: server.address,
  prefix: 'm',
  count: STORAGES,
  waitTimeout: 5,
});

describeStorageConformance('ClientStorage over MappingStorage', clients.factory(), {
  skip: CLIENT_SKIPS,
});
