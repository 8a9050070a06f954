/**
 * The storage contract: what every storage (MappingStorage, FileStorage,
 * DemoStorage, the client storage, PostgreSQL) promises, and what the
 * database layer may rely on. It follows ZODB's `IStorage` family
 * (`ZODB/interfaces.py`), translated:
 *
 * - Oids are `number`s, tids are `bigint`s (see `ids.ts`); on disk and on the
 *   wire both are 8 big-endian bytes.
 * - **Reads are synchronous** (`loadAt`, `loadBefore`, `loadSerial`, `history`,
 *   `iterator`): lazy loading happens inside a property access, which cannot
 *   await. Network storages block on a worker thread.
 * - **Everything that writes or waits is asynchronous** (`tpcBegin`, `tpcVote`,
 *   `tpcFinish`, `tpcAbort`, `undo`, `pack`, `close`).
 *
 * ## Invariants
 * - Tids strictly increase in commit order, and every tid a storage reports
 *   (from `tpcFinish`, `lastTransaction`, `history`, `iterator`, serials of
 *   loads) is consistent with that order.
 * - `lastTransaction()` reports a tid only after `db.invalidate(tid, oids)`
 *   has been called for it; both happen in one synchronous step, so a reader
 *   that picks its snapshot from `lastTransaction()` has already received
 *   every invalidation up to that snapshot.
 * - A revision, once returned by a load, never changes (until pack removes it).
 *
 * ## Two-phase commit order
 * ```
 * tpcBegin(txn[, tid]) -> (store | checkCurrentSerialInTransaction |
 *   deleteObject | restore | undo)* -> tpcVote(txn) -> tpcFinish(txn)
 *                                               \-> tpcAbort(txn) at any point
 * ```
 * `tpcBegin` waits (FIFO) while another transaction holds the commit lock.
 * Calling a phase method with a transaction that is not the one in
 * `tpcBegin` throws {@link StorageTransactionError}. `tpcAbort` with any
 * other transaction is ignored. **After a successful `tpcVote`, `tpcFinish`
 * must not fail** except for a catastrophic I/O error, which leaves the
 * storage closed and unusable rather than inconsistent.
 *
 * @module
 */

import type { Oid, Tid } from '../ids.js';

/**
 * What a storage sees of a transaction: its metadata, and its identity (the
 * same object is passed to every phase method of one commit).
 */
export interface TransactionMetaData {
  /** Who committed it (ZODB stores "path user"). */
  readonly user: string;
  /** The transaction's note(s), joined with newlines. */
  readonly description: string;
  /** Extended information: plain, serializable values only. */
  readonly extension: Readonly<Record<string, unknown>>;
}

/**
 * One revision of an object. `data === null` means the object was deleted in
 * this revision (its creation was undone, or it was deleted by external GC).
 */
export interface DataRecord {
  readonly data: Uint8Array | null;
  /** The tid of the transaction that wrote this revision. */
  readonly serial: Tid;
}

/** A revision with the serial of the revision that replaced it, if any. */
export interface LoadBeforeResult {
  readonly data: Uint8Array;
  readonly serial: Tid;
  /** The serial of the next revision, or `null` when this one is current. */
  readonly nextSerial: Tid | null;
}

/** One entry of `history()`, newest first. */
export interface HistoryEntry {
  readonly tid: Tid;
  /** The commit time, from the tid. */
  readonly time: Date;
  readonly user: string;
  readonly description: string;
  /** Size of the record's data in bytes (0 for a deletion). */
  readonly size: number;
  readonly extension: Readonly<Record<string, unknown>>;
}

/**
 * The callbacks a storage makes to the database that uses it (ZODB's
 * `IStorageWrapper` / the `db` passed to `registerDB`).
 */
export interface StorageDB {
  /**
   * A transaction committed: called once per committed transaction, in commit
   * order, for commits made through this storage object and (for shared
   * storages) by other clients; in the same synchronous step that makes
   * `lastTransaction()` report `tid`.
   */
  invalidate(tid: Tid, oids: readonly Oid[]): void;
  /** Everything may have changed (e.g. a client storage reconnected and could not verify its cache). */
  invalidateCache(): void;
  /**
   * Merges a conflicting store. `committedData` is the current revision (at
   * `committedSerial`), `oldSerial` is the revision the writer started from,
   * `newData` what it wants to store. Returns the merged record, or throws
   * `ConflictError` saying why it could not be merged.
   */
  tryToResolveConflict(
    oid: Oid,
    committedSerial: Tid,
    oldSerial: Tid,
    newData: Uint8Array,
    committedData: Uint8Array,
  ): Uint8Array;
}

