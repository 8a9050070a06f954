/**
 * The `<zodb>` section: the database options of ZODB's "Database text
 * configuration" and the one storage the database uses.
 *
 * @module
 */

import type { DBOptions } from '../connection/db.js';
import type { ConfigSection } from './config-tree.js';
import { readKeys } from './section-schema.js';
import type { KeySchema } from './section-schema.js';
import type { StorageFactory } from './storage-factory.js';
import { buildOnlyStorage } from './storage-sections.js';

/** The keys of `<zodb>`; see docs/configuration.md for their defaults. */
export const DATABASE_KEYS = {
  'cache-size': { kind: 'integer' },
  'cache-size-bytes': { kind: 'byte-size' },
  'pool-size': { kind: 'integer' },
  'pool-timeout': { kind: 'time-interval' },
  'historical-pool-size': { kind: 'integer' },
  'historical-cache-size': { kind: 'integer' },
  'historical-cache-size-bytes': { kind: 'byte-size' },
  'historical-timeout': { kind: 'time-interval' },
  'database-name': { kind: 'string' },
  'large-record-size': { kind: 'byte-size' },
  'allow-implicit-cross-references': { kind: 'boolean' },
} as const satisfies KeySchema;

/** A configured database, not yet opened. */
export interface DatabaseConfig {
  /** The database's name: `database-name`, else the section name, else `unnamed`. */
  readonly name: string;
  /** The options for `new DB()` (only those the configuration gives). */
  readonly options: DBOptions;
  /**
   * `allow-implicit-cross-references` (default true). Kept for the
   * multi-database support to come; the database does not store
   * cross-database references yet, so it changes nothing today.
   */
  readonly allowImplicitCrossReferences: boolean;
  /** The database's storage. */
  readonly storage: StorageFactory;
  /** The section it was read from (for messages). */
  readonly section: ConfigSection;
}

/**
 * Reads a `<zodb>` section.
 *
 * @throws ConfigError for unknown keys, bad values, or not exactly one storage section.
 */
export function readDatabaseSection(section: ConfigSection): DatabaseConfig {
  const keys = readKeys(section, DATABASE_KEYS, {
    'class-factory': 'Python class factories do not apply; classes are found in the class registry',
  });
  const storage = buildOnlyStorage(section);
  const name = keys['database-name'] ?? section.name ?? 'unnamed';
  const options: DBOptions = {
    cacheSize: keys['cache-size'],
    cacheSizeBytes: keys['cache-size-bytes'],
    poolSize: keys['pool-size'],
    poolTimeout: keys['pool-timeout'],
    historicalPoolSize: keys['historical-pool-size'],
    historicalCacheSize: keys['historical-cache-size'],
    historicalCacheSizeBytes: keys['historical-cache-size-bytes'],
    historicalTimeout: keys['historical-timeout'],
    databaseName: name,
    largeRecordSize: keys['large-record-size'],
  };
  for (const key of Object.keys(options) as (keyof DBOptions)[]) {
    if (options[key] === undefined) delete options[key];
  }
  return {
    name,
    options,
    allowImplicitCrossReferences: keys['allow-implicit-cross-references'] ?? true,
    storage,
    section,
  };
}
