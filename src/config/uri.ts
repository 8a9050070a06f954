/**
 * Storage and database URIs (zodburi's role): `file:///var/db/Data.fs?quota=1GB`,
 * `memory://name`, `demo:(base-uri)/(changes-uri)`, `zconfig:///etc/zodb.conf#main`;
 * more schemes can be registered by storages added later. Every URI also
 * accepts the database parameters of {@link DATABASE_PARAMETERS}.
 *
 * @module
 */

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DB } from '../connection/db.js';
import type { DBOptions } from '../connection/db.js';
import type { Storage } from '../storage/interfaces.js';
import { ConfigError } from './config-error.js';
import { readConfiguration } from './configuration.js';
import { didYouMean } from './closest-name.js';
import { demoStorageFactory } from './demo-storage-section.js';
import { fileStorageFactory } from './file-storage-section.js';
import { URI_NESTING_DEPTH_MAX } from './limits.js';
import { mappingStorageFactory } from './mapping-storage-section.js';
import type { OpenDatabaseOptions } from './open-database.js';
import type { StorageFactory, StorageOverrides } from './storage-factory.js';
import { readParameters } from './uri-parameters.js';
import { resolveZeoURI } from './zeo-uri.js';

/** What a URI describes: a storage, and options for a database over it. */
export interface ResolvedURI {
  readonly storage: StorageFactory;
  /** `DB` options from the URI's database parameters (or its configuration section). */
  readonly databaseOptions: DBOptions;
}

/** Resolves nested URIs (for schemes such as `demo:` that hold others). */
export type NestedUriResolver = (uri: string) => Promise<ResolvedURI>;

/**
 * Resolves one scheme's URIs. Throws ConfigError (source: the URI, line 1,
 * column: where the problem is) for anything wrong; must not open the storage.
 */
export type UriSchemeResolver = (uri: string, nested: NestedUriResolver) => Promise<ResolvedURI>;

const schemes = new Map<string, UriSchemeResolver>();

/**
 * Makes a URI scheme (without the colon, lower-case) available to
 * {@link resolveURI} and everything built on it.
 *
 * @throws TypeError when the scheme is taken or malformed.
 */
export function registerUriScheme(scheme: string, resolver: UriSchemeResolver): void {
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme))
    throw new TypeError(`"${scheme}" is not a URI scheme name`);
  if (schemes.has(scheme)) throw new TypeError(`URI scheme "${scheme}" is already registered`);
  schemes.set(scheme, resolver);
}

/** The registered URI schemes. */
export function uriSchemes(): string[] {
  return [...schemes.keys()];
}

/**
 * What `uri` describes, without opening anything.
 *
 * @throws ConfigError for an unknown scheme, a malformed URI or a bad parameter.
 */
export async function resolveURI(uri: string): Promise<ResolvedURI> {
  return resolveAtDepth(uri, 0);
}

async function resolveAtDepth(uri: string, depth: number): Promise<ResolvedURI> {
  const at = { source: uri, line: 1, column: 1 };
  if (depth > URI_NESTING_DEPTH_MAX) {
    throw new ConfigError(at, `URIs nested more than ${URI_NESTING_DEPTH_MAX} levels deep`);
  }
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri);
  if (match === null) {
    throw new ConfigError(
      at,
      `"${uri}" is not a URI; expected scheme:..., one of ${uriSchemes()
        .map((s) => `${s}:`)
        .join(', ')}`,
    );
  }
  const scheme = match[1]!.toLowerCase();
  const resolver = schemes.get(scheme);
  if (resolver === undefined) {
    throw new ConfigError(
      at,
      `unknown URI scheme "${scheme}:"${didYouMean(scheme, schemes.keys())}; expected one of ${uriSchemes()
        .map((s) => `${s}:`)
        .join(', ')}`,
    );
  }
  return resolver(uri, (inner) => resolveAtDepth(inner, depth + 1));
}

/** Opens the storage `uri` describes. */
export async function storageFromURI(
  uri: string,
  overrides: StorageOverrides = {},
): Promise<Storage> {
  return (await resolveURI(uri)).storage.open(overrides);
}

/**
 * Opens a database over the storage `uri` describes, with the URI's
 * database parameters (`DB.fromURI`).
 *
 * @example
 * ```ts
 * const db = await databaseFromURI('file:///var/db/Data.fs?connection_cache_size=20000');
 * ```
 */
export async function databaseFromURI(uri: string, options: OpenDatabaseOptions = {}): Promise<DB> {
  const resolved = await resolveURI(uri);
  const storage = await resolved.storage.open(options);
  try {
    return new DB(
      storage,
      options.registry === undefined
        ? resolved.databaseOptions
        : { ...resolved.databaseOptions, registry: options.registry },
    );
  } catch (error) {
    await storage.close();
    throw error;
  }
}

function parseURL(uri: string): URL {
  try {
    return new URL(uri);
  } catch (error) {
    throw new ConfigError({ source: uri, line: 1, column: 1 }, `malformed URI "${uri}"`, {
      cause: error,
    });
  }
}

const FILE_PARAMETERS = {
  create: 'boolean',
  read_only: 'boolean',
  quota: 'byte-size',
  blobstorage_dir: 'path',
  pack_gc: 'boolean',
  pack_keep_old: 'boolean',
} as const;

