/**
 * The `<filestorage>` section and its options (ZODB's FileStorage text
 * configuration).
 *
 * @module
 */

import * as path from 'node:path';
import { FileStorage } from '../storage/file/file-storage.js';
import type { FileStorageOptions } from '../storage/file/options.js';
import type { StorageFactory, StorageOverrides, StorageSectionType } from './storage-factory.js';
import { expectNoSections, readKeys } from './section-schema.js';
import type { KeySchema } from './section-schema.js';

/** The keys of `<filestorage>`. */
export const FILE_STORAGE_KEYS = {
  path: { kind: 'path', required: true },
  create: { kind: 'boolean' },
  'read-only': { kind: 'boolean' },
  quota: { kind: 'byte-size' },
  'pack-gc': { kind: 'boolean' },
  'pack-keep-old': { kind: 'boolean' },
  'blob-dir': { kind: 'path', emptyMeansAbsent: true },
} as const satisfies KeySchema;

/**
 * A factory opening a FileStorage at `dataPath` with `options`; a
 * read-only override opens it read-only and without `create`.
 */
export function fileStorageFactory(
  dataPath: string,
  options: FileStorageOptions,
  type = 'filestorage',
): StorageFactory {
  const absolute = path.resolve(dataPath);
  return {
    type,
    description: `${type} ${absolute}`,
    dataFiles: [absolute],
    open: async (overrides: StorageOverrides = {}) =>
      FileStorage.open(
        absolute,
        overrides.readOnly === true ? { ...options, readOnly: true, create: false } : options,
      ),
  };
}

/** `<filestorage>`: path, create, read-only, quota, pack-gc, pack-keep-old, blob-dir. */
export const fileStorageSection: StorageSectionType = {
  type: 'filestorage',
  build(section) {
    expectNoSections(section);
    const keys = readKeys(section, FILE_STORAGE_KEYS, {
      packer: 'alternative pack implementations named by Python dotted names are not supported',
    });
    return fileStorageFactory(keys.path!, {
      create: keys.create,
      readOnly: keys['read-only'],
      quota: keys.quota,
      packGc: keys['pack-gc'],
      packKeepOld: keys['pack-keep-old'],
      blobDir: keys['blob-dir'] === undefined ? undefined : path.resolve(keys['blob-dir']),
    });
  },
};