/** A function that lists the oids a record refers to (for pack and GC). */
export type ReferencesFunction = (data: Uint8Array) => readonly Oid[];

/** Options of {@link Storage.pack}. */
export interface PackOptions {
  /**
   * Whether to remove objects unreachable from the root at the pack time
   * (default true for storages that garbage-collect). `false` keeps the
   * current revision of every object, as ZODB's `pack(t, referencesf,
   * gc=False)`; DemoStorage needs it to pack a changes storage whose objects
   * may be reachable only through its base.
   */
  readonly gc?: boolean;
}

/** A record inside an iterated transaction. */
export interface RecordInfo {
  readonly oid: Oid;
  readonly tid: Tid;
  /** The data, or `null` for a deletion. */
  readonly data: Uint8Array | null;
  /** When this record's data is a copy of an earlier transaction's (undo, restore), that transaction's tid. */
  readonly dataTxn?: Tid | undefined;
}

/** A transaction as iterated from a storage. */
export interface TransactionRecord extends TransactionMetaData {
  readonly tid: Tid;
  /** `' '` committed, `'p'` packed (metadata of a packed transaction may be partial). */
  readonly status: string;
  /** The data records of the transaction, in the order they were stored. */
  readonly records: Iterable<RecordInfo>;
}

/**
 * The basic storage contract (ZODB's `IStorage` with `IMultiCommitStorage`
 * and `ReadVerifyingStorage`). Every storage passes the shared conformance
 * suite in `test/storage/conformance.ts`.
 */
export interface Storage {
  /** A human-readable name (the file path for FileStorage). */
  readonly name: string;

  /** A string that orders storages in multi-storage commits (deadlock avoidance). */
  sortKey(): string;
  /** True when the storage refuses writes. Fixed for the storage's life. */
  isReadOnly(): boolean;
  /** The tid of the last committed transaction, or `ZERO_TID` for an empty storage. */
  lastTransaction(): Tid;
  /** Number of objects (current, non-deleted) in the storage; may be approximate. */
  objectCount(): number;
  /** Approximate size of the storage in bytes. */
  getSize(): number;

  /** Called once by the database that uses this storage; see {@link StorageDB}. */
  registerDB(db: StorageDB): void;

  /**
   * The revision of `oid` current at tid `at` (the newest revision with
   * serial <= at), or `null` when the object had no revision at or before
   * `at` (created later, or never). A deleted revision is returned with
   * `data === null`.
   */
  loadAt(oid: Oid, at: Tid): DataRecord | null;
  /**
   * ZODB's `loadBefore`: the revision current just before `before` (serial <
   * before) with the serial that replaced it; `null` when none. Throws
   * {@link POSKeyError} when the object does not exist at all or that revision
   * is a deletion.
   */
  loadBefore(oid: Oid, before: Tid): LoadBeforeResult | null;
  /** The data of the revision of `oid` written by `serial`; {@link POSKeyError} if there is none. */
  loadSerial(oid: Oid, serial: Tid): Uint8Array;
  /**
   * Newest-first history of `oid`, at most `size` entries (default 1).
   * {@link POSKeyError} when the oid is unknown.
   */
  history(oid: Oid, size?: number): HistoryEntry[];

  /**
   * A new, never-used oid. Never returns `ROOT_OID` (0): the database creates
   * the root object at oid 0 itself. ReadOnlyError on a read-only storage.
   */
  newOid(): Oid;