/** `file:///absolute/path/Data.fs?create=...&read_only=...&quota=...&blobstorage_dir=...&pack_gc=...&pack_keep_old=...` */
async function resolveFileURI(uri: string): Promise<ResolvedURI> {
  const url = parseURL(uri);
  if (url.host !== '' && url.host !== 'localhost') {
    throw new ConfigError(
      { source: uri, line: 1, column: 8 },
      `file URIs name a local absolute path (file:///path/Data.fs); "${url.host}" is read as a host`,
    );
  }
  if (url.pathname === '/' || url.pathname === '') {
    throw new ConfigError(
      { source: uri, line: 1, column: 1 },
      'the file URI names no file; expected file:///path/Data.fs',
    );
  }
  const { storage, database } = readParameters(uri, FILE_PARAMETERS);
  const factory = fileStorageFactory(
    fileURLToPath(new URL(url.pathname, 'file://')),
    {
      create: storage.create,
      readOnly: storage.read_only,
      quota: storage.quota,
      packGc: storage.pack_gc,
      packKeepOld: storage.pack_keep_old,
      blobDir:
        storage.blobstorage_dir === undefined ? undefined : path.resolve(storage.blobstorage_dir),
    },
    'file',
  );
  return { storage: factory, databaseOptions: database };
}

/** `memory://` or `memory://name`: a new, empty MappingStorage. */
async function resolveMemoryURI(uri: string): Promise<ResolvedURI> {
  const url = parseURL(uri);
  const name = decodeURIComponent(url.host + url.pathname).replace(/^\/+|\/+$/g, '');
  const { database } = readParameters(uri, {});
  return {
    storage: mappingStorageFactory(name === '' ? undefined : name, 'memory'),
    databaseOptions: database,
  };
}

/** `demo:(base-uri)/(changes-uri)[?database parameters]`; either part may be empty: `demo:()/()`. */
async function resolveDemoURI(uri: string, nested: NestedUriResolver): Promise<ResolvedURI> {
  const prefix = 'demo:'.length;
  const base = parenthesized(uri, prefix);
  if (uri[base.end] !== '/') {
    throw new ConfigError(
      { source: uri, line: 1, column: base.end + 1 },
      'expected "/" between the base and changes URIs: demo:(base-uri)/(changes-uri)',
    );
  }
  const changes = parenthesized(uri, base.end + 1);
  const rest = uri.slice(changes.end);
  if (rest !== '' && !rest.startsWith('?')) {
    throw new ConfigError(
      { source: uri, line: 1, column: changes.end + 1 },
      `unexpected "${rest}" after the changes URI`,
    );
  }
  const { database } = readParameters(uri, {}, rest === '' ? -1 : changes.end);
  const baseResolved = base.inner === '' ? undefined : await nested(base.inner);
  const changesResolved = changes.inner === '' ? undefined : await nested(changes.inner);
  return {
    storage: demoStorageFactory(
      { base: baseResolved?.storage, changes: changesResolved?.storage },
      'demo',
    ),
    databaseOptions: { ...changesResolved?.databaseOptions, ...database },
  };
}

/** The balanced `( ... )` starting at `start`: its content and the index after it. */
function parenthesized(uri: string, start: number): { inner: string; end: number } {
  if (uri[start] !== '(') {
    throw new ConfigError(
      { source: uri, line: 1, column: start + 1 },
      'expected "(": demo URIs are written demo:(base-uri)/(changes-uri)',
    );
  }
  let depth = 0;
  for (let i = start; i < uri.length; i++) {
    if (uri[i] === '(') depth++;
    else if (uri[i] === ')' && --depth === 0) return { inner: uri.slice(start + 1, i), end: i + 1 };
  }
  throw new ConfigError({ source: uri, line: 1, column: start + 1 }, 'this "(" is never closed');
}

/**
 * `zconfig:///path/zodb.conf#name`: the `<zodb name>` section (or top-level
 * storage section named `name`) of a configuration file; without a
 * fragment, its first `<zodb>` section, else its only storage section.
 */
async function resolveZConfigURI(uri: string): Promise<ResolvedURI> {
  const url = parseURL(uri);
  const file = path.resolve(decodeURIComponent(url.host + url.pathname));
  const configuration = await readConfiguration(file);
  const wanted = url.hash === '' ? undefined : decodeURIComponent(url.hash.slice(1));
  const at = { source: uri, line: 1, column: uri.indexOf('#') + 2 };
  const database = configuration.databases.find(
    (d) => wanted === undefined || d.section.name === wanted || d.name === wanted,
  );
  if (database !== undefined)
    return { storage: database.storage, databaseOptions: database.options };
  const storage = configuration.storages.find((s) => wanted === undefined || s.name === wanted);
  if (storage !== undefined) return { storage: storage.storage, databaseOptions: {} };
  throw new ConfigError(
    at,
    wanted === undefined
      ? `${file} holds no <zodb> or storage section`
      : `${file} has no <zodb ${wanted}> section; it has ${configuration.databases.map((d) => `"${d.name}"`).join(', ') || 'no databases'}`,
  );
}

registerUriScheme('file', resolveFileURI);
registerUriScheme('memory', resolveMemoryURI);
registerUriScheme('demo', resolveDemoURI);
registerUriScheme('zconfig', resolveZConfigURI);
registerUriScheme('zeo', resolveZeoURI);
