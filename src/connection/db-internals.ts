/**
 * What a `Connection` needs from its `DB` (kept as an interface so the two
 * files do not import each other's classes).
 *
 * @internal
 * @module
 */

import type { Oid } from '../ids.js';
import type { Persistent } from '../persistent/persistent.js';
import type { ClassRegistry } from '../serialize/class-registry.js';
import type { TransactionManager } from '../transaction/manager.js';
import type { Transaction } from '../transaction/transaction.js';

/** The transaction managers a connection accepts (the default manager is one too). */
export type TransactionManagerLike = TransactionManager;

/** The DB as its connections see it. */
export interface DBInternals {
  readonly registry: ClassRegistry;
  /** A connection was closed: take it back into the pool. */
  connectionClosed(connection: object): void;
  /** Warns when a record is larger than `largeRecordSize`. */
  checkRecordSize(oid: Oid, bytes: number): void;
  /** The persistent class registered under `className`; UnknownClassError when there is none. */
  persistentClassFor(className: string, oid: Oid): typeof Persistent;
  /** True when an undo of this DB joined `txn` (undo must be committed on its own). */
  undoJoined(txn: Transaction): boolean;
}