  /**
   * Starts a commit. Waits (FIFO) for the commit lock. `tid` is given only by
   * restore/copy (IStorageRestoreable): the storage must then use it and it
   * must be greater than `lastTransaction()`. ReadOnlyError if read-only;
   * StorageTransactionError if `txn` is already being committed here.
   */
  tpcBegin(txn: TransactionMetaData, tid?: Tid): Promise<void>;
  /**
   * Stores a new revision of `oid`. `oldSerial` is the serial the writer read
   * (`ZERO_TID` for a new object). A conflict (the current serial differs) is
   * resolved through `db.tryToResolveConflict` or raised as ConflictError,
   * here or at `tpcVote`.
   */
  store(oid: Oid, oldSerial: Tid, data: Uint8Array, txn: TransactionMetaData): void;
  /**
   * Checks that `serial` is still the current serial of `oid`; throws
   * ReadConflictError here or at vote if not. If it does not throw, the
   * serial stays current until this transaction finishes.
   */
  checkCurrentSerialInTransaction(oid: Oid, serial: Tid, txn: TransactionMetaData): void;
  /**
   * Ends the first phase: everything stored must now be able to commit.
   * Resolves with the oids whose stores were changed by conflict resolution
   * (the caller must reload them); throws ConflictError and the like.
   */
  tpcVote(txn: TransactionMetaData): Promise<Oid[]>;
  /**
   * Makes the transaction durable and visible; resolves with its tid. Calls
   * `db.invalidate(tid, oids)` as described in {@link StorageDB}.
   */
  tpcFinish(txn: TransactionMetaData): Promise<Tid>;
  /** Abandons the commit of `txn`; ignored if `txn` is not being committed. */
  tpcAbort(txn: TransactionMetaData): Promise<void>;

  /**
   * Removes revisions that were not current at `t` and, when the storage does
   * garbage collection, objects not reachable from the root at `t`.
   * `references` lists the oids a record refers to. `options.gc === false`
   * turns garbage collection off (see {@link PackOptions}).
   */
  pack(t: Tid, references: ReferencesFunction, options?: PackOptions): Promise<void>;

  /** Releases the storage. Idempotent. Further use throws StorageError. */
  close(): Promise<void>;
}

/** `IStorageIteration`: iteration over transactions, oldest first. */
export interface IteratorStorage extends Storage {
  /** Transactions with `start <= tid <= stop` (both optional, inclusive). */
  iterator(start?: Tid, stop?: Tid): Iterable<TransactionRecord>;
}

/** One entry of `undoLog`/`undoInfo`, newest first. */
export interface UndoLogEntry {
  /** Opaque id to pass to `undo`. */
  readonly id: string;
  readonly tid: Tid;
  readonly time: Date;
  readonly user: string;
  readonly description: string;
  readonly extension: Readonly<Record<string, unknown>>;
  /** Size of the transaction's data in bytes. */
  readonly size: number;
}

/** `IStorageUndoable`. */
export interface UndoStorage extends Storage {
  supportsUndo(): true;
  /**
   * Newest-first transactions that can be undone. `first` and `last` slice the
   * log as in ZODB: entries `first` up to (not including) `last`; a negative
   * `last` means "`-last` entries". `filter` keeps only matching entries.
   */
  undoLog(first?: number, last?: number, filter?: (e: UndoLogEntry) => boolean): UndoLogEntry[];
  /** Like `undoLog`, with a specification object whose fields must all equal the entry's. */
  undoInfo(first?: number, last?: number, specification?: Partial<UndoLogEntry>): UndoLogEntry[];
  /**
   * Inside a commit (after `tpcBegin`), undoes the transaction `id`: writes
   * revisions restoring every object it changed to its earlier state.
   * Resolves with the oids it changed. UndoError naming the objects when a
   * later transaction changed them and the change cannot be resolved.
   */
  undo(id: string, txn: TransactionMetaData): Promise<Oid[]>;
}

/** `IStorageRestoreable`: copying transactions with their tids. */
export interface RestoreStorage extends Storage {
  /**
   * Writes a revision without conflict checks (inside `tpcBegin(txn, tid)`).
   * `data === null` records a deletion. `prevTxn` hints that the data equals
   * that earlier transaction's revision (a back pointer).
   */
  restore(
    oid: Oid,
    serial: Tid,
    data: Uint8Array | null,
    prevTxn: Tid | undefined,
    txn: TransactionMetaData,
  ): void;
}

/** `IExternalGC`. */
export interface DeletingStorage extends Storage {
  /** Writes a deletion revision of `oid`; `oldSerial` must be current. */
  deleteObject(oid: Oid, oldSerial: Tid, txn: TransactionMetaData): void;
}

