/**
 * The commit protocol of one transaction against a served storage
 * (PROTOCOL.md, "Commit"): the storage's commit lock taken at `vote` (or
 * `undo`), serial checks under it with conflicts reported back while the
 * lock is kept, the buffered operations applied and voted, `tpcFinish`
 * with the reply written in the fan-out step, and abort from any state.
 *
 * @module
 */

import {
  ConflictError,
  ReadConflictError,
  ReadOnlyError,
  StorageTransactionError,
  Unsupported,
} from '../errors.js';
import type { Oid, Tid } from '../ids.js';
import { ZERO_TID } from '../ids.js';
import type { Conflict, VoteReply } from '../protocol/messages.js';
import type { Storage } from '../storage/interfaces.js';
import {
  isBlobRestoreStorage,
  isBlobStorage,
  isDeletingStorage,
  isRestoreStorage,
  isUndoStorage,
} from '../storage/interfaces.js';
import type { PendingTransaction, TransactionOp } from './pending-transaction.js';
import type { InvalidationTarget, ServedStorage } from './served-storage.js';
import { DeferredConflict } from './served-storage.js';

/** Called when a transaction held the lock longer than allowed. */
export type TimeoutHandler = (txn: PendingTransaction) => void;

/** Runs the commits of one connection on one served storage. */
export class Committer {
  constructor(
    private readonly served: ServedStorage,
    private readonly connection: InvalidationTarget,
    private readonly timeoutMs: number,
    private readonly onTimeout: TimeoutHandler,
  ) {}

  private get storage(): Storage {
    return this.served.storage;
  }

  /** Takes the storage's commit lock (FIFO); aborts at once if the transaction ended while waiting. */
  private async lock(txn: PendingTransaction): Promise<void> {
    if (txn.phase !== 'open') return;
    if (this.served.readOnly) throw new ReadOnlyError(`storage ${this.served.name} is read-only`);
    txn.phase = 'locking';
    this.served.beginCommit(txn, () => this.abort(txn));
    await this.storage.tpcBegin(txn.meta, txn.tid ?? undefined);
    if (txn.phase !== 'locking') {
      await this.storage.tpcAbort(txn.meta);
      throw new StorageTransactionError(
        `transaction ${txn.txnId} was aborted while waiting for the commit lock`,
      );
    }
    txn.phase = 'locked';
    const timer = setTimeout(() => this.onTimeout(txn), this.timeoutMs);
    timer.unref();
    txn.clearTimer = () => clearTimeout(timer);
  }

  /** `undo`: under the commit lock, undoes transaction `undoId` and returns the oids it changed. */
  async undo(txn: PendingTransaction, undoId: string): Promise<Oid[]> {
    if (txn.error !== undefined) throw txn.error;
    if (!isUndoStorage(this.storage))
      throw new Unsupported(`storage ${this.served.name} cannot undo`);
    await this.lock(txn);
    return this.storage.undo(undoId, txn.meta);
  }

  /** `vote`: conflicts (lock kept), or the operations applied and voted. */
  async vote(txn: PendingTransaction): Promise<VoteReply> {
    if (txn.error !== undefined) throw txn.error;
    if (txn.phase !== 'open' && txn.phase !== 'locked') {
      throw new StorageTransactionError(`transaction ${txn.txnId} cannot vote: it is ${txn.phase}`);
    }
    await this.lock(txn);
    const conflicts = this.applyOps(txn);
    if (conflicts.length > 0) return { conflicts, resolved: [] };
    const resolved = await this.storage.tpcVote(txn.meta);
    txn.phase = 'voted';
    return { conflicts: [], resolved };
  }

  /** `resolve`: replaces conflicting stores with the client's merged records. */
  resolve(
    txn: PendingTransaction,
    resolutions: readonly (readonly [Oid, Tid, Uint8Array])[],
  ): void {
    if (txn.phase !== 'locked') {
      throw new StorageTransactionError(`transaction ${txn.txnId} has no conflicts to resolve`);
    }
    for (const [oid, committedSerial, data] of resolutions) {
      const op = txn.ops.find((o) => o.kind === 'store' && o.oid === oid);
      if (op === undefined || op.kind !== 'store') {
        throw new StorageTransactionError(
          `transaction ${txn.txnId} stored no oid ${oid} to resolve`,
        );
      }
      op.oldSerial = committedSerial;
      op.data = data;
    }
  }

  /** `tpcFinish`: `onCommitted(tid)` runs in the fan-out step (see {@link ServedStorage.finish}). */
  async finish(txn: PendingTransaction, onCommitted: (tid: Tid) => void): Promise<Tid> {
    if (txn.phase !== 'voted') {
      throw new StorageTransactionError(
        `transaction ${txn.txnId} cannot finish: it is ${txn.phase}, not voted`,
      );
    }
    txn.phase = 'finishing';
    try {
      return await this.served.finish(txn.meta, this.connection, onCommitted);
    } finally {
      this.end(txn);
    }
  }

