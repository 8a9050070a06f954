/**
 * `zodb/server`: the storage server (ZEO's role). See
 * docs/client-server.md and src/protocol/PROTOCOL.md.
 *
 * @module
 */

export { StorageServer, SERVER_VERSION, type StorageServerOptions } from './storage-server.js';
export {
  Authenticator,
  hashPasswordLine,
  parsePasswordFile,
  readPasswordFile,
  type AuthenticationOptions,
  type PasswordEntry,
} from './authentication.js';
export {
  formatServerAddress,
  parseListenAddress,
  type ListenAddress,
  type ServerAddress,
  type TcpListen,
  type TlsOptions,
  type UnixListen,
} from './listen-address.js';
export {
  formatLogLine,
  lineLog,
  MemoryLog,
  silentLog,
  type LogFields,
  type LogLevel,
  type ServerLog,
} from './server-log.js';
export { RecentInvalidations, type CacheVerdict } from './recent-invalidations.js';
export {
  startServerThread,
  type ServerThreadHandle,
  type ServerThreadOptions,
} from './server-thread.js';
export {
  parseServerConfiguration,
  serverOptionsFromConfiguration,
  ZEO_KEYS,
  type ServerConfiguration,
  type ServerConfigurationOverrides,
} from './server-config.js';
