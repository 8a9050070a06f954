/**
 * The `<demostorage>` section: a DemoStorage over an optional `base` and
 * `changes` storage given as sub-sections.
 *
 * @module
 */

import { DemoStorage } from '../storage/demo/demo-storage.js';
import type { Storage } from '../storage/interfaces.js';
import { ConfigError } from './config-error.js';
import type { ConfigSection } from './config-tree.js';
import { describeSection } from './config-tree.js';
import type { StorageFactory, StorageOverrides, StorageSectionType } from './storage-factory.js';
import { readKeys } from './section-schema.js';
import type { KeySchema } from './section-schema.js';

/** The keys of `<demostorage>`. */
export const DEMO_STORAGE_KEYS = {
  name: { kind: 'string' },
} as const satisfies KeySchema;

/** What a DemoStorage is made of. */
export interface DemoStorageParts {
  readonly name?: string | undefined;
  readonly base?: StorageFactory | undefined;
  readonly changes?: StorageFactory | undefined;
}

/**
 * A factory of DemoStorages over newly opened `base` and `changes` (each a
 * new MappingStorage when absent). The base is opened read-only: a
 * DemoStorage never writes it. A read-only override opens the changes
 * read-only too.
 */
export function demoStorageFactory(parts: DemoStorageParts, type = 'demostorage'): StorageFactory {
  const inner = [parts.base, parts.changes]
    .filter((f) => f !== undefined)
    .map((f) => f.description);
  return {
    type,
    description: inner.length === 0 ? type : `${type} (${inner.join(', ')})`,
    dataFiles: [...(parts.base?.dataFiles ?? []), ...(parts.changes?.dataFiles ?? [])],
    async open(overrides: StorageOverrides = {}) {
      const base = await parts.base?.open({ readOnly: true });
      let changes: Storage | undefined;
      try {
        changes = await parts.changes?.open(overrides);
      } catch (error) {
        await base?.close();
        throw error;
      }
      return new DemoStorage({ name: parts.name, base, changes });
    },
  };
}

/** `<demostorage>`: name, and storage sub-sections `base` and `changes`. */
export const demoStorageSection: StorageSectionType = {
  type: 'demostorage',
  build(section, nested) {
    const { name } = readKeys(section, DEMO_STORAGE_KEYS);
    const [base, changes] = assignRoles(section);
    return demoStorageFactory({
      name,
      base: base === undefined ? undefined : nested(base),
      changes: changes === undefined ? undefined : nested(changes),
    });
  },
};

/**
 * Sub-sections named `base` and `changes` take those roles; unnamed ones
 * fill the free roles in order (base first), as in ZODB.
 */
function assignRoles(
  section: ConfigSection,
): [ConfigSection | undefined, ConfigSection | undefined] {
  const roles: { base?: ConfigSection; changes?: ConfigSection } = {};
  const unnamed: ConfigSection[] = [];
  for (const inner of section.sections) {
    const role = inner.name?.toLowerCase();
    if (role === undefined) unnamed.push(inner);
    else if (role === 'base' || role === 'changes') {
      if (roles[role] !== undefined) {
        throw new ConfigError(inner.at, `${describeSection(section)} has two "${role}" storages`);
      }
      roles[role] = inner;
    } else {
      throw new ConfigError(
        inner.at,
        `${describeSection(inner)} in ${describeSection(section)}: a demostorage's storages are named "base" or "changes"`,
      );
    }
  }
  for (const inner of unnamed) {
    if (roles.base === undefined) roles.base = inner;
    else if (roles.changes === undefined) roles.changes = inner;
    else {
      throw new ConfigError(
        inner.at,
        `${describeSection(section)} takes at most two storages (base and changes), found a third`,
      );
    }
  }
  return [roles.base, roles.changes];
}
