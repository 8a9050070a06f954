/**
 * What configuration produces for a storage: a {@link StorageFactory} that
 * opens it on demand, and the contract of the section types that build
 * factories ({@link StorageSectionType}), so that storages added later
 * (client-server, PostgreSQL) plug their own sections in.
 *
 * @module
 */

import type { Storage } from '../storage/interfaces.js';
import type { ConfigSection } from './config-tree.js';

/** Changes a caller may ask for when opening a configured storage. */
export interface StorageOverrides {
  /**
   * Open read-only whatever the configuration says (tools that only read
   * use this so they can run beside a writer). A read-only open never
   * creates or truncates anything, so it also drops `create`.
   */
  readonly readOnly?: boolean;
}

/** A configured storage, not yet opened. */
export interface StorageFactory {
  /** The section type or URI scheme it came from: `filestorage`, `mappingstorage`, ... */
  readonly type: string;
  /** A short human description, e.g. `filestorage /var/db/Data.fs`. */
  readonly description: string;
  /**
   * The data files the storage keeps (absolute paths of Data.fs files), so
   * that tools can check the files even when the storage cannot be opened.
   */
  readonly dataFiles: readonly string[];
  /** Opens a new storage instance; each call opens another one. */
  open(overrides?: StorageOverrides): Promise<Storage>;
}

/** Builds the factory of a nested storage section (used by sections that hold storages). */
export type NestedStorageBuilder = (section: ConfigSection) => StorageFactory;

/**
 * A storage section type, such as `<filestorage>`. `build` checks the
 * section (keys, sub-sections) and throws ConfigError with the location of
 * anything wrong; it must not open the storage.
 */
export interface StorageSectionType {
  /** The lower-case section type name. */
  readonly type: string;
  build(section: ConfigSection, nested: NestedStorageBuilder): StorageFactory;
}
