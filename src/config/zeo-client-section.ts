/**
 * The `<zeoclient>` section (ZEO's ClientStorage configuration): a storage
 * served by `zodb server`.
 *
 * ```
 * <zeoclient>
 *   server localhost:8100
 *   server /var/run/zodb.sock
 *   storage 1
 *   cache-size 200MB
 *   client app
 *   var /var/cache/zodb
 *   blob-dir /var/cache/zodb/blobs
 * </zeoclient>
 * ```
 *
 * `server` may be repeated (tried in order); `client` + `var` name the
 * persistent cache file `<var>/<client>-<storage>.zec` (or give
 * `cache-file`); `shared-blob-dir true` says `blob-dir` is the server's blob
 * directory mounted here; `tls-ca`, `tls-server-name`, `tls-verify` (or
 * `tls true` for the system CAs) turn TLS on.
 *
 * @module
 */

import * as path from 'node:path';
import { ClientStorage } from '../client/client-storage.js';
import type { ClientStorageOptions } from '../client/client-options.js';
import { parseAddress } from '../client/client-options.js';
import { ConfigError } from './config-error.js';
import type { ConfigSection } from './config-tree.js';
import { describeSection } from './config-tree.js';
import { expectNoSections, readKeys } from './section-schema.js';
import type { KeySchema } from './section-schema.js';
import type { StorageFactory, StorageOverrides, StorageSectionType } from './storage-factory.js';

/** The keys of `<zeoclient>`. */
export const ZEO_CLIENT_KEYS = {
  server: { kind: 'string', required: true },
  storage: { kind: 'string' },
  'cache-size': { kind: 'byte-size' },
  client: { kind: 'string' },
  var: { kind: 'path' },
  'cache-file': { kind: 'path' },
  'read-only': { kind: 'boolean' },
  'read-only-fallback': { kind: 'boolean' },
  'wait-timeout': { kind: 'time-interval' },
  'blob-dir': { kind: 'path', emptyMeansAbsent: true },
  'shared-blob-dir': { kind: 'boolean' },
  token: { kind: 'string' },
  user: { kind: 'string' },
  password: { kind: 'string' },
  tls: { kind: 'boolean' },
  'tls-ca': { kind: 'path' },
  'tls-server-name': { kind: 'string' },
  'tls-verify': { kind: 'boolean' },
  neighbours: { kind: 'integer' },
  'max-frame-size': { kind: 'byte-size' },
  name: { kind: 'string' },
} as const satisfies KeySchema;

/**
 * A factory of client storages with `options`; a read-only override opens
 * the client read-only. Opening connects (blocking up to the wait timeout).
 */
export function zeoClientFactory(
  options: ClientStorageOptions,
  type = 'zeoclient',
): StorageFactory {
  const addresses = Array.isArray(options.address) ? options.address : [options.address];
  return {
    type,
    description: `${type} ${addresses.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(', ')} storage ${options.storage ?? '1'}`,
    dataFiles: [],
    open: async (overrides: StorageOverrides = {}) =>
      new ClientStorage(overrides.readOnly === true ? { ...options, readOnly: true } : options),
  };
}

function serversOf(section: ConfigSection): string[] {
  const servers: string[] = [];
  for (const item of section.keys) {
    if (item.key !== 'server') continue;
    try {
      parseAddress(item.value);
    } catch (error) {
      throw new ConfigError(
        item.valueAt,
        `key "server" of ${describeSection(section)}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    servers.push(item.value);
  }
  return servers;
}

/** The persistent cache file from `cache-file`, or `var` + `client` as ZEO names it. */
function cacheFileOf(
  section: ConfigSection,
  keys: {
    client?: string | undefined;
    var?: string | undefined;
    'cache-file'?: string | undefined;
  },
  storage: string,
): string | undefined {
  if (keys['cache-file'] !== undefined) return path.resolve(keys['cache-file']);
  if (keys.client === undefined) return undefined;
  if (!/^[A-Za-z0-9_.-]+$/.test(keys.client)) {
    throw new ConfigError(
      section.at,
      `key "client" of ${describeSection(section)} names a cache file: letters, digits, _ . - only`,
    );
  }
  return path.resolve(keys.var ?? '.', `${keys.client}-${storage}.zec`);
}

/** `<zeoclient>`: a client storage of a storage server. */
export const zeoClientSection: StorageSectionType = {
  type: 'zeoclient',
  build(section) {
    expectNoSections(section);
    const keys = readKeys(section, ZEO_CLIENT_KEYS);
    const storage = keys.storage ?? '1';
    const blobDir = keys['blob-dir'] === undefined ? undefined : path.resolve(keys['blob-dir']);
    if (keys['shared-blob-dir'] === true && blobDir === undefined) {
      throw new ConfigError(
        section.at,
        `${describeSection(section)}: shared-blob-dir needs blob-dir`,
      );
    }
    const useTls =
      keys.tls === true ||
      keys['tls-ca'] !== undefined ||
      keys['tls-server-name'] !== undefined ||
      keys['tls-verify'] !== undefined;
    return zeoClientFactory({
      address: serversOf(section),
      storage,
      cacheSize: keys['cache-size'],
      cacheFile: cacheFileOf(section, keys, storage),
      readOnly: keys['read-only'],
      readOnlyFallback: keys['read-only-fallback'],
      waitTimeout: keys['wait-timeout'],
      ...(keys['shared-blob-dir'] === true ? { sharedBlobDir: blobDir } : { blobDir }),
      token: keys.token,
      user: keys.user,
      password: keys.password,
      tls: useTls
        ? {
            ...(keys['tls-ca'] === undefined ? {} : { caFile: path.resolve(keys['tls-ca']) }),
            rejectUnauthorized: keys['tls-verify'] ?? true,
            servername: keys['tls-server-name'],
          }
        : undefined,
      neighbours: keys.neighbours,
      maxFrameBytes: keys['max-frame-size'],
      name: keys.name,
    });
  },
};
