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
 * The layout is ZODB's (`FORMAT.md`). Opening is synchronous: the
 * constructor takes the lock, loads or rebuilds the index and recovers from
 * a crash (`open-data-file.ts`); `FileStorage.open` is the same as a
 * promise. Commits follow `committer.ts`: durable when `tpcFinish`
 * resolves, several sharing one flush (group commit), visible to readers
 * only once durable (`storage-state.ts`). Reads are synchronous `readSync`s
 * (`record-reader.ts`), at any past tid.
 *
 * @module
 */

import * as path from 'node:path';
import { POSKeyError, ReadOnlyError, StorageError } from '../../errors.js';
import type { Oid, Tid } from '../../ids.js';
import { ZERO_TID, oidRepr, tidRepr } from '../../ids.js';
import type {
  BlobRestoreStorage,
  BlobStorage,
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
import { UNDO_LOG_DEFAULT_LAST, sliceUndoLog, undoSpecificationFilter } from '../undo-log-slice.js';
import type { CheckFinding } from './check.js';
import { checkDataFile } from './check.js';
import { FileBlobs } from './file-blobs.js';
import { Committer, packingUndoError } from './committer.js';
import type { FileTransactionRecord } from './file-iterator.js';
import { iterateFile } from './file-iterator.js';
import { readHistory } from './history.js';
import { saveIndexFile } from './index-file.js';
import type { HeldLock } from './lock-file.js';
import type { IndexSource, StoragePaths } from './open-data-file.js';
import { openDataFile, storagePaths } from './open-data-file.js';
import type { FileStorageOptions, ResolvedFileStorageOptions } from './options.js';
import { resolveOptions } from './options.js';
import type { PackHost } from './pack.js';
import { packStorage } from './pack.js';
import { syncReadOnly } from './read-only-sync.js';
import { dataOf, findRecordAt, findRevision, findSerial } from './record-reader.js';
import type { StorageState } from './storage-state.js';
import { undoLogEntries } from './undo-log.js';
import { parseUndoId } from './undo.js';

/**
 * The FileStorage; see the module comment. Implements every storage
 * capability but prefetch: iteration, undo, restore, external GC
 * (`deleteObject`), current-record iteration and, with the `blobDir`
 * option, blobs (see `file-blobs.ts`).
 */
export class FileStorage
  implements
    IteratorStorage,
    UndoStorage,
    RestoreStorage,
    DeletingStorage,
    RecordIteratorStorage,
    BlobStorage,
    BlobRestoreStorage
{
  /** The data file's path, as given. */
  readonly name: string;
  /** The blob directory given in the options, if any. */
  readonly blobDir: string | undefined;
  /** The options in force, defaults applied. */
  readonly options: ResolvedFileStorageOptions;
  /** The data file and its companions (`.index`, `.lock`, `.tmp`, `.pack`, `.old`). */
  readonly paths: StoragePaths;
  /** How the index was obtained at open: loaded, loaded and caught up, or rebuilt by scanning. */
  readonly indexSource: IndexSource;
  /** Bytes of an unfinished last transaction cut off (writable) or ignored (read-only) at open. */
  readonly recoveredTailBytes: number;

  private readonly state: StorageState;
  private readonly committer: Committer;
  private readonly blobs: FileBlobs;
  private readonly lock: HeldLock | undefined;
  private closed = false;
  private brokenBy: unknown;

  /**
   * Opens (or creates) the storage at `dataPath` (see {@link FileStorageOptions}).
   * Throws FileStorageLockError when another writer holds it,
   * CorruptedDataError (with path and offset) for a damaged file,
   * StorageSystemError for I/O failures, TypeError for contradictory options.
   */
  constructor(dataPath: string, options: FileStorageOptions = {}) {
    this.options = resolveOptions(options);
    this.name = dataPath;
    this.blobDir = this.options.blobDir;
    this.paths = storagePaths(dataPath);
    const opened = openDataFile(this.paths, this.options);
    this.lock = opened.lock;
    this.indexSource = opened.indexSource;
    this.recoveredTailBytes = opened.tailBytes;
    this.state = {
      name: dataPath,
      paths: this.paths,
      options: this.options,
      file: opened.file,
      index: opened.index,
      deleted: opened.deleted,
      db: undefined,
      end: opened.end,
      finishedTid: opened.lastTid,
      visibleEnd: opened.end,
      visibleTid: opened.lastTid,
      largestOid: Math.max(0, opened.index.maxOid),
      packing: false,
    };
    this.committer = new Committer(this.state, {
      checkWritable: (method) => this.checkWritable(method),
      breakDown: (error) => this.breakDown(error),
    });
    this.blobs = new FileBlobs(
      {
        name: dataPath,
        hasRevision: (oid, tid) => this.hasRevision(oid, tid),
        finishingAbove: () =>
          this.committer.pendingTid !== undefined || this.state.finishedTid > this.state.visibleTid
            ? this.state.visibleTid
            : undefined,
      },
      this.blobDir,
      this.options.readOnly,
    );
  }

  /**
   * The constructor as a promise, for symmetry with storages that connect
   * first; opening a FileStorage needs no asynchronous work.
   */
  static open(dataPath: string, options: FileStorageOptions = {}): Promise<FileStorage> {
    return Promise.resolve().then(() => new FileStorage(dataPath, options));
  }

  // ---- information -------------------------------------------------------

  /** The absolute path of the data file: unique per storage in a process. */
  sortKey(): string {
    return path.resolve(this.name);
  }

  /** True when opened with `readOnly` or `stop`. */
  isReadOnly(): boolean {
    return this.options.readOnly;
  }

  /** The last durable transaction's tid (`ZERO_TID` for an empty storage). */
  lastTransaction(): Tid {
    this.checkOpen();
    return this.state.visibleTid;
  }

  /** Objects whose current revision is not a deletion (counting finished, not yet durable commits). */
  objectCount(): number {
    this.checkOpen();
    return this.state.index.size - this.state.deleted.size;
  }

  /** Size of the data file in bytes. */
  getSize(): number {
    return this.state.end;
  }

  /**
   * Group-commit counters since the open: flushes of the file (`fdatasync`)
   * and transactions made durable by them (more transactions than flushes:
   * commits shared flushes).
   */
  commitStatistics(): { readonly flushes: number; readonly transactions: number } {
    const { groupCommit } = this.committer;
    return { flushes: groupCommit.flushCount, transactions: groupCommit.transactionCount };
  }

  /** Registers the database to invalidate and to resolve conflicts with. */
  registerDB(db: StorageDB): void {
    this.state.db = db;
  }

  /** FileStorage supports transactional undo. */
  supportsUndo(): true {
    return true;
  }

  // ---- reads -------------------------------------------------------------

  /** The revision of `oid` current at `at` (see `Storage.loadAt`). */
  loadAt(oid: Oid, at: Tid): DataRecord | null {
    this.checkOpen();
    const { file, index, visibleTid } = this.state;
    const pos = index.get(oid);
    if (pos === undefined) return null;
    const record = findRecordAt(file, pos, oid, at, visibleTid);
    if (record === null) return null;
    return { data: dataOf(file, record), serial: record.header.tid };
  }

  /** ZODB's loadBefore (see `Storage.loadBefore`). */
  loadBefore(oid: Oid, before: Tid): LoadBeforeResult | null {
    this.checkOpen();
    const { file, index, visibleTid } = this.state;
    const pos = index.get(oid);
    if (pos === undefined) throw new POSKeyError(oid);
    if (before === ZERO_TID) return null;
    const found = findRevision(file, pos, oid, before - 1n, visibleTid);
    if (found === null) return null;
    const serial = found.record.header.tid;
    const data = dataOf(file, found.record);
    if (data === null) throw new POSKeyError(oid, serial, `object ${oidRepr(oid)} was deleted`);
    return { data, serial, nextSerial: found.nextTid };
  }

  /** The data of `oid` written by transaction `serial`; POSKeyError if none (or a deletion). */
  loadSerial(oid: Oid, serial: Tid): Uint8Array {
    this.checkOpen();
    const { file, index, visibleTid } = this.state;
    const record = findSerial(file, index.get(oid) ?? 0, oid, serial, visibleTid);
    if (record === undefined) throw new POSKeyError(oid, serial);
    const data = dataOf(file, record);
    if (data === null) {
      throw new POSKeyError(
        oid,
        serial,
        `revision ${tidRepr(serial)} of ${oidRepr(oid)} is a deletion`,
      );
    }
    return data;
  }

  /** Up to `size` revisions of `oid`, newest first; POSKeyError for an unknown oid. */
  history(oid: Oid, size = 1): HistoryEntry[] {
    this.checkOpen();
    const { file, index, visibleTid } = this.state;
    const pos = index.get(oid);
    const entries = pos === undefined ? [] : readHistory(file, oid, pos, size, visibleTid);
    if (entries.length === 0 && size > 0) throw new POSKeyError(oid);
    return entries;
  }

  /** Transactions with `start <= tid <= stop`, oldest first (a snapshot; see `file-iterator.ts`). */
  iterator(start?: Tid, stop?: Tid): Iterable<FileTransactionRecord> {
    this.checkOpen();
    const file = this.state.file.retain();
    const end = this.state.visibleEnd;
    return { [Symbol.iterator]: () => iterateFile(file, end, start, stop) };
  }

  /** Every current, non-deleted object with its serial and data, in oid order. */
  *recordIterator(): Generator<{ oid: Oid; serial: Tid; data: Uint8Array }> {
    this.checkOpen();
    for (const oid of this.state.index.keysFrom(0)) {
      const current = this.loadAt(oid, this.state.visibleTid);
      if (current === null || current.data === null) continue;
      yield { oid, serial: current.serial, data: current.data };
    }
  }

  /** Structural check of the data file (fstest's job): streams findings; see `check.ts`. */
  check(): Iterable<CheckFinding> {
    this.checkOpen();
    return checkDataFile(this.paths.data, { end: this.state.visibleEnd });
  }

  /** Undoable transactions, newest first, sliced and filtered as in ZODB (see `UndoStorage`). */
  undoLog(
    first = 0,
    last: number = UNDO_LOG_DEFAULT_LAST,
    filter?: (e: UndoLogEntry) => boolean,
  ): UndoLogEntry[] {
    this.checkOpen();
    if (this.state.packing) throw packingUndoError();
    return sliceUndoLog(
      undoLogEntries(this.state.file, this.state.visibleEnd),
      first,
      last,
      filter,
    );
  }

  /** Like {@link undoLog}, keeping entries whose fields equal `specification`'s. */
  undoInfo(
    first = 0,
    last: number = UNDO_LOG_DEFAULT_LAST,
    specification?: Partial<UndoLogEntry>,
  ): UndoLogEntry[] {
    return this.undoLog(first, last, undoSpecificationFilter(specification));
  }

  // ---- two-phase commit (committer.ts) -----------------------------------

  /** A new oid, after every oid stored so far. ReadOnlyError when read-only. */
  newOid(): Oid {
    this.checkWritable('newOid');
    this.state.largestOid = Math.max(this.state.largestOid, this.state.index.maxOid) + 1;
    return this.state.largestOid;
  }

  /** Waits (FIFO) for the commit lock and starts committing `txn`, with `tid` when restoring. */
  tpcBegin(txn: TransactionMetaData, tid?: Tid): Promise<void> {
    return this.committer.begin(txn, tid);
  }

  /** Stores a revision; conflicts are resolved through the database or raised here. */
  store(oid: Oid, oldSerial: Tid, data: Uint8Array, txn: TransactionMetaData): void {
    this.committer.store(oid, oldSerial, data, txn);
  }

  /** {@link store} that also takes the uncommitted blob file `filename` (renamed in at finish). */
  storeBlob(
    oid: Oid,
    oldSerial: Tid,
    data: Uint8Array,
    filename: string,
    txn: TransactionMetaData,
  ): void {
    this.blobs.temporaryDirectory();
    this.committer.store(oid, oldSerial, data, txn);
    this.blobs.stage(oid, filename);
  }

  /** The committed blob file of revision `serial` of `oid`; POSKeyError if none. */
  loadBlob(oid: Oid, serial: Tid): string {
    this.checkOpen();
    return this.blobs.load(oid, serial);
  }

  /** The directory for uncommitted blob files (inside `blobDir`). */
  temporaryDirectory(): string {
    this.checkOpen();
    return this.blobs.temporaryDirectory();
  }

  /** Writes a deletion of `oid` (external GC); ConflictError unless `oldSerial` is current. */
  deleteObject(oid: Oid, oldSerial: Tid, txn: TransactionMetaData): void {
    this.committer.deleteObject(oid, oldSerial, txn);
  }

  /** ReadConflictError unless `serial` is the current serial of `oid`. */
  checkCurrentSerialInTransaction(oid: Oid, serial: Tid, txn: TransactionMetaData): void {
    this.committer.checkCurrentSerial(oid, serial, txn);
  }

  /** Writes a copied revision without conflict checks (see `restore.ts`). */
  restore(
    oid: Oid,
    serial: Tid,
    data: Uint8Array | null,
    prevTxn: Tid | undefined,
    txn: TransactionMetaData,
  ): void {
    this.committer.restore(oid, serial, data, prevTxn, txn);
  }

  /**
   * {@link restore} that also takes the uncommitted blob file `filename`
   * (renamed in at finish as the file of revision `serial`). StorageError
   * without a `blobDir`.
   */
  restoreBlob(
    oid: Oid,
    serial: Tid,
    data: Uint8Array,
    filename: string,
    prevTxn: Tid | undefined,
    txn: TransactionMetaData,
  ): void {
    this.blobs.temporaryDirectory();
    this.committer.restore(oid, serial, data, prevTxn, txn);
    this.blobs.stage(oid, filename);
  }

  /** Undoes transaction `id` inside the commit of `txn` (see `undo.ts`); resolves with the oids. */
  async undo(id: string, txn: TransactionMetaData): Promise<Oid[]> {
    const oids = this.committer.undo(id, txn);
    if (this.blobDir !== undefined) {
      const undone = parseUndoId(id);
      for (const oid of oids) {
        const previous = this.revisionBefore(oid, undone);
        if (previous !== undefined) this.blobs.stageUndo(oid, previous);
      }
    }
    return Promise.resolve(oids);
  }

  /** Writes the transaction with the checkpoint status; resolves with the oids conflict resolution changed. */
  tpcVote(txn: TransactionMetaData): Promise<Oid[]> {
    try {
      return Promise.resolve(this.committer.vote(txn));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Makes the transaction final; resolves with its tid once it is durable and visible. */
  tpcFinish(txn: TransactionMetaData): Promise<Tid> {
    try {
      this.checkOpen();
      this.committer.requireVotedFor(txn);
      this.blobs.finish(this.committer.pendingTid);
      return this.committer.finish(txn);
    } catch (error) {
      // Every failure is a rejection, never a synchronous throw.
      return Promise.reject(error as Error);
    }
  }

  /** Abandons the commit of `txn`; ignored for any other transaction. */
  async tpcAbort(txn: TransactionMetaData): Promise<void> {
    if (!this.closed && this.committer.isCommitting(txn)) {
      this.committer.abort(txn);
      this.blobs.abort();
    }
    return Promise.resolve();
  }

  // ---- pack, sync, close -------------------------------------------------

  /**
   * Removes revisions not current at `t` and, with `packGc`, objects not
   * reachable from the root at `t` (see `pack.ts`); `options.gc` overrides
   * the `packGc` option. Commits go on while it runs, except during the
   * final copy. ReadOnlyError on a read-only storage; StorageError while
   * another pack runs; StorageSystemError (the storage unchanged) on I/O
   * failures such as a full disk.
   */
  async pack(t: Tid, references: ReferencesFunction, options: PackOptions = {}): Promise<void> {
    this.checkWritable('pack');
    if (this.state.packing) throw new StorageError(`${this.name} is already being packed`);
    this.state.packing = true;
    try {
      await packStorage(this.packHost(options.gc ?? this.options.packGc), t, references);
      this.blobs.prune();
    } finally {
      this.state.packing = false;
    }
  }

  /**
   * Read-only storages: picks up the transactions other processes committed
   * since the open (or the last `sync`), calling `db.invalidate` for each,
   * and reopens the file when a pack replaced it (then `db.invalidateCache`).
   * Returns the new `lastTransaction()`. Writable and time-travel storages
   * have nothing to pick up and return it unchanged.
   */
  sync(): Tid {
    this.checkOpen();
    const { state } = this;
    if (!this.options.readOnly || this.options.stop !== undefined) return state.visibleTid;
    const synced = syncReadOnly(this.paths, {
      file: state.file,
      index: state.index,
      deleted: state.deleted,
      end: state.visibleEnd,
      lastTid: state.visibleTid,
      db: state.db,
    });
    if (synced.file !== state.file) state.file.release();
    state.file = synced.file;
    state.index = synced.index;
    state.deleted = synced.deleted;
    state.end = state.visibleEnd = synced.end;
    state.finishedTid = state.visibleTid = synced.lastTid;
    state.largestOid = Math.max(state.largestOid, state.index.maxOid);
    return state.visibleTid;
  }

  /**
   * Closes the storage: aborts a transaction in progress, makes finished
   * ones durable, saves the index (writable storages), removes the lock.
   * Idempotent; every other method then throws StorageClosedError.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.committer.shutDown(new StorageClosedError(this.name, 'begin a transaction'));
    this.closed = true;
    const { state } = this;
    try {
      if (!this.options.readOnly && this.brokenBy === undefined) {
        saveIndexFile(this.paths.index, {
          end: state.visibleEnd,
          lastTid: state.visibleTid,
          index: state.index,
          deleted: state.deleted,
        });
      }
    } finally {
      this.blobs.close();
      state.file.release();
      this.lock?.release();
    }
    return Promise.resolve();
  }

  // ---- internals ---------------------------------------------------------

  /** A write or flush failed after data may have reached the file: stop serving. */
  private breakDown(error: unknown): void {
    if (this.brokenBy !== undefined) return;
    this.brokenBy = error;
    this.committer.tpc.lock.close(
      new StorageError(`${this.name} stopped after an I/O failure`, { cause: error }),
    );
  }

  /** The serial of the revision of `oid` before `tid`, if it holds data. */
  private revisionBefore(oid: Oid, tid: Tid): Tid | undefined {
    try {
      return this.loadBefore(oid, tid)?.serial;
    } catch (error) {
      if (error instanceof POSKeyError) return undefined;
      throw error;
    }
  }

  /** True when revision `tid` of `oid` is visible and holds data (for blob pruning). */
  private hasRevision(oid: Oid, tid: Tid): boolean {
    try {
      this.loadSerial(oid, tid);
      return true;
    } catch (error) {
      if (error instanceof POSKeyError) return false;
      throw error;
    }
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
      const why = this.options.stop === undefined ? '' : ' (time travel)';
      throw new ReadOnlyError(`${method}: ${this.name} is open read-only${why}`);
    }
  }

  private packHost(gc: boolean): PackHost {
    const { state } = this;
    return {
      paths: this.paths,
      gc,
      keepOld: this.options.packKeepOld,
      file: () => state.file,
      end: () => state.end,
      lastTid: () => state.finishedTid,
      lock: () => this.committer.tpc.lock.acquire(),
      flushFinished: () => this.committer.groupCommit.flushNow(),
      swap: (swap) => {
        this.committer.forgetPositions();
        state.file.release();
        state.file = swap.file;
        state.index = swap.index;
        state.deleted = swap.deleted;
        state.end = state.visibleEnd = swap.end;
      },
    };
  }
}
