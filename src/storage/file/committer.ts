/**
 * The two-phase commit of FileStorage: everything from `tpcBegin` to
 * `tpcFinish`/`tpcAbort`, under the storage's FIFO commit lock.
 *
 * ```
 * begin    take the commit lock; tid > every finished tid
 * store... check serials against the finished index; gather records
 *          (memory, or Data.fs.tmp past 16 MiB) in a PendingTransaction
 * vote     append header (status 'c'), records and trailer at `end`
 * finish   status byte -> ' '; index, `end`, `finishedTid` move on; the
 *          commit lock goes to the next transaction; then wait for the
 *          group flush, after which the transaction is published
 *          (db.invalidate, then lastTransaction) in commit order
 * abort    cut the file back to where the transaction began
 * ```
 *
 * @module
 */

import {
  ConflictError,
  POSKeyError,
  ReadConflictError,
  StorageTransactionError,
  UndoError,
} from '../../errors.js';
import type { Oid, Tid } from '../../ids.js';
import { ZERO_TID, tidRepr } from '../../ids.js';
import { newTid } from '../../timestamp.js';
import type { TransactionMetaData } from '../interfaces.js';
import { resolveStoreConflict } from '../store-conflict.js';
import { TpcState } from '../tpc-state.js';
import { STATUS_OFFSET, Status } from './format.js';
import type { FinishedTransaction } from './group-commit.js';
import { GroupCommit } from './group-commit.js';
import type { TransactionQuota } from './pending-transaction.js';
import { PendingTransaction, encodeMetadata } from './pending-transaction.js';
import { readRecordData, readRecordHeader } from './record-reader.js';
import { restoreRecord } from './restore.js';
import { RecentTransactions } from './recent-transactions.js';
import type { StorageState } from './storage-state.js';
import { TransactionBuffer } from './transaction-buffer.js';
import { findTransaction } from './transaction-reader.js';
import { parseUndoId, undoTransactionAt } from './undo.js';

const STATUS_COMMITTED = new Uint8Array([Status.committed]);

/** What the committer needs from its storage besides the state. */
export interface CommitterHooks {
  /** Throws unless the storage is open, healthy and writable. */
  checkWritable(method: string): void;
  /** A write or flush failed after data may have reached the file: the storage stops. */
  breakDown(error: unknown): void;
}

/** See the module comment. */
export class Committer {
  /** The commit lock and the phase of the transaction holding it. */
  readonly tpc: TpcState;
  /** The durability queue (see `group-commit.ts`). */
  readonly groupCommit: GroupCommit;
  private readonly buffer: TransactionBuffer;
  private pending: PendingTransaction | undefined;
  /** File ranges and tids of recently finished transactions (conflict checks without reads). */
  private readonly recent = new RecentTransactions();
  private readonly quota: TransactionQuota;

  /** A committer for the storage whose state is `state`. */
  constructor(
    private readonly state: StorageState,
    private readonly hooks: CommitterHooks,
  ) {
    this.tpc = new TpcState({ storageName: state.name });
    this.buffer = new TransactionBuffer(state.paths.tmp);
    this.quota = { path: state.name, bytes: state.options.quota };
    this.groupCommit = new GroupCommit({
      flush: () => this.state.file.datasync(),
      publish: (t) => this.publish(t),
      othersCommitting: () => this.tpc.lock.isLocked,
      fail: (error) => this.hooks.breakDown(error),
    });
  }

  /** tpcBegin: waits for the commit lock, then starts the pending transaction. */
  async begin(txn: TransactionMetaData, tid?: Tid): Promise<void> {
    this.hooks.checkWritable('tpcBegin');
    const metadata = encodeMetadata(txn);
    await this.tpc.begin(txn);
    try {
      this.hooks.checkWritable('tpcBegin');
      const { finishedTid } = this.state;
      if (tid !== undefined && tid <= finishedTid) {
        throw new StorageTransactionError(
          `tpcBegin: tid ${tidRepr(tid)} is not after the last transaction ${tidRepr(finishedTid)} of ${this.state.name}`,
        );
      }
      this.pending = new PendingTransaction({
        txn,
        tid: tid ?? newTid(finishedTid),
        pos: this.state.end,
        metadata,
        buffer: this.buffer,
        quota: this.quota,
      });
    } catch (error) {
      this.tpc.end();
      throw error;
    }
  }

  /** store: checks the serial (resolving conflicts through the database) and gathers the record. */
  store(oid: Oid, oldSerial: Tid, data: Uint8Array, txn: TransactionMetaData): void {
    const pending = this.pendingFor(txn, 'store');
    const { file, index } = this.state;
    this.noteOid(oid);
    const prev = index.get(oid) ?? 0;
    const committedSerial = this.serialAt(prev, oid);
    let toStore = data;
    if (committedSerial !== oldSerial) {
      const current = prev === 0 ? undefined : readRecordHeader(file, prev, oid);
      toStore = resolveStoreConflict(this.state.db, {
        oid,
        committedSerial,
        committedData: current === undefined ? null : readRecordData(file, current),
        oldSerial,
        newData: data,
      });
      pending.markResolved(oid);
    }
    pending.addRecord(oid, prev, toStore);
  }

  /** deleteObject: gathers a deletion record; ConflictError unless `oldSerial` is current. */
  deleteObject(oid: Oid, oldSerial: Tid, txn: TransactionMetaData): void {
    const pending = this.pendingFor(txn, 'deleteObject');
    const prev = this.state.index.get(oid);
    if (prev === undefined) throw new POSKeyError(oid);
    const committedSerial = this.serialAt(prev, oid);
    if (committedSerial !== oldSerial) {
      throw new ConflictError({
        oid,
        committedSerial,
        oldSerial,
        reason: 'deleteObject needs the current serial',
      });
    }
    pending.addRecord(oid, prev, null, 0);
  }

