/**
 * The registry of storage section types, with the built-in ones
 * (`<filestorage>`, `<mappingstorage>`, `<demostorage>`), and
 * {@link buildStorage}, which turns any storage section into a factory.
 *
 * @module
 */

import { ConfigError } from './config-error.js';
import type { ConfigSection } from './config-tree.js';
import { describeSection } from './config-tree.js';
import { didYouMean } from './closest-name.js';
import { demoStorageSection } from './demo-storage-section.js';
import { fileStorageSection } from './file-storage-section.js';
import { mappingStorageSection } from './mapping-storage-section.js';
import type { StorageFactory, StorageSectionType } from './storage-factory.js';
import { zeoClientSection } from './zeo-client-section.js';

const sectionTypes = new Map<string, StorageSectionType>();

/**
 * Makes a storage section type available to every configuration parsed
 * afterwards (how storages outside this module add their sections).
 *
 * @throws TypeError when the type name is taken or not lower-case.
 */
export function registerStorageSection(definition: StorageSectionType): void {
  if (!/^[a-z][a-z0-9_.-]*$/.test(definition.type)) {
    throw new TypeError(
      `storage section type "${definition.type}" must be lower-case letters, digits, _ . -`,
    );
  }
  if (sectionTypes.has(definition.type) || definition.type === 'zodb') {
    throw new TypeError(`storage section type "${definition.type}" is already registered`);
  }
  sectionTypes.set(definition.type, definition);
}

/** The registered storage section type names. */
export function storageSectionTypes(): string[] {
  return [...sectionTypes.keys()];
}

/** True when `section` is of a registered storage type. */
export function isStorageSection(section: ConfigSection): boolean {
  return sectionTypes.has(section.type);
}

/**
 * The factory of the storage `section` describes.
 *
 * @throws ConfigError when the section is not a storage section or is wrong inside.
 */
export function buildStorage(section: ConfigSection): StorageFactory {
  const definition = sectionTypes.get(section.type);
  if (definition === undefined) {
    const what =
      section.type === 'zodb'
        ? 'a <zodb> section cannot hold a database here'
        : `unknown storage section type <${section.type}>${didYouMean(section.type, sectionTypes.keys())}`;
    throw new ConfigError(
      section.at,
      `${what}; expected a storage section: ${[...sectionTypes.keys()].map((t) => `<${t}>`).join(', ')}`,
    );
  }
  return definition.build(section, buildStorage);
}

/** Exactly one storage sub-section of `section`, built. */
export function buildOnlyStorage(section: ConfigSection): StorageFactory {
  const [first, second] = section.sections;
  if (first === undefined) {
    throw new ConfigError(
      section.at,
      `${describeSection(section)} needs a storage section such as <filestorage> or <mappingstorage>`,
    );
  }
  if (second !== undefined) {
    throw new ConfigError(
      second.at,
      `${describeSection(section)} holds one storage; found a second, ${describeSection(second)}`,
    );
  }
  return buildStorage(first);
}

registerStorageSection(fileStorageSection);
registerStorageSection(mappingStorageSection);
registerStorageSection(demoStorageSection);
registerStorageSection(zeoClientSection);
