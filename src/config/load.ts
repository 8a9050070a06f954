/**
 * ZODB's `ZODB.config` functions: databases and storages from a
 * configuration string, file or URL.
 *
 * @module
 */

import type { DB } from '../connection/db.js';
import type { Storage } from '../storage/interfaces.js';
import { ConfigError } from './config-error.js';
import type { Configuration, ConfigurationOptions } from './configuration.js';
import { parseConfiguration, readConfiguration } from './configuration.js';
import type { OpenDatabaseOptions } from './open-database.js';
import { openDatabases } from './open-database.js';
import type { StorageOverrides } from './storage-factory.js';

/** Options of the `*FromString` functions. */
export interface FromStringOptions extends ConfigurationOptions, OpenDatabaseOptions {}

/**
 * Opens the databases of a configuration text (one or more `<zodb>`
 * sections) and returns the first. With several sections, every database
 * is opened and reachable through {@link databasesOf}`(db)`.
 *
 * @example
 * ```ts
 * const db = await databaseFromString(`
 *   <zodb>
 *     cache-size-bytes 100MB
 *     <filestorage>
 *       path /var/db/Data.fs
 *     </filestorage>
 *   </zodb>`);
 * ```
 * @throws ConfigError for any problem in the text (with line and column);
 *   the storage's own errors (a locked or damaged file) when opening fails.
 */
export async function databaseFromString(
  text: string,
  options: FromStringOptions = {},
): Promise<DB> {
  return firstOf(await databasesFromString(text, options));
}

/** Like {@link databaseFromString}, returning every database by name, in the order written. */
export async function databasesFromString(
  text: string,
  options: FromStringOptions = {},
): Promise<ReadonlyMap<string, DB>> {
  return openAll(parseConfiguration(text, options), options);
}

/** {@link databaseFromString} with the text of a file. */
export async function databaseFromFile(
  path: string,
  options: OpenDatabaseOptions = {},
): Promise<DB> {
  return firstOf(await databasesFromFile(path, options));
}

/** {@link databasesFromString} with the text of a file. */
export async function databasesFromFile(
  path: string,
  options: OpenDatabaseOptions = {},
): Promise<ReadonlyMap<string, DB>> {
  return openAll(await readConfiguration(path), options);
}

/** {@link databaseFromString} with the text at a path, `file:` or `http(s):` URL. */
export async function databaseFromURL(
  url: string | URL,
  options: OpenDatabaseOptions = {},
): Promise<DB> {
  return firstOf(await databasesFromURL(url, options));
}

/** {@link databasesFromString} with the text at a path, `file:` or `http(s):` URL. */
export async function databasesFromURL(
  url: string | URL,
  options: OpenDatabaseOptions = {},
): Promise<ReadonlyMap<string, DB>> {
  return openAll(await readConfiguration(url), options);
}

/**
 * Opens the storage of a configuration text holding exactly one storage
 * section (`<filestorage>`, `<mappingstorage>`, `<demostorage>`, ...).
 *
 * @throws ConfigError for any problem in the text, or when it does not hold exactly one storage section.
 */
export async function storageFromString(
  text: string,
  options: ConfigurationOptions & StorageOverrides = {},
): Promise<Storage> {
  return openOnlyStorage(parseConfiguration(text, options), options);
}

/** {@link storageFromString} with the text of a file. */
export async function storageFromFile(
  path: string,
  options: StorageOverrides = {},
): Promise<Storage> {
  return openOnlyStorage(await readConfiguration(path), options);
}

/** {@link storageFromString} with the text at a path, `file:` or `http(s):` URL. */
export async function storageFromURL(
  url: string | URL,
  options: StorageOverrides = {},
): Promise<Storage> {
  return openOnlyStorage(await readConfiguration(url), options);
}

async function openAll(
  configuration: Configuration,
  options: OpenDatabaseOptions,
): Promise<ReadonlyMap<string, DB>> {
  const stray = configuration.storages[0];
  if (stray !== undefined) {
    throw new ConfigError(
      stray.section.at,
      `a database configuration holds <zodb> sections; found a storage section (${stray.storage.description}) ` +
        'at the top level (wrap it in <zodb>, or use storageFromString)',
    );
  }
  if (configuration.databases.length === 0) {
    throw new ConfigError(
      { source: configuration.source, line: 1, column: 1 },
      'no <zodb> section; expected at least one <zodb> section holding a storage',
    );
  }
  return openDatabases(configuration.databases, options);
}

async function openOnlyStorage(
  configuration: Configuration,
  overrides: StorageOverrides,
): Promise<Storage> {
  const at = { source: configuration.source, line: 1, column: 1 };
  const database = configuration.databases[0];
  if (database !== undefined) {
    throw new ConfigError(
      database.section.at,
      'a storage configuration holds one storage section; found <zodb> (use databaseFromString)',
    );
  }
  if (configuration.storages.length !== 1) {
    throw new ConfigError(
      at,
      `a storage configuration holds exactly one storage section; found ${configuration.storages.length}`,
    );
  }
  return configuration.storages[0]!.storage.open(overrides);
}

function firstOf(databases: ReadonlyMap<string, DB>): DB {
  return databases.values().next().value!;
}
