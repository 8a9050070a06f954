/**
 * The `<mappingstorage>` section: an in-memory MappingStorage.
 *
 * @module
 */

import { MappingStorage } from '../storage/mapping/mapping-storage.js';
import type { StorageFactory, StorageSectionType } from './storage-factory.js';
import { expectNoSections, readKeys } from './section-schema.js';
import type { KeySchema } from './section-schema.js';

/** The keys of `<mappingstorage>`. */
export const MAPPING_STORAGE_KEYS = {
  name: { kind: 'string' },
} as const satisfies KeySchema;

/** A factory of empty MappingStorages named `name` (default `MappingStorage`). */
export function mappingStorageFactory(
  name: string | undefined,
  type = 'mappingstorage',
): StorageFactory {
  return {
    type,
    description: name === undefined ? type : `${type} ${name}`,
    dataFiles: [],
    open: async (overrides = {}) =>
      new MappingStorage({ name, readOnly: overrides.readOnly === true ? true : undefined }),
  };
}

/** `<mappingstorage>`: name. */
export const mappingStorageSection: StorageSectionType = {
  type: 'mappingstorage',
  build(section) {
    expectNoSections(section);
    return mappingStorageFactory(readKeys(section, MAPPING_STORAGE_KEYS).name);
  },
};
