/**
 * Transactional undo for {@link MappingStorage}: the records that undo one
 * committed transaction.
 *
 * For each object the undone transaction `T` wrote, the undo writes the
 * revision the object had just before `T` (a deletion when `T` created it).
 * That is only safe when the object still holds what `T` wrote, either
 * because `T`'s revision is current or because the current data (including
 * data already written by this undo transaction, so several transactions
 * can be undone at once) has the same bytes. Otherwise the storage asks the
 * database to merge, as for a write conflict: `committed` is the current
 * revision, `old` is `T`'s revision, `new` is the revision before `T`. When
 * that fails too, the undo fails with {@link UndoError} naming the objects.
 *
 * @module
 */

import { UndoError } from '../../errors.js';
import { oidRepr } from '../../ids.js';
import type { Oid, Tid } from '../../ids.js';
import type { StorageDB } from '../interfaces.js';
import { bytesEqual, indexOfTid } from './revisions.js';
import type { CommittedTransaction, Revision } from './revisions.js';

/** A record stored in the transaction being committed, not yet committed. */
export interface PendingRecord {
  readonly data: Uint8Array | null;
  readonly dataTxn: Tid | undefined;
}

/** What {@link planUndo} reads. */
export interface UndoContext {
  readonly revisions: ReadonlyMap<Oid, readonly Revision[]>;
  /** Records already written by the transaction doing the undo, by oid. */
  readonly pending: { get(oid: Oid): PendingRecord | undefined };
  /** Merges conflicting changes; without it, only clean undos succeed. */
  readonly db: StorageDB | undefined;
}

/**
 * The records that undo `transaction` (see the module comment), in its
 * store order. Throws {@link UndoError} naming every object that cannot be
 * undone.
 */
export function planUndo(
  transaction: CommittedTransaction,
  context: UndoContext,
): Map<Oid, PendingRecord> {
  const out = new Map<Oid, PendingRecord>();
  const blocked: Oid[] = [];
  const reasons: string[] = [];
  for (const undone of transaction.records) {
    const list = context.revisions.get(undone.oid);
    const at = list === undefined ? -1 : indexOfTid(list, undone.tid);
    if (list === undefined || at < 0) {
      blocked.push(undone.oid);
      reasons.push(`${oidRepr(undone.oid)}: the revision to undo is gone`);
      continue;
    }
    const previous = list[at - 1];
    const target: PendingRecord =
      previous === undefined || previous.data === null
        ? { data: null, dataTxn: undefined }
        : { data: previous.data, dataTxn: previous.tid };
    const committed = list[list.length - 1]!;
    const pending = context.pending.get(undone.oid);
    const currentData = pending === undefined ? committed.data : pending.data;
    const unchanged =
      (pending === undefined && committed === undone) || sameData(currentData, undone.data);
    if (unchanged) {
      out.set(undone.oid, target);
      continue;
    }
    const merged = tryMerge(context.db, undone, committed.tid, target.data, currentData);
    if (merged instanceof Uint8Array) {
      out.set(undone.oid, { data: merged, dataTxn: undefined });
    } else {
      blocked.push(undone.oid);
      reasons.push(`${oidRepr(undone.oid)}: ${merged}`);
    }
  }
  if (blocked.length > 0) {
    throw new UndoError(
      `changed by a later transaction and not mergeable (${reasons.join('; ')})`,
      blocked,
    );
  }
  return out;
}

function sameData(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  return bytesEqual(a, b);
}

/** The database's merge of the undo with later changes, or why it is impossible. */
function tryMerge(
  db: StorageDB | undefined,
  undone: Revision,
  committedSerial: Tid,
  targetData: Uint8Array | null,
  currentData: Uint8Array | null,
): Uint8Array | string {
  if (db === undefined) return 'no database is registered to merge changes';
  if (targetData === null || currentData === null || undone.data === null) {
    return 'a deletion cannot be merged';
  }
  try {
    return db.tryToResolveConflict(
      undone.oid,
      committedSerial,
      undone.tid,
      targetData,
      currentData,
    );
  } catch (error) {
    // Any failure to merge (ConflictError or a resolver bug) means "cannot
    // undo"; its message goes into the UndoError the caller raises.
    return error instanceof Error ? error.message : String(error);
  }
}
