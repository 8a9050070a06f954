/**
 * What a client storage remembers about the transaction it is committing:
 * its wire id, the records it stored (to update the cache at finish and to
 * resolve conflicts), the oids undo changed, and the uncommitted blob files
 * it owns.
 *
 * @internal
 * @module
 */

import type { Oid, Tid } from '../ids.js';
import type { TransactionMetaData } from '../storage/interfaces.js';

/** One record written by the transaction. */
export interface PendingWrite {
  /** The data stored (`null`: a deletion). */
  data: Uint8Array | null;
  /** The serial the writer started from (conflict resolution needs it). */
  readonly oldSerial: Tid;
  /** Whether the cache may hold `data` as the revision written at finish. */
  cacheable: boolean;
}

/** The commit in progress of a client storage. */
export class PendingCommit {
  /** The records written, by oid (the last write of an oid wins, as in storages). */
  readonly writes = new Map<Oid, PendingWrite>();
  /** Oids changed by `undo` (their new data is unknown here). */
  readonly undone = new Set<Oid>();
  /** Oids whose stores conflict resolution changed (reported by `tpcVote`). */
  readonly resolved = new Set<Oid>();
  /** Uncommitted blob files, by oid, to move into the blob cache at finish or delete at abort. */
  readonly blobFiles = new Map<Oid, string>();
  private nextBlobId = 1;

  constructor(
    readonly txn: TransactionMetaData,
    readonly txnId: number,
  ) {}

  /** A fresh blob id for this transaction. */
  blobId(): number {
    return this.nextBlobId++;
  }

  /** Every oid the transaction changed. */
  changedOids(): Oid[] {
    if (this.undone.size === 0) return [...this.writes.keys()];
    const oids = new Set<Oid>(this.writes.keys());
    for (const oid of this.undone) oids.add(oid);
    return [...oids];
  }
}
