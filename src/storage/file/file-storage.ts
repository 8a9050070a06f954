/**
 * FileStorage: the database in one append-only file, ZODB's Data.fs.
 *
 * ```ts
 * const storage = new FileStorage('/var/db/Data.fs');
 * await storage.tpcBegin(txn);
 * storage.store(oid, ZERO_TID, bytes, txn);
 * await storage.tpcVote(txn);
 * const tid = await storage.tpcFinish(txn); // durable when this resolves
 * storage.loadAt(oid, tid); // { data: bytes, serial: tid }
 * await storage.close();
 * ```
 *
 * The layout is ZODB's (FORMAT.md). Opening is synchronous: the constructor
 * takes the lock, loads or rebuilds the index and recovers from a crash.
 *
 * ## Commit protocol
 * ```
 * tpcBegin   take the commit lock (FIFO); choose tid > every earlier tid
 * store...   check serials against the index; gather records in memory
 *            (or Data.fs.tmp past 16 MiB)
 * tpcVote    append header (status 'c'), records and trailer at the end
 * tpcFinish  overwrite the status with ' '; update the index; give back
 *            the commit lock; wait for the group flush (fdatasync); then
 *            publish: db.invalidate + lastTransaction, in commit order
 * tpcAbort   cut the file back to where the transaction started
 * ```
 * A process killed at any point leaves at most one transaction with status
 * `'c'` at the end of the file, which the next writable open truncates.
 * Readers never see a transaction before it is durable: loads are bounded
 * by `lastTransaction()`, which moves only after the flush (see
 * `group-commit.ts`); writers check conflicts against everything finished.
 *
 * @module
 */

import * as path from 'node:path';
import {
  ConflictError,
  POSKeyError,
  ReadConflictError,
  ReadOnlyError,
  StorageError,
  StorageTransactionError,
  UndoError,
} from '../../errors.js';
import type { Oid, Tid } from '../../ids.js';
import { ZERO_TID, oidRepr, tidRepr } from '../../ids.js';
import { TimeStamp, newTid } from '../../timestamp.js';
import type {
  DataRecord,
  DeletingStorage,
  HistoryEntry,
  IteratorStorage,
  LoadBeforeResult,
  PackOptions,
  RecordIteratorStorage,
  ReferencesFunction,
  RestoreStorage,
  StorageDB,
  TransactionMetaData,
  UndoLogEntry,
  UndoStorage,
} from '../interfaces.js';
import { StorageClosedError } from '../storage-closed-error.js';
import { resolveStoreConflict } from '../store-conflict.js';
import { TpcState } from '../tpc-state.js';
import { sliceUndoLog, undoSpecificationFilter, UNDO_LOG_DEFAULT_LAST } from '../undo-log-slice.js';
import type { CheckFinding } from './check.js';
import { checkDataFile } from './check.js';
import type { DataFile } from './data-file.js';
import type { FileTransactionRecord } from './file-iterator.js';
import { iterateFile } from './file-iterator.js';
import { STATUS_OFFSET, Status } from './format.js';
import type { FinishedTransaction } from './group-commit.js';
import { GroupCommit } from './group-commit.js';
import { readHistory } from './history.js';
import { saveIndexFile } from './index-file.js';
import type { HeldLock } from './lock-file.js';
import type { OidIndex } from './oid-index.js';
import type { IndexSource, StoragePaths } from './open-data-file.js';
import { openDataFile, storagePaths } from './open-data-file.js';
import type { FileStorageOptions, ResolvedFileStorageOptions } from './options.js';
import { resolveOptions } from './options.js';
import { packStorage } from './pack.js';
import type { PackHost, PackSwap } from './pack.js';
import { PendingTransaction, encodeMetadata } from './pending-transaction.js';
import {
  dataOf,
  findRevision,
  readRecord,
  readRecordData,
  readRecordHeader,
} from './record-reader.js';
import { restoreRecord } from './restore.js';
import { syncReadOnly } from './read-only-sync.js';
import { TransactionBuffer } from './transaction-buffer.js';
import {
  findTransaction,
  readTransactionInfo,
  transactionsBackward,
} from './transaction-reader.js';
import { parseUndoId, undoId, undoTransactionAt } from './undo.js';