  /** Aborts `txn` in any state and releases the lock if it holds or awaits it. */
  async abort(txn: PendingTransaction): Promise<void> {
    if (txn.phase === 'done' || txn.phase === 'finishing') return;
    const hadLock = txn.phase === 'locked' || txn.phase === 'voted';
    this.end(txn);
    if (hadLock) await this.storage.tpcAbort(txn.meta);
  }

  private end(txn: PendingTransaction): void {
    txn.phase = 'done';
    txn.clearTimer();
    txn.discardUploads();
    this.served.endCommit(txn);
  }

  /**
   * Applies the operations not applied yet (all of them at the first vote;
   * the resolved stores after a conflict reply) and returns the conflicts
   * the storage found. The storage itself judges them, under its commit
   * lock: with group commit (FileStorage) a transaction that finished
   * before ours may not be readable yet, but the storage's `store` sees it.
   */
  private applyOps(txn: PendingTransaction): Conflict[] {
    const conflicts: Conflict[] = [];
    const retry = txn.conflicting;
    txn.conflicting = [];
    for (const op of retry) this.applyOrNote(txn, op, conflicts);
    const ops = txn.ops;
    while (txn.opsTried < ops.length) this.applyOrNote(txn, ops[txn.opsTried++]!, conflicts);
    return conflicts;
  }

  /** Applies `op`; a conflict is added to `conflicts` and the op kept for the next vote. */
  private applyOrNote(txn: PendingTransaction, op: TransactionOp, conflicts: Conflict[]): void {
    try {
      this.apply(txn, op);
    } catch (error) {
      const conflict = conflictOf(op, error);
      if (conflict === undefined) throw error;
      conflicts.push(conflict);
      txn.conflicting.push(op);
    }
  }

  private apply(txn: PendingTransaction, op: TransactionOp): void {
    const storage = this.storage;
    switch (op.kind) {
      case 'store':
        if (op.blobPath === undefined) storage.store(op.oid, op.oldSerial, op.data, txn.meta);
        else {
          if (!isBlobStorage(storage))
            throw new Unsupported(`storage ${this.served.name} has no blobs`);
          txn.handedOver(op.blobPath);
          storage.storeBlob(op.oid, op.oldSerial, op.data, op.blobPath, txn.meta);
        }
        return;
      case 'checkCurrent':
        storage.checkCurrentSerialInTransaction(op.oid, op.serial, txn.meta);
        return;
      case 'delete':
        if (!isDeletingStorage(storage))
          throw new Unsupported(`storage ${this.served.name} cannot delete objects`);
        storage.deleteObject(op.oid, op.oldSerial, txn.meta);
        return;
      case 'restore':
        this.applyRestore(txn, op);
    }
  }

  private applyRestore(
    txn: PendingTransaction,
    op: Extract<TransactionOp, { kind: 'restore' }>,
  ): void {
    const storage = this.storage;
    const prevTxn = op.prevTxn ?? undefined;
    if (op.blobPath !== undefined) {
      if (!isBlobRestoreStorage(storage) || op.data === null) {
        throw new Unsupported(`storage ${this.served.name} cannot restore blobs`);
      }
      txn.handedOver(op.blobPath);
      storage.restoreBlob(op.oid, op.serial, op.data, op.blobPath, prevTxn, txn.meta);
      return;
    }
    if (!isRestoreStorage(storage))
      throw new Unsupported(`storage ${this.served.name} cannot restore`);
    storage.restore(op.oid, op.serial, op.data, prevTxn, txn.meta);
  }
}

/**
 * The conflict to report for `error`, thrown by the storage while applying
 * `op`: a store the client can merge (the storage asked the server to
 * resolve it: {@link DeferredConflict}) or a read conflict. Anything else
 * (including conflicts with nothing to merge) fails the vote.
 */
function conflictOf(op: TransactionOp, error: unknown): Conflict | undefined {
  if (op.kind === 'store' && error instanceof ConflictError) {
    const deferred = error instanceof DeferredConflict ? error : error.cause;
    if (!(deferred instanceof DeferredConflict)) return undefined;
    return {
      oid: op.oid,
      oldSerial: op.oldSerial,
      committedSerial: deferred.committedSerial ?? ZERO_TID,
      committedData: deferred.committedData,
      kind: 'write',
    };
  }
  if (op.kind === 'checkCurrent' && error instanceof ReadConflictError) {
    return {
      oid: op.oid,
      oldSerial: op.serial,
      committedSerial: error.committedSerial ?? ZERO_TID,
      committedData: null,
      kind: 'read',
    };
  }
  return undefined;
}
