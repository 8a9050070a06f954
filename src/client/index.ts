/**
 * The client storage of the storage server (ZEO's ClientStorage): see
 * {@link ClientStorage} and docs/client-server.md.
 *
 * @module
 */

export { ClientStorage, type ClientStorageStatus } from './client-storage.js';
export type {
  ClientAddress,
  ClientStorageOptions,
  ClientTlsOptions,
  ServerAddress,
} from './client-options.js';
export type { ClientCacheStats } from './client-cache.js';