const STATUS_COMMITTED = new Uint8Array([Status.committed]);

/** The FileStorage; see the module comment. */
export class FileStorage
  implements IteratorStorage, UndoStorage, RestoreStorage, DeletingStorage, RecordIteratorStorage
{
  /** The data file's path, as given. */
  readonly name: string;
  /** The blob directory given in the options (blobs come with a later release). */
  readonly blobDir: string | undefined;
  /** The options in force, defaults applied. */
  readonly options: ResolvedFileStorageOptions;
  /** The data file and its companions (`.index`, `.lock`, `.tmp`, `.pack`, `.old`). */
  readonly paths: StoragePaths;
  /** How the index was obtained at open: loaded, loaded and caught up, or rebuilt by scanning. */
  readonly indexSource: IndexSource;
  /** Bytes of an incomplete last transaction dropped (writable) or ignored (read-only) at open. */
  readonly recoveredTailBytes: number;

  private file: DataFile;
  private index: OidIndex;
  private deleted: OidIndex;
  private readonly lock: HeldLock | undefined;
  private readonly tpc: TpcState;
  private readonly buffer: TransactionBuffer;
  private readonly groupCommit: GroupCommit;
  private pending: PendingTransaction | undefined;
  private db: StorageDB | undefined;
  /** End of the last finished transaction: where the next one is written. */
  private end: number;
  /** Tid of the last finished transaction (durable or about to be). */
  private finishedTid: Tid;
  /** End and tid of the last durable, published transaction. */
  private visibleEnd: number;
  private visibleTid: Tid;
  private largestOid: Oid;
  private packing = false;
  private closed = false;
  private brokenBy: unknown;

  /**
   * Opens (or creates) the storage at `dataPath`. Throws
   * {@link FileStorageLockError} when another writer holds it,
   * {@link CorruptedDataError} (with path and offset) for a damaged file,
   * StorageSystemError for I/O failures, TypeError for bad options.
   */
  constructor(dataPath: string, options: FileStorageOptions = {}) {
    this.options = resolveOptions(options);
    this.name = dataPath;
    this.blobDir = this.options.blobDir;
    this.paths = storagePaths(dataPath);
    const opened = openDataFile(this.paths, this.options);
    this.file = opened.file;
    this.index = opened.index;
    this.deleted = opened.deleted;
    this.lock = opened.lock;
    this.indexSource = opened.indexSource;
    this.recoveredTailBytes = opened.tailBytes;
    this.end = this.visibleEnd = opened.end;
    this.finishedTid = this.visibleTid = opened.lastTid;
    this.largestOid = Math.max(0, opened.index.maxOid);
    this.tpc = new TpcState({ storageName: dataPath });
    this.buffer = new TransactionBuffer(this.paths.tmp);
    this.groupCommit = new GroupCommit({
      flush: () => this.file.datasync(),
      publish: (t) => this.publish(t),
      othersCommitting: () => this.tpc.lock.isLocked,
      fail: (error) => this.breakDown(error),
    });
  }

  /**
   * Async form of the constructor, for symmetry with storages that must
   * connect first; opening a FileStorage needs no asynchronous work.
   */
  static open(dataPath: string, options: FileStorageOptions = {}): Promise<FileStorage> {
    return Promise.resolve().then(() => new FileStorage(dataPath, options));
  }

  // ---- information -------------------------------------------------------

  /** The absolute path of the data file: unique per storage in a process. */
  sortKey(): string {
    return path.resolve(this.name);
  }

  isReadOnly(): boolean {
    return this.options.readOnly;
  }

  lastTransaction(): Tid {
    this.checkOpen();
    return this.visibleTid;
  }

  /** Objects whose current revision is not a deletion (includes finished, not yet durable commits). */
  objectCount(): number {
    this.checkOpen();
    return this.index.size - this.deleted.size;
  }

  /** Size of the data file in bytes. */
  getSize(): number {
    return this.end;
  }

  /**
   * Group-commit counters since the open: flushes of the file (`fdatasync`)
   * and transactions made durable by them. More transactions than flushes
   * means commits shared flushes.
   */
  commitStatistics(): { readonly flushes: number; readonly transactions: number } {
    return {
      flushes: this.groupCommit.flushCount,
      transactions: this.groupCommit.transactionCount,
    };
  }

  registerDB(db: StorageDB): void {
    this.db = db;
  }

  supportsUndo(): true {
    return true;
  }

  // ---- reads -------------------------------------------------------------

  loadAt(oid: Oid, at: Tid): DataRecord | null {
    this.checkOpen();
    const pos = this.index.get(oid);
    if (pos === undefined) return null;
    const found = findRevision(this.file, pos, oid, at, this.visibleTid);
    if (found === null) return null;
    return { data: dataOf(this.file, found.record), serial: found.record.header.tid };
  }

  loadBefore(oid: Oid, before: Tid): LoadBeforeResult | null {
    this.checkOpen();
    const pos = this.index.get(oid);
    if (pos === undefined) throw new POSKeyError(oid);
    if (before === ZERO_TID) return null;
    const found = findRevision(this.file, pos, oid, before - 1n, this.visibleTid);
    if (found === null) return null;
    const data = dataOf(this.file, found.record);
    if (data === null)
      throw new POSKeyError(oid, found.record.header.tid, `object ${oidRepr(oid)} was deleted`);
    return { data, serial: found.record.header.tid, nextSerial: found.nextTid };
  }

  loadSerial(oid: Oid, serial: Tid): Uint8Array {
    this.checkOpen();
    let pos = this.index.get(oid) ?? 0;
    while (pos !== 0) {
      const record = readRecord(this.file, pos, oid);
      const tid = record.header.tid;
      if (tid === serial && tid <= this.visibleTid) {
        const data = dataOf(this.file, record);
        if (data === null)
          throw new POSKeyError(
            oid,
            serial,
            `revision ${tidRepr(serial)} of ${oidRepr(oid)} is a deletion`,
          );
        return data;
      }
      if (tid < serial) break;
      pos = record.header.prev;
    }
    throw new POSKeyError(oid, serial);
  }

  history(oid: Oid, size = 1): HistoryEntry[] {
    this.checkOpen();
    const pos = this.index.get(oid);
    const entries =
      pos === undefined ? [] : readHistory(this.file, oid, pos, size, this.visibleTid);
    if (entries.length === 0 && size > 0) throw new POSKeyError(oid);
    return entries;
  }

  /** Transactions with `start <= tid <= stop`, oldest first (a snapshot; see `file-iterator.ts`). */
  iterator(start?: Tid, stop?: Tid): Iterable<FileTransactionRecord> {
    this.checkOpen();
    const file = this.file.retain();
    const end = this.visibleEnd;
    return { [Symbol.iterator]: () => iterateFile(file, end, start, stop) };
  }

  /** Every current, non-deleted object with its serial and data, in oid order. */
  *recordIterator(): Generator<{ oid: Oid; serial: Tid; data: Uint8Array }> {
    this.checkOpen();
    for (const oid of this.index.keysFrom(0)) {
      const current = this.loadAt(oid, this.visibleTid);
      if (current === null || current.data === null) continue;
      yield { oid, serial: current.serial, data: current.data };
    }
  }

  /** Structural check of the data file (fstest's job): streams findings; see `check.ts`. */
  check(): Iterable<CheckFinding> {
    this.checkOpen();
    return checkDataFile(this.paths.data, { end: this.visibleEnd });
  }

  // ---- undo log ----------------------------------------------------------

  undoLog(
    first = 0,
    last: number = UNDO_LOG_DEFAULT_LAST,
    filter?: (e: UndoLogEntry) => boolean,
  ): UndoLogEntry[] {
    this.checkOpen();
    return sliceUndoLog(this.undoableTransactions(), first, last, filter);
  }

  undoInfo(
    first = 0,
    last: number = UNDO_LOG_DEFAULT_LAST,
    specification?: Partial<UndoLogEntry>,
  ): UndoLogEntry[] {
    return this.undoLog(first, last, undoSpecificationFilter(specification));
  }

  private *undoableTransactions(): Generator<UndoLogEntry> {
    if (this.packing) {
      throw new UndoError(
        'undo is disabled while the storage is being packed; try again when the pack is done',
      );
    }
    for (const { pos, header } of transactionsBackward(this.file, this.visibleEnd)) {
      if (header.status === Status.packed) return;
      if (header.status !== Status.committed) continue;
      const info = readTransactionInfo(this.file, pos);
      yield {
        id: undoId(info.tid),
        tid: info.tid,
        time: TimeStamp.fromTid(info.tid).toDate(),
        user: info.user,
        description: info.description,
        extension: info.extension,
        size: info.length,
      };
    }
  }

  // ---- two-phase commit --------------------------------------------------

  newOid(): Oid {
    this.checkWritable('newOid');
    this.largestOid = Math.max(this.largestOid, this.index.maxOid) + 1;
    return this.largestOid;
  }

  async tpcBegin(txn: TransactionMetaData, tid?: Tid): Promise<void> {
    this.checkWritable('tpcBegin');
    const metadata = encodeMetadata(txn);
    await this.tpc.begin(txn);
    try {
      this.checkWritable('tpcBegin');
      if (tid !== undefined && tid <= this.finishedTid) {
        throw new StorageTransactionError(
          `tpcBegin: tid ${tidRepr(tid)} is not after the last transaction ${tidRepr(this.finishedTid)} of ${this.name}`,
        );
      }
      this.pending = new PendingTransaction({
        txn,
        tid: tid ?? newTid(this.finishedTid),
        pos: this.end,
        metadata,
        buffer: this.buffer,
        quota: { path: this.name, bytes: this.options.quota },
      });
    } catch (error) {
      this.tpc.end();
      throw error;
    }
  }

  store(oid: Oid, oldSerial: Tid, data: Uint8Array, txn: TransactionMetaData): void {
    const pending = this.pendingFor(txn, 'store');
    this.noteOid(oid);
    const prev = this.index.get(oid) ?? 0;
    let toStore = data;
    const current = prev === 0 ? undefined : readRecordHeader(this.file, prev, oid);
    const committedSerial = current?.tid ?? ZERO_TID;
    if (committedSerial !== oldSerial) {
      toStore = resolveStoreConflict(this.db, {
        oid,
        committedSerial,
        committedData: current === undefined ? null : readRecordData(this.file, current),
        oldSerial,
        newData: data,
      });
      pending.resolved.add(oid);
    }
    pending.addRecord(oid, prev, toStore);
  }

  deleteObject(oid: Oid, oldSerial: Tid, txn: TransactionMetaData): void {
    const pending = this.pendingFor(txn, 'deleteObject');
    const prev = this.index.get(oid);
    if (prev === undefined) throw new POSKeyError(oid);
    const current = readRecordHeader(this.file, prev, oid);
    if (current.tid !== oldSerial) {
      throw new ConflictError({
        oid,
        committedSerial: current.tid,
        oldSerial,
        reason: 'deleteObject needs the current serial',
      });
    }
    pending.addRecord(oid, prev, null, 0);
  }

  checkCurrentSerialInTransaction(oid: Oid, serial: Tid, txn: TransactionMetaData): void {
    this.pendingFor(txn, 'checkCurrentSerialInTransaction');
    const pos = this.index.get(oid);
    const current = pos === undefined ? ZERO_TID : readRecordHeader(this.file, pos, oid).tid;
    if (current !== serial)
      throw new ReadConflictError({ oid, committedSerial: current, oldSerial: serial });
  }

  restore(
    oid: Oid,
    serial: Tid,
    data: Uint8Array | null,
    prevTxn: Tid | undefined,
    txn: TransactionMetaData,
  ): void {
    const pending = this.pendingFor(txn, 'restore');
    this.noteOid(oid);
    restoreRecord(
      { file: this.file, index: this.index, end: this.end, pending },
      oid,
      serial,
      data,
      prevTxn,
    );
  }

  async undo(id: string, txn: TransactionMetaData): Promise<Oid[]> {
    const pending = this.pendingFor(txn, 'undo');
    if (this.packing)
      throw new UndoError(
        'undo is disabled while the storage is being packed; try again when the pack is done',
      );
    const tid = parseUndoId(id);
    const tpos = findTransaction(this.file, this.end, tid, {
      stopAtPacked: true,
      packedStatus: Status.packed,
    });
    if (tpos === undefined) {
      throw new UndoError(
        `transaction ${tidRepr(tid)} is not in ${this.name} (packed away, or never committed)`,
      );
    }
    return Promise.resolve(
      undoTransactionAt({ file: this.file, index: this.index, pending, db: this.db }, tpos),
    );
  }

  async tpcVote(txn: TransactionMetaData): Promise<Oid[]> {
    const pending = this.pendingFor(txn, 'tpcVote');
    try {
      pending.writeCheckpoint(this.file);
    } catch (error) {
      this.cutBackTo(pending.pos);
      throw error;
    }
    this.tpc.markVoted(txn);
    return Promise.resolve([...pending.resolved]);
  }

  async tpcFinish(txn: TransactionMetaData): Promise<Tid> {
    this.checkOpen();
    this.tpc.requireVoted(txn, 'tpcFinish');
    const pending = this.pending!;
    try {
      this.file.write(STATUS_COMMITTED, pending.pos + STATUS_OFFSET);
    } catch (error) {
      this.breakDown(error);
      throw error;
    }
    const oids: Oid[] = [];
    for (const [oid, record] of pending.records) {
      this.index.set(oid, record.pos);
      if (record.deletion) this.deleted.set(oid, 1);
      else if (this.deleted.size > 0) this.deleted.delete(oid);
      oids.push(oid);
    }
    this.end = pending.end;
    this.finishedTid = pending.tid;
    this.pending = undefined;
    this.tpc.end();
    await this.groupCommit.commit({ tid: pending.tid, oids, end: pending.end });
    return pending.tid;
  }

  tpcAbort(txn: TransactionMetaData): Promise<void> {
    if (this.closed || !this.tpc.isCurrent(txn)) return Promise.resolve();
    const pending = this.pending;
    this.pending = undefined;
    try {
      if (pending !== undefined && this.tpc.phase === 'voted') this.cutBackTo(pending.pos);
    } finally {
      this.tpc.end();
    }
    return Promise.resolve();
  }

  // ---- pack, sync, close -------------------------------------------------

  /**
   * Removes revisions not current at `t` and, with `packGc`, objects not
   * reachable from the root at `t` (see `pack.ts`); `options.gc` overrides
   * the `packGc` option. Commits go on while it runs, except during the
   * final copy. ReadOnlyError on a read-only storage.
   */
  async pack(t: Tid, references: ReferencesFunction, options: PackOptions = {}): Promise<void> {
    this.checkWritable('pack');
    if (this.packing) throw new StorageError(`${this.name} is already being packed`);
    this.packing = true;
    try {
      await packStorage(this.packHost(options.gc ?? this.options.packGc), t, references);
    } finally {
      this.packing = false;
    }
  }

  /**
   * Read-only storages: picks up the transactions other processes committed
   * since the open (or the last `sync`), calling `db.invalidate` for each,
   * and reopens the file when a pack replaced it (then `db.invalidateCache`).
   * Returns the new `lastTransaction()`. On a writable storage it does nothing.
   */
  sync(): Tid {
    this.checkOpen();
    if (!this.options.readOnly || this.options.stop !== undefined) return this.visibleTid;
    const state = syncReadOnly(this.paths, {
      file: this.file,
      index: this.index,
      deleted: this.deleted,
      end: this.visibleEnd,
      lastTid: this.visibleTid,
      db: this.db,
    });
    if (state.file !== this.file) {
      this.file.release();
      this.file = state.file;
    }
    this.index = state.index;
    this.deleted = state.deleted;
    this.end = this.visibleEnd = state.end;
    this.finishedTid = this.visibleTid = state.lastTid;
    this.largestOid = Math.max(this.largestOid, this.index.maxOid);
    return this.visibleTid;
  }

  /**
   * Closes the storage: aborts a transaction in progress, makes finished
   * ones durable, saves the index (writable storages), removes the lock.
   * Idempotent; every other method then throws StorageError.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    const pending = this.pending;
    if (pending !== undefined) await this.tpcAbort(pending.txn);
    this.groupCommit.flushNow();
    this.closed = true;
    this.tpc.lock.close(new StorageClosedError(this.name, 'begin a transaction'));
    try {
      if (!this.options.readOnly && this.brokenBy === undefined) {
        saveIndexFile(this.paths.index, {
          end: this.visibleEnd,
          lastTid: this.visibleTid,
          index: this.index,
          deleted: this.deleted,
        });
      }
    } finally {
      this.file.release();
      this.buffer.close();
      this.lock?.release();
    }
  }

  // ---- internals ---------------------------------------------------------

  private publish(transaction: FinishedTransaction): void {
    this.db?.invalidate(transaction.tid, transaction.oids);
    this.visibleEnd = transaction.end;
    this.visibleTid = transaction.tid;
  }

  private noteOid(oid: Oid): void {
    if (oid > this.largestOid) this.largestOid = oid;
  }

  private pendingFor(txn: TransactionMetaData, method: string): PendingTransaction {
    this.checkWritable(method);
    this.tpc.requireBegun(txn, method);
    return this.pending!;
  }

  private cutBackTo(pos: number): void {
    try {
      this.file.truncate(pos);
    } catch (error) {
      this.breakDown(error);
      throw error;
    }
  }

  /** A write or flush failed after data may have reached the file: stop serving. */
  private breakDown(error: unknown): void {
    if (this.brokenBy !== undefined) return;
    this.brokenBy = error;
    this.tpc.lock.close(
      new StorageError(`${this.name} stopped after an I/O failure`, { cause: error }),
    );
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageClosedError(this.name);
    if (this.brokenBy !== undefined) {
      throw new StorageError(`${this.name} stopped after an I/O failure; reopen it`, {
        cause: this.brokenBy,
      });
    }
  }

  private checkWritable(method: string): void {
    this.checkOpen();
    if (this.options.readOnly) {
      throw new ReadOnlyError(
        `${method}: ${this.name} is open read-only${this.options.stop === undefined ? '' : ' (time travel)'}`,
      );
    }
  }

  private packHost(gc: boolean): PackHost {
    return {
      paths: this.paths,
      gc,
      keepOld: this.options.packKeepOld,
      file: () => this.file,
      end: () => this.end,
      lastTid: () => this.finishedTid,
      lock: () => this.tpc.lock.acquire(),
      flushFinished: () => this.groupCommit.flushNow(),
      swap: (swap: PackSwap) => {
        this.file.release();
        this.file = swap.file;
        this.index = swap.index;
        this.deleted = swap.deleted;
        this.end = this.visibleEnd = swap.end;
      },
    };
  }
}
