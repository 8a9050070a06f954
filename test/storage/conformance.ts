/**
 * The shared storage conformance suite: the behaviours ZODB's storage test
 * mixins check (BasicStorage, Synchronization, MVCC/RevisionStorage,
 * History, Iterator, TransactionalUndo, Packable, ReadOnly, Persistent,
 * Recovery/restore, conflict resolution, IExternalGC, MT), run against any
 * {@link Storage}.
 *
 * ```ts
 * describeStorageConformance('MappingStorage', { make: () => new MappingStorage() });
 * ```
 *
 * Every area runs in its own `describe`. Areas for optional capabilities
 * are skipped, with the reason in the name, when the storage's type guard
 * says it lacks them; a caller can skip more areas, always with a reason.
 */

import { describe } from 'vitest';
import {
  isDeletingStorage,
  isIteratorStorage,
  isRecordIteratorStorage,
  isRestoreStorage,
  isUndoStorage,
} from '../../src/storage/interfaces.js';
import type { Storage } from '../../src/storage/interfaces.js';
import { defineBasicTests, defineSynchronizationTests } from './conformance-basic.js';
import { defineConcurrencyTests } from './conformance-concurrency.js';
import { defineConflictTests } from './conformance-conflicts.js';
import { defineExternalGCTests } from './conformance-external-gc.js';
import { defineHistoryTests } from './conformance-history.js';
import { defineIteratorTests, defineRecordIteratorTests } from './conformance-iterator.js';
import { definePackGCTests, definePackTests } from './conformance-pack.js';
import { defineDurabilityTests, defineReadOnlyTests } from './conformance-read-only.js';
import { defineRestoreTests } from './conformance-restore.js';
import { defineMvccTests } from './conformance-mvcc.js';
import { defineUndoTests } from './conformance-undo.js';
import { useStorage } from './conformance-support.js';
import type { AreaContext, StorageFactory } from './conformance-support.js';

export type { StorageFactory } from './conformance-support.js';

/** The areas of the suite, each a `describe` block that can be skipped with a reason. */
export type ConformanceArea =
  | 'basic'
  | 'synchronization'
  | 'mvcc'
  | 'history'
  | 'iterator'
  | 'recordIterator'
  | 'undo'
  | 'pack'
  | 'packGC'
  | 'readOnly'
  | 'durability'
  | 'restore'
  | 'conflicts'
  | 'externalGC'
  | 'concurrency';

/** Options of {@link describeStorageConformance}. */
export interface ConformanceOptions {
  /** Areas not to run, each with the reason shown in the test report. */
  readonly skip?: Partial<Record<ConformanceArea, string>>;
}

interface AreaDefinition {
  readonly area: ConformanceArea;
  readonly title: string;
  readonly define: (context: AreaContext) => void;
  /** Why the area does not apply to this storage, or undefined when it does. */
  readonly notApplicable?: (probe: Storage, factory: StorageFactory) => string | undefined;
}

const AREAS: readonly AreaDefinition[] = [
  { area: 'basic', title: 'basic storage', define: defineBasicTests },
  {
    area: 'synchronization',
    title: 'two-phase-commit synchronization',
    define: defineSynchronizationTests,
  },
  { area: 'mvcc', title: 'revisions and MVCC reads', define: defineMvccTests },
  { area: 'history', title: 'history', define: defineHistoryTests },
  {
    area: 'iterator',
    title: 'transaction iteration',
    define: defineIteratorTests,
    notApplicable: (s) => (isIteratorStorage(s) ? undefined : 'storage is not an IteratorStorage'),
  },
  {
    area: 'recordIterator',
    title: 'current-record iteration',
    define: defineRecordIteratorTests,
    notApplicable: (s) =>
      isRecordIteratorStorage(s) ? undefined : 'storage is not a RecordIteratorStorage',
  },
  {
    area: 'undo',
    title: 'transactional undo',
    define: defineUndoTests,
    notApplicable: (s) => (isUndoStorage(s) ? undefined : 'storage is not an UndoStorage'),
  },
  { area: 'pack', title: 'pack', define: definePackTests },
  {
    area: 'packGC',
    title: 'pack garbage collection',
    define: definePackGCTests,
    notApplicable: (_s, f) =>
      f.packGC === false
        ? 'storage does not garbage-collect on pack (factory.packGC is false)'
        : undefined,
  },
  {
    area: 'readOnly',
    title: 'read-only storage',
    define: defineReadOnlyTests,
    notApplicable: (_s, f) =>
      f.openReadOnly === undefined ? 'the factory cannot open a storage read-only' : undefined,
  },
  {
    area: 'durability',
    title: 'durability across close and reopen',
    define: defineDurabilityTests,
    notApplicable: (_s, f) =>
      f.reopen === undefined ? 'the factory cannot reopen a closed storage' : undefined,
  },
  {
    area: 'restore',
    title: 'restore and copying transactions',
    define: defineRestoreTests,
    notApplicable: (s) => (isRestoreStorage(s) ? undefined : 'storage is not a RestoreStorage'),
  },
  { area: 'conflicts', title: 'conflict detection and resolution', define: defineConflictTests },
  {
    area: 'externalGC',
    title: 'external garbage collection (deleteObject)',
    define: defineExternalGCTests,
    notApplicable: (s) => (isDeletingStorage(s) ? undefined : 'storage is not a DeletingStorage'),
  },
  { area: 'concurrency', title: 'concurrent commits', define: defineConcurrencyTests },
];

/**
 * Defines the conformance suite for the storage `factory` makes, under a
 * `describe(name)`. Each test gets a fresh storage (closed after the test).
 * One storage is made at collection time to probe its capabilities.
 */
export function describeStorageConformance(
  name: string,
  factory: StorageFactory,
  options: ConformanceOptions = {},
): void {
  describe(`${name} storage conformance`, async () => {
    const probe = await factory.make();
    const reasons = new Map<ConformanceArea, string | undefined>();
    for (const definition of AREAS) {
      reasons.set(
        definition.area,
        options.skip?.[definition.area] ?? definition.notApplicable?.(probe, factory),
      );
    }
    await probe.close();
    for (const definition of AREAS) {
      const reason = reasons.get(definition.area);
      if (reason !== undefined) {
        describe.skip(`${definition.title} (skipped: ${reason})`, () => {
          definition.define(useStorage(factory));
        });
        continue;
      }
      describe(definition.title, () => {
        definition.define(useStorage(factory));
      });
    }
  });
}
