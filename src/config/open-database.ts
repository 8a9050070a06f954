/**
 * Opening configured databases: {@link openDatabase}, {@link openDatabases},
 * and {@link databasesOf}, the multi-database a database was opened with.
 *
 * @module
 */

import { DB } from '../connection/db.js';
import type { DBOptions } from '../connection/db.js';
import type { ClassRegistry } from '../serialize/class-registry.js';
import type { DatabaseConfig } from './database-section.js';
import type { StorageOverrides } from './storage-factory.js';

/** Options of {@link openDatabase} and the `database*` loaders. */
export interface OpenDatabaseOptions extends StorageOverrides {
  /** The class registry of the databases (default: the process-wide one). */
  readonly registry?: ClassRegistry;
}

/** Each database opened from a multi-database configuration -> all of them, by name. */
const multiDatabases = new WeakMap<DB, ReadonlyMap<string, DB>>();

/**
 * The databases opened together with `db` from one configuration (itself
 * included, in the order written), or `undefined` for a database not
 * opened from a configuration. ZODB's `db.databases`.
 */
export function databasesOf(db: DB): ReadonlyMap<string, DB> | undefined {
  return multiDatabases.get(db);
}

/** Opens the storage of `config` and a DB over it. */
export async function openDatabase(
  config: DatabaseConfig,
  options: OpenDatabaseOptions = {},
): Promise<DB> {
  const storage = await config.storage.open(options);
  const dbOptions: DBOptions =
    options.registry === undefined
      ? config.options
      : { ...config.options, registry: options.registry };
  try {
    return new DB(storage, dbOptions);
  } catch (error) {
    await storage.close();
    throw error;
  }
}

/**
 * Opens every database of a configuration, by name in the order written;
 * if one fails, closes those already opened and throws its error. Each
 * database's {@link databasesOf} is the returned map.
 */
export async function openDatabases(
  configs: readonly DatabaseConfig[],
  options: OpenDatabaseOptions = {},
): Promise<ReadonlyMap<string, DB>> {
  const opened = new Map<string, DB>();
  try {
    for (const config of configs) opened.set(config.name, await openDatabase(config, options));
  } catch (error) {
    for (const db of opened.values()) await db.close();
    throw error;
  }
  for (const db of opened.values()) multiDatabases.set(db, opened);
  return opened;
}
