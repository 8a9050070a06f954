/**
 * Write-conflict handling shared by storages: when `store` finds that the
 * object's current serial is not the one the writer read, the storage asks
 * the database to merge the two changes, and otherwise raises a
 * {@link ConflictError} carrying the oid and both serials.
 *
 * @module
 */

import { BTreesConflictError, ConflictError } from '../errors.js';
import { ZERO_TID } from '../ids.js';
import type { Oid, Tid } from '../ids.js';
import type { StorageDB } from './interfaces.js';

/** A store whose `oldSerial` is not the current serial of `oid`. */
export interface StoreConflict {
  readonly oid: Oid;
  /** The current serial (`ZERO_TID` when the object does not exist). */
  readonly committedSerial: Tid;
  /** The current data; `null` when the object does not exist or is deleted. */
  readonly committedData: Uint8Array | null;
  /** The serial the writer read. */
  readonly oldSerial: Tid;
  /** What the writer wants to store. */
  readonly newData: Uint8Array;
}

/**
 * Returns the merged data for a conflicting store, from
 * `db.tryToResolveConflict`. Throws {@link ConflictError} with the oid and
 * serials when there is nothing to merge (the object is new, gone or
 * deleted on either side, or no database is registered) or when the
 * database cannot merge; the database's error is the `cause` and its
 * reason and class name are kept (a {@link BTreesConflictError} stays one,
 * with its reason code).
 */
export function resolveStoreConflict(
  db: StorageDB | undefined,
  conflict: StoreConflict,
): Uint8Array {
  const { oid, committedSerial, committedData, oldSerial, newData } = conflict;
  const details = { oid, committedSerial, oldSerial };
  if (committedData === null || oldSerial === ZERO_TID || db === undefined) {
    throw new ConflictError({ ...details, reason: unmergeableReason(conflict, db) });
  }
  try {
    return db.tryToResolveConflict(oid, committedSerial, oldSerial, newData, committedData);
  } catch (error) {
    if (error instanceof BTreesConflictError) {
      throw new BTreesConflictError(error.reasonCode, error.reason ?? error.message, {
        ...details,
        className: error.className,
        cause: error,
      });
    }
    if (error instanceof ConflictError) {
      throw new ConflictError({
        ...details,
        className: error.className,
        reason: error.reason ?? error.message,
        cause: error,
      });
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new ConflictError({
      ...details,
      reason: `conflict resolution failed: ${message}`,
      cause: error,
    });
  }
}

function unmergeableReason(conflict: StoreConflict, db: StorageDB | undefined): string {
  if (conflict.committedData === null) {
    return conflict.committedSerial === ZERO_TID
      ? 'the object does not exist in the storage'
      : 'the object was deleted';
  }
  if (conflict.oldSerial === ZERO_TID) return 'the object was created by another transaction';
  if (db === undefined) return 'no database is registered to resolve conflicts';
  return 'cannot merge';
}