/** `IStorageCurrentRecordIteration`: every current object, in oid order. */
export interface RecordIteratorStorage extends Storage {
  recordIterator(): Iterable<{ oid: Oid; serial: Tid; data: Uint8Array }>;
}

/** `IPrefetchStorage`: warm objects without blocking. */
export interface PrefetchStorage extends Storage {
  prefetch(oids: readonly Oid[], at: Tid): Promise<void>;
}

/** Type guard for {@link IteratorStorage}. */
export function isIteratorStorage(s: Storage): s is IteratorStorage {
  return typeof (s as Partial<IteratorStorage>).iterator === 'function';
}

/** Type guard for {@link UndoStorage}. */
export function isUndoStorage(s: Storage): s is UndoStorage {
  const u = s as Partial<UndoStorage>;
  return typeof u.supportsUndo === 'function' && u.supportsUndo() === true;
}

/** Type guard for {@link RestoreStorage}. */
export function isRestoreStorage(s: Storage): s is RestoreStorage {
  return typeof (s as Partial<RestoreStorage>).restore === 'function';
}

/** Type guard for {@link DeletingStorage}. */
export function isDeletingStorage(s: Storage): s is DeletingStorage {
  return typeof (s as Partial<DeletingStorage>).deleteObject === 'function';
}

/** Type guard for {@link RecordIteratorStorage}. */
export function isRecordIteratorStorage(s: Storage): s is RecordIteratorStorage {
  return typeof (s as Partial<RecordIteratorStorage>).recordIterator === 'function';
}

/** Type guard for {@link PrefetchStorage}. */
export function isPrefetchStorage(s: Storage): s is PrefetchStorage {
  return typeof (s as Partial<PrefetchStorage>).prefetch === 'function';
}

/**
 * `IBlobStorage`: a storage that keeps blob data as files, one per (oid,
 * tid), outside its records (a blob object's record holds no data).
 */
export interface BlobStorage extends Storage {
  /**
   * Stores a blob object's record (as `store`) and takes ownership of the
   * uncommitted file `filename`: the storage moves it into its blob
   * directory when the transaction finishes and deletes it on abort.
   */
  storeBlob(
    oid: Oid,
    oldSerial: Tid,
    data: Uint8Array,
    filename: string,
    txn: TransactionMetaData,
  ): void;
  /**
   * The path of the committed blob file of revision `serial` of `oid`.
   * POSKeyError when that revision has no blob file.
   */
  loadBlob(oid: Oid, serial: Tid): string;
  /**
   * A directory on the blob directory's file system for uncommitted blob
   * files (so that committing them is a rename).
   */
  temporaryDirectory(): string;
}

/** True when `storage` implements {@link BlobStorage}. */
export function isBlobStorage(storage: Storage): storage is BlobStorage {
  const candidate = storage as Partial<BlobStorage>;
  return (
    typeof candidate.storeBlob === 'function' &&
    typeof candidate.loadBlob === 'function' &&
    typeof candidate.temporaryDirectory === 'function'
  );
}

/**
 * `IBlobStorageRestoreable`: a blob storage that can receive copied
 * transactions together with their blob files (`copyTransactionsFrom`).
 */
export interface BlobRestoreStorage extends BlobStorage, RestoreStorage {
  /**
   * {@link RestoreStorage.restore} of a blob object's revision that also
   * takes ownership of the uncommitted file `filename` (as `storeBlob`
   * does): the storage moves it into its blob directory as the file of
   * revision `serial` when the transaction finishes and deletes it on
   * abort. `filename` should be in {@link BlobStorage.temporaryDirectory}
   * so that the move is a rename.
   * StorageError when the storage has no blob directory (FileStorage
   * opened without `blobDir`); StorageTransactionError as for `restore`.
   */
  restoreBlob(
    oid: Oid,
    serial: Tid,
    data: Uint8Array,
    filename: string,
    prevTxn: Tid | undefined,
    txn: TransactionMetaData,
  ): void;
}

/** True when `storage` implements {@link BlobRestoreStorage}. */
export function isBlobRestoreStorage(storage: Storage): storage is BlobRestoreStorage {
  return (
    isBlobStorage(storage) &&
    isRestoreStorage(storage) &&
    typeof (storage as Partial<BlobRestoreStorage>).restoreBlob === 'function'
  );
}