  /** checkCurrentSerialInTransaction: ReadConflictError unless `serial` is current. */
  checkCurrentSerial(oid: Oid, serial: Tid, txn: TransactionMetaData): void {
    this.pendingFor(txn, 'checkCurrentSerialInTransaction');
    const committedSerial = this.serialAt(this.state.index.get(oid) ?? 0, oid);
    if (committedSerial !== serial)
      throw new ReadConflictError({ oid, committedSerial, oldSerial: serial });
  }

  /** restore: gathers a copied record without conflict checks (see `restore.ts`). */
  restore(
    oid: Oid,
    serial: Tid,
    data: Uint8Array | null,
    prevTxn: Tid | undefined,
    txn: TransactionMetaData,
  ): void {
    const pending = this.pendingFor(txn, 'restore');
    this.noteOid(oid);
    const { file, index, end } = this.state;
    restoreRecord({ file, index, end, pending }, oid, serial, data, prevTxn);
  }

  /** undo: gathers the records undoing transaction `id` (see `undo.ts`); returns their oids. */
  undo(id: string, txn: TransactionMetaData): Oid[] {
    const pending = this.pendingFor(txn, 'undo');
    if (this.state.packing) throw packingUndoError();
    const { file, index, end, db, name } = this.state;
    const tid = parseUndoId(id);
    const tpos = findTransaction(file, end, tid, { stopAtPacked: true });
    if (tpos === undefined) {
      throw new UndoError(
        `transaction ${tidRepr(tid)} is not in ${name} (packed away, or never committed)`,
      );
    }
    return undoTransactionAt({ file, index, pending, db }, tpos);
  }

  /** tpcVote: writes the transaction with status 'c'; returns the oids conflict resolution changed. */
  vote(txn: TransactionMetaData): Oid[] {
    const pending = this.pendingFor(txn, 'tpcVote');
    try {
      pending.writeCheckpoint(this.state.file);
    } catch (error) {
      this.cutBackTo(pending.pos);
      throw error;
    }
    this.tpc.markVoted(txn);
    return pending.resolvedOids();
  }

  /** Throws as `finish` would when `txn` is not the voted transaction. */
  requireVotedFor(txn: TransactionMetaData): void {
    this.tpc.requireVoted(txn, 'tpcFinish');
  }

  /** True when `txn` is the transaction being committed. */
  isCommitting(txn: TransactionMetaData): boolean {
    return this.tpc.isCurrent(txn);
  }

  /** The tid of the transaction being committed, if any (blob files are committed under it). */
  get pendingTid(): Tid | undefined {
    return this.pending?.tid;
  }

  /**
   * Makes the transaction final, hands the lock on, and resolves with its
   * tid once it is durable and published. Throws (synchronously) when
   * `txn` has not voted or the status byte cannot be written.
   */
  finish(txn: TransactionMetaData): Promise<Tid> {
    this.tpc.requireVoted(txn, 'tpcFinish');
    const pending = this.pending!;
    const { state } = this;
    try {
      state.file.write(STATUS_COMMITTED, pending.pos + STATUS_OFFSET);
    } catch (error) {
      this.hooks.breakDown(error);
      throw error;
    }
    this.recent.add(pending.pos, pending.end, pending.tid);
    const oids = pending.applyTo(state.index, state.deleted);
    state.end = pending.end;
    state.finishedTid = pending.tid;
    this.pending = undefined;
    this.tpc.end();
    return this.groupCommit.commit({ tid: pending.tid, oids, end: pending.end });
  }

  /** Abandons the commit of `txn` (ignored for any other transaction). */
  abort(txn: TransactionMetaData): void {
    if (!this.tpc.isCurrent(txn)) return;
    const pending = this.pending;
    this.pending = undefined;
    try {
      if (pending !== undefined && this.tpc.phase === 'voted') this.cutBackTo(pending.pos);
    } finally {
      this.tpc.end();
    }
  }

  /** For close: aborts the transaction in progress, flushes finished ones, refuses new ones with `error`. */
  shutDown(error: Error): void {
    if (this.pending !== undefined) this.abort(this.pending.txn);
    this.groupCommit.flushNow();
    this.tpc.lock.close(error);
    this.buffer.close();
  }

  /** Forgets remembered positions (the file was replaced by pack). */
  forgetPositions(): void {
    this.recent.clear();
  }

  /** The tid of the record of `oid` at `pos` (`ZERO_TID` for position 0), from memory when recent. */
  private serialAt(pos: number, oid: Oid): Tid {
    if (pos === 0) return ZERO_TID;
    return this.recent.tidAt(pos) ?? readRecordHeader(this.state.file, pos, oid).tid;
  }

  private publish(transaction: FinishedTransaction): void {
    try {
      this.state.db?.invalidate(transaction.tid, transaction.oids);
    } finally {
      this.state.visibleEnd = transaction.end;
      this.state.visibleTid = transaction.tid;
      this.state.file.cacheableEnd = transaction.end;
    }
  }

  private noteOid(oid: Oid): void {
    if (oid > this.state.largestOid) this.state.largestOid = oid;
  }

  private pendingFor(txn: TransactionMetaData, method: string): PendingTransaction {
    this.hooks.checkWritable(method);
    this.tpc.requireBegun(txn, method);
    return this.pending!;
  }

  private cutBackTo(pos: number): void {
    try {
      this.state.file.truncate(pos);
    } catch (error) {
      this.hooks.breakDown(error);
      throw error;
    }
  }
}

/** The error of undo and undoLog while a pack runs. */
export function packingUndoError(): UndoError {
  return new UndoError(
    'undo is disabled while the storage is being packed; try again when the pack is done',
  );
}
