/**
 * Conflict resolution on the client (the server never loads application
 * classes): a write conflict reported by `vote` is merged with the
 * database's `tryToResolveConflict`, which knows the application's classes
 * (`_p_resolveConflict`); a read conflict, a conflict on a new object or
 * deletion, or a failed merge is a ConflictError / ReadConflictError.
 *
 * @internal
 * @module
 */

import { ConflictError, ReadConflictError } from '../errors.js';
import type { Oid, Tid } from '../ids.js';
import { ZERO_TID } from '../ids.js';
import type { Conflict, Resolution } from '../protocol/messages.js';
import type { StorageDB } from '../storage/interfaces.js';
import type { PendingCommit } from './pending-commit.js';

/**
 * The merged record for `conflict`, recorded in `commit` (its write now
 * holds the merged data, and the oid is among the resolved ones).
 *
 * @throws ReadConflictError for a read conflict; ConflictError when the
 *   change cannot be merged (the cause in `reason`).
 */
export function resolveConflict(
  db: StorageDB | undefined,
  commit: PendingCommit,
  conflict: Conflict,
): Resolution {
  const { oid, oldSerial, committedSerial, committedData } = conflict;
  if (conflict.kind === 'read') throw new ReadConflictError({ oid, oldSerial, committedSerial });
  const write = commit.writes.get(oid);
  if (
    write === undefined ||
    write.data === null ||
    committedData === null ||
    write.oldSerial === ZERO_TID ||
    db === undefined
  ) {
    throw new ConflictError({
      oid,
      oldSerial,
      committedSerial,
      reason: 'the conflicting change cannot be merged',
    });
  }
  const merged = merge(db, oid, committedSerial, write.oldSerial, write.data, committedData);
  write.data = merged;
  commit.resolved.add(oid);
  return [oid, committedSerial, merged];
}

function merge(
  db: StorageDB,
  oid: Oid,
  committedSerial: Tid,
  oldSerial: Tid,
  data: Uint8Array,
  committedData: Uint8Array,
): Uint8Array {
  try {
    return db.tryToResolveConflict(oid, committedSerial, oldSerial, data, committedData);
  } catch (error) {
    if (error instanceof ConflictError) throw error;
    throw new ConflictError({
      oid,
      oldSerial,
      committedSerial,
      reason: `conflict resolution failed: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}
