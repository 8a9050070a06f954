/**
 * `zodb/config`: databases and storages from ZODB's text configuration
 * format and from URIs. See docs/configuration.md.
 *
 * @example
 * ```ts
 * import { databaseFromString, databaseFromURI } from 'zodb/config';
 *
 * const db = await databaseFromString(`
 *   <zodb>
 *     cache-size 10000
 *     <filestorage>
 *       path /var/db/Data.fs
 *     </filestorage>
 *   </zodb>`);
 * const other = await databaseFromURI('file:///var/db/Other.fs?read_only=true');
 * ```
 *
 * @module
 */

export {
  databaseFromString,
  databasesFromString,
  databaseFromFile,
  databasesFromFile,
  databaseFromURL,
  databasesFromURL,
  storageFromString,
  storageFromFile,
  storageFromURL,
  type FromStringOptions,
} from './load.js';
export {
  databaseFromURI,
  storageFromURI,
  resolveURI,
  registerUriScheme,
  uriSchemes,
  type ResolvedURI,
  type UriSchemeResolver,
  type NestedUriResolver,
} from './uri.js';
export { DATABASE_PARAMETERS, type ParameterSchema } from './uri-parameters.js';
export {
  databasesOf,
  openDatabase,
  openDatabases,
  type OpenDatabaseOptions,
} from './open-database.js';
export {
  parseConfiguration,
  readConfiguration,
  readConfigurationText,
  type Configuration,
  type ConfigurationOptions,
  type ConfiguredStorage,
} from './configuration.js';
export { readDatabaseSection, DATABASE_KEYS, type DatabaseConfig } from './database-section.js';
export { registerStorageSection, storageSectionTypes, buildStorage } from './storage-sections.js';
export type {
  StorageFactory,
  StorageOverrides,
  StorageSectionType,
  NestedStorageBuilder,
} from './storage-factory.js';
export { parseConfigText, type ParseOptions } from './config-parser.js';
export type { ConfigKey, ConfigSection } from './config-tree.js';
export { readKeys, expectNoSections } from './section-schema.js';
export type { KeySpec, KeySchema, KeyValues, RefusedKeys } from './section-schema.js';
export type { ValueKind, ValueOfKind } from './value-types.js';
export { parseByteSize, parseTimeInterval, parseBoolean, parseInteger } from './value-types.js';
export { FILE_STORAGE_KEYS, fileStorageFactory } from './file-storage-section.js';
export { MAPPING_STORAGE_KEYS, mappingStorageFactory } from './mapping-storage-section.js';
export {
  DEMO_STORAGE_KEYS,
  demoStorageFactory,
  type DemoStorageParts,
} from './demo-storage-section.js';
export { ConfigError, type ConfigLocation } from './config-error.js';
