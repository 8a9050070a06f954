/**
 * Pack for {@link MappingStorage}: which revisions go, and the tables without
 * them.
 *
 * Rules (the same as FileStorage's packer):
 * - The revision of each object current at the pack time `t` (newest with
 *   tid <= t) stays, unless it is a deletion; every older revision goes.
 *   Revisions newer than `t` are never touched.
 * - With garbage collection, an object also loses its current-at-`t`
 *   revision when it is not reachable at `t`. The roots are the root object
 *   (oid 0), every object referenced by a revision newer than `t`, and every
 *   object referenced by data of a commit still in progress (`extraRoots`),
 *   so nothing a later or concurrent commit refers to is removed.
 * - Transactions at or before `t` are marked packed (`'p'`) and keep only
 *   their surviving revisions; those left empty disappear.
 *
 * @module
 */

import { ROOT_OID } from '../../ids.js';
import type { Oid, Tid } from '../../ids.js';
import { RevisionTable } from './revision-table.js';
import type { ReferencesFunction } from '../interfaces.js';
import { indexAtOrBefore } from './revisions.js';
import type { RecordArena } from './record-arena.js';
import { StoredRevision, isDeletion } from './revisions.js';
import type { CommittedTransaction, Revision } from './revisions.js';

/** What {@link packTables} works on and produces. */
export interface PackTables {
  readonly revisions: RevisionTable;
  readonly transactions: readonly CommittedTransaction[];
}

/** The inputs of {@link packTables} besides the tables. */
export interface PackRequest {
  /** The pack time. */
  readonly t: Tid;
  readonly references: ReferencesFunction;
  /** Whether to remove objects unreachable from the root at `t`. */
  readonly gc: boolean;
  /** More GC roots: oids referenced by data not yet committed. */
  readonly extraRoots: Iterable<Oid>;
}

/**
 * Returns new tables without the revisions pack removes, the bytes of the
 * kept ones copied into `arena` (a fresh one: the chunks of the old tables,
 * holes and all, are then dropped with them). The input tables are not
 * modified, so iterators handed out earlier stay valid snapshots.
 */
export function packTables(
  tables: PackTables,
  request: PackRequest,
  arena: RecordArena,
): PackTables & { transactions: CommittedTransaction[] } {
  const reachable = request.gc ? reachableAt(tables.revisions, request) : undefined;
  const removed = new Set<Revision>();
  const moved = new Map<Revision, Revision>();
  const move = (revision: Revision): Revision => {
    const copy = new StoredRevision(revision, arena);
    moved.set(revision, copy);
    return copy;
  };
  const revisions = new RevisionTable();
  for (const [oid, list] of tables.revisions) {
    const current = indexAtOrBefore(list, request.t);
    let keepFrom = current < 0 ? 0 : current;
    const currentRevision = list[current];
    if (currentRevision !== undefined) {
      const unreachable = reachable !== undefined && !reachable.has(oid);
      if (isDeletion(currentRevision) || unreachable) keepFrom = current + 1;
    }
    for (let i = 0; i < keepFrom; i++) removed.add(list[i]!);
    if (keepFrom < list.length) revisions.setList(oid, list.slice(keepFrom).map(move));
  }
  return {
    revisions,
    transactions: packTransactions(tables.transactions, request.t, removed, moved),
  };
}

/** The oids reachable at `t` from the roots described in the module comment. */
function reachableAt(
  revisions: ReadonlyMap<Oid, readonly Revision[]>,
  request: PackRequest,
): Set<Oid> {
  const { t, references } = request;
  const pending: Oid[] = [ROOT_OID, ...request.extraRoots];
  for (const list of revisions.values()) {
    for (let i = indexAtOrBefore(list, t) + 1; i < list.length; i++) {
      const data = list[i]!.data;
      if (data !== null) for (const ref of references(data)) pending.push(ref);
    }
  }
  const reachable = new Set<Oid>();
  for (let oid = pending.pop(); oid !== undefined; oid = pending.pop()) {
    if (reachable.has(oid)) continue;
    reachable.add(oid);
    const list = revisions.get(oid);
    const data = list === undefined ? null : (list[indexAtOrBefore(list, t)]?.data ?? null);
    if (data !== null) {
      for (const ref of references(data)) if (!reachable.has(ref)) pending.push(ref);
    }
  }
  return reachable;
}

/** The transactions left by pack, listing the moved copies of their kept revisions. */
function packTransactions(
  transactions: readonly CommittedTransaction[],
  t: Tid,
  removed: ReadonlySet<Revision>,
  moved: ReadonlyMap<Revision, Revision>,
): CommittedTransaction[] {
  const out: CommittedTransaction[] = [];
  for (const transaction of transactions) {
    const records = transaction.records
      .filter((record) => !removed.has(record))
      .map((record) => moved.get(record) ?? record);
    if (transaction.tid > t) {
      out.push({ ...transaction, records });
    } else if (records.length > 0) {
      out.push({ ...transaction, status: 'p', records });
    }
  }
  return out;
}
