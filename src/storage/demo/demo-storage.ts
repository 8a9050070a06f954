/**
 * DemoStorage: a writable layer of changes over a base storage that it
 * never writes (ZODB's `DemoStorage`).
 *
 * - **Reads** look in `changes` first and fall through to `base` for objects
 *   `changes` has never written. A deletion in `changes` hides the base
 *   object.
 * - **Writes** all go to `changes`. Conflicts are detected against the
 *   merged view: for an object only the base has, the base serial is the
 *   current serial (and conflicts are resolved through the registered
 *   database, as for any storage).
 * - **Oids** come from `changes` and skip every oid the base uses, so a new
 *   object never shadows a base object.
 * - **Tids**: each commit gets a tid after both storages' last transactions
 *   (passed to `changes.tpcBegin`), so the merged history stays ordered;
 *   `lastTransaction()` is the larger of the two.
 * - **history** merges both storages' revisions of the object, newest first;
 *   **iterator** merges both storages' transactions by tid (both must be
 *   IteratorStorages); **recordIterator** shows the merged current objects.
 * - **pack** packs only `changes`, the base is never modified. Garbage
 *   collection needs reachability through base objects, so it runs only
 *   while the base is empty; otherwise `changes` is packed without GC.
 * - **Invalidations** of commits through this storage reach the registered
 *   database. The base is treated as read-only: commits others make to it
 *   are visible to reads but not announced.
 * - `push()` stacks a new DemoStorage on this one; `pop()` closes this
 *   one's changes and gives back its base.
 *
 * Restore and deleteObject of base-only objects need `changes` to be a
 * RestoreStorage, and restoreBlob a BlobRestoreStorage; iteration needs both
 * storages to iterate; otherwise those methods throw {@link Unsupported}.
 * Undo is not offered.
 *
 * @module
 */

import {
  ConflictError,
  POSKeyError,
  ReadConflictError,
  ReadOnlyError,
  StorageTransactionError,
  Unsupported,
} from '../../errors.js';
import { MAX_TID, ZERO_TID, oidRepr, tidRepr } from '../../ids.js';
import type { Oid, Tid } from '../../ids.js';
import { newTid } from '../../timestamp.js';
import {
  isBlobRestoreStorage,
  isBlobStorage,
  isDeletingStorage,
  isIteratorStorage,
  isRecordIteratorStorage,
  isRestoreStorage,
} from '../interfaces.js';
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
  Storage,
  StorageDB,
  TransactionMetaData,
  TransactionRecord,
} from '../interfaces.js';
import { MappingStorage } from '../mapping/index.js';
import { StorageClosedError } from '../storage-closed-error.js';
import { resolveStoreConflict } from '../store-conflict.js';
import { TpcState } from '../tpc-state.js';
import { compareBigints, mergeSorted } from './merge-sorted.js';

/** Options of {@link DemoStorage}. */
export interface DemoStorageOptions {
  /** Name and sort key; default `DemoStorage(<base name>, <changes name>)`. */
  readonly name?: string;
  /** The storage reads fall through to; default a new, empty MappingStorage. It is never written. */
  readonly base?: Storage;
  /** The storage that receives every write; default a new MappingStorage. */
  readonly changes?: Storage;
  /** Close a given `base` when this storage closes; default true. A default base is always closed. */
  readonly closeBaseOnClose?: boolean;
  /** Close given `changes` when this storage closes; default true. Default changes are always closed. */
  readonly closeChangesOnClose?: boolean;
}

/** A current object as `recordIterator` yields it. */
type CurrentRecord = { oid: Oid; serial: Tid; data: Uint8Array };

/**
 * A layer of changes over a base storage; see the module comment.
 *
 * @example
 * ```ts
 * const demo = new DemoStorage({ base: production, closeBaseOnClose: false });
 * // ... commit through `demo`: `production` is never written ...
 * await demo.close();
 * ```
 */
export class DemoStorage
  implements
    IteratorStorage,
    RestoreStorage,
    DeletingStorage,
    RecordIteratorStorage,
    BlobStorage,
    BlobRestoreStorage
{
  /** The storage's name (the `name` option or one made from its storages' names). */
  readonly name: string;
  /** The storage reads fall through to. */
  readonly base: Storage;
  /** The storage every write goes to. */
  readonly changes: Storage;
  private readonly closeBase: boolean;
  private readonly closeChanges: boolean;
  private readonly tpc: TpcState;
  private db: StorageDB | undefined;
  private closed = false;
  /** The tid of the commit in progress and the oids this layer resolved. */
  private pending: { tid: Tid; resolved: Oid[] } | undefined;

  /** A demo storage over `base` and `changes`; see {@link DemoStorageOptions}. */
  constructor(options: DemoStorageOptions = {}) {
    this.base = options.base ?? new MappingStorage({ name: 'DemoStorage base' });
    this.changes = options.changes ?? new MappingStorage({ name: 'DemoStorage changes' });
    this.closeBase = options.base === undefined || (options.closeBaseOnClose ?? true);
    this.closeChanges = options.changes === undefined || (options.closeChangesOnClose ?? true);
    this.name = options.name ?? `DemoStorage(${this.base.name}, ${this.changes.name})`;
    this.tpc = new TpcState({ storageName: this.name });
    this.changes.registerDB(this.changesDB());
  }

  /**
   * A new DemoStorage whose base is this one (which it will not close), with
   * `changes` (default a new MappingStorage) as its changes.
   */
  push(changes?: Storage): DemoStorage {
    this.ensureOpen();
    return new DemoStorage({ base: this, changes, closeBaseOnClose: false });
  }

  /** Closes this storage and its changes (not its base), and returns the base. */
  async pop(): Promise<Storage> {
    this.ensureOpen('pop');
    this.markClosed();
    await this.changes.close();
    return this.base;
  }

  // ---------------------------------------------------------------------
  // Storage information

  /** The storage's name. */
  sortKey(): string {
    this.ensureOpen();
    return this.name;
  }

  /** Read-only exactly when the changes storage is. */
  isReadOnly(): boolean {
    this.ensureOpen();
    return this.changes.isReadOnly();
  }

  /** The later of the base's and the changes' last transactions. */
  lastTransaction(): Tid {
    this.ensureOpen();
    const base = this.base.lastTransaction();
    const changes = this.changes.lastTransaction();
    return base > changes ? base : changes;
  }

  /** Approximate: the sum of both storages' counts (an object in both counts twice). */
  objectCount(): number {
    this.ensureOpen();
    return this.base.objectCount() + this.changes.objectCount();
  }

  /** The sum of both storages' sizes. */
  getSize(): number {
    this.ensureOpen();
    return this.base.getSize() + this.changes.getSize();
  }

  /** Sets the database that receives invalidations and resolves conflicts. */
  registerDB(db: StorageDB): void {
    this.ensureOpen();
    this.db = db;
  }

  // ---------------------------------------------------------------------
  // Reads

  /** The changes' revision current at `at`, else the base's. */
  loadAt(oid: Oid, at: Tid): DataRecord | null {
    this.ensureOpen();
    return this.changes.loadAt(oid, at) ?? this.base.loadAt(oid, at);
  }

  /** As for any storage, over the merged view; the next serial of a base revision may be the first change. */
  loadBefore(oid: Oid, before: Tid): LoadBeforeResult | null {
    this.ensureOpen();
    const at = before - 1n;
    const changed = at < ZERO_TID ? null : this.changes.loadAt(oid, at);
    // Once the changes have a revision, they hide the base (deletions included).
    if (changed !== null) return this.changes.loadBefore(oid, before);
    const fromBase = at < ZERO_TID ? null : this.base.loadAt(oid, at);
    if (fromBase === null) {
      if (!this.exists(oid)) throw new POSKeyError(oid);
      return null;
    }
    if (fromBase.data === null) throw deletedError(oid, fromBase.serial);
    const result = this.base.loadBefore(oid, before);
    if (result === null) return null;
    const firstChange = this.firstChangeSerial(oid);
    if (firstChange === undefined) return result;
    const nextSerial =
      result.nextSerial !== null && result.nextSerial < firstChange
        ? result.nextSerial
        : firstChange;
    return { data: result.data, serial: result.serial, nextSerial };
  }

  /** The data written by `serial`, from the changes or the base. */
  loadSerial(oid: Oid, serial: Tid): Uint8Array {
    this.ensureOpen();
    try {
      return this.changes.loadSerial(oid, serial);
    } catch (error) {
      if (!(error instanceof POSKeyError)) throw error;
      return this.base.loadSerial(oid, serial);
    }
  }

  /** Both storages' revisions of `oid`, newest first. */
  history(oid: Oid, size = 1): HistoryEntry[] {
    this.ensureOpen();
    const changes = historyOrUndefined(this.changes, oid, size);
    const base = historyOrUndefined(this.base, oid, size);
    if (changes === undefined && base === undefined) throw new POSKeyError(oid);
    const merged = [...(changes ?? []), ...(base ?? [])];
    merged.sort((a, b) => compareBigints(b.tid, a.tid));
    return merged.slice(0, Math.max(0, Math.floor(size)));
  }

  /** Both storages' transactions merged by tid; a snapshot taken at the call. */
  iterator(start?: Tid, stop?: Tid): Iterable<TransactionRecord> {
    this.ensureOpen();
    const base = this.base;
    const changes = this.changes;
    if (!isIteratorStorage(base) || !isIteratorStorage(changes)) {
      throw new Unsupported(
        `${this.name}: iteration needs a base and changes that are IteratorStorages`,
      );
    }
    return mergeSorted(base.iterator(start, stop), changes.iterator(start, stop), (a, b) =>
      compareBigints(a.tid, b.tid),
    );
  }

  /** The merged current objects in oid order; base objects the changes wrote or deleted are left out. */
  recordIterator(): Iterable<CurrentRecord> {
    this.ensureOpen();
    const base = this.base;
    const changes = this.changes;
    if (!isRecordIteratorStorage(base) || !isRecordIteratorStorage(changes)) {
      throw new Unsupported(`${this.name}: record iteration needs RecordIteratorStorages`);
    }
    const baseOnly = [...base.recordIterator()].filter(
      (r) => changes.loadAt(r.oid, MAX_TID) === null,
    );
    return mergeSorted<CurrentRecord>(baseOnly, changes.recordIterator(), (a, b) => a.oid - b.oid);
  }

  // ---------------------------------------------------------------------
  // Two-phase commit

  /** An oid from the changes storage that the base does not use. */
  newOid(): Oid {
    this.ensureWritable('allocate an oid');
    for (;;) {
      const oid = this.changes.newOid();
      if (this.base.loadAt(oid, MAX_TID) === null) return oid;
    }
  }

  /** Waits for this storage's commit lock, then begins in the changes with a tid after both storages. */
  async tpcBegin(txn: TransactionMetaData, tid?: Tid): Promise<void> {
    this.ensureWritable('begin a transaction');
    await this.tpc.begin(txn);
    try {
      const last = this.lastTransaction();
      if (tid !== undefined && tid <= last) {
        throw new StorageTransactionError(
          `tpcBegin: tid ${tidRepr(tid)} is not after the last transaction ${tidRepr(last)} of ${this.name}`,
        );
      }
      const commitTid = tid ?? newTid(last);
      await this.changes.tpcBegin(txn, commitTid);
      this.pending = { tid: commitTid, resolved: [] };
    } catch (error) {
      this.tpc.end();
      throw error;
    }
  }

  /** Stores in the changes, checking `oldSerial` against the base for objects only the base has. */
  store(oid: Oid, oldSerial: Tid, data: Uint8Array, txn: TransactionMetaData): void {
    this.storeInto(oid, oldSerial, data, txn, (serial, stored) =>
      this.changes.store(oid, serial, stored, txn),
    );
  }

  /**
   * {@link store} that hands the uncommitted blob file to `changes` (which
   * must support blobs; the default MappingStorage does, in a temporary
   * directory).
   */
  storeBlob(
    oid: Oid,
    oldSerial: Tid,
    data: Uint8Array,
    filename: string,
    txn: TransactionMetaData,
  ): void {
    const changes = this.blobChanges('store a blob');
    this.storeInto(oid, oldSerial, data, txn, (serial, stored) =>
      changes.storeBlob(oid, serial, stored, filename, txn),
    );
  }

  /** The blob file of revision `serial`: from `changes`, else from a blob-capable base. */
  loadBlob(oid: Oid, serial: Tid): string {
    if (this.changesHas(oid) && isBlobStorage(this.changes)) {
      try {
        return this.changes.loadBlob(oid, serial);
      } catch (error) {
        if (!(error instanceof POSKeyError)) throw error;
      }
    }
    if (isBlobStorage(this.base)) return this.base.loadBlob(oid, serial);
    throw new POSKeyError(
      oid,
      serial,
      `no blob file for oid ${oidRepr(oid)} at tid ${tidRepr(serial)} in ${this.name}`,
    );
  }

  /** The temporary directory of `changes`. */
  temporaryDirectory(): string {
    return this.blobChanges('create a blob file').temporaryDirectory();
  }

  private blobChanges(operation: string): BlobStorage {
    if (!isBlobStorage(this.changes)) {
      throw new Unsupported(
        `cannot ${operation}: the changes storage ${this.changes.name} of ${this.name} does not support blobs`,
      );
    }
    return this.changes;
  }

  /** The conflict handling of {@link store}; `write` stores into `changes` with the serial to pass. */
  private storeInto(
    oid: Oid,
    oldSerial: Tid,
    data: Uint8Array,
    txn: TransactionMetaData,
    write: (serial: Tid, stored: Uint8Array) => void,
  ): void {
    const pending = this.pendingFor(txn, 'store');
    if (this.changesHas(oid)) {
      write(oldSerial, data);
      return;
    }
    const base = this.base.loadAt(oid, MAX_TID);
    const committedSerial = base?.serial ?? ZERO_TID;
    let stored = data;
    if (committedSerial !== oldSerial) {
      const committedData = base?.data ?? null;
      stored = resolveStoreConflict(this.db, {
        oid,
        committedSerial,
        committedData,
        oldSerial,
        newData: data,
      });
      pending.resolved.push(oid);
    }
    write(ZERO_TID, stored);
  }

  /** ReadConflictError unless `serial` is current in the merged view. */
  checkCurrentSerialInTransaction(oid: Oid, serial: Tid, txn: TransactionMetaData): void {
    this.pendingFor(txn, 'checkCurrentSerialInTransaction');
    if (this.changesHas(oid)) {
      this.changes.checkCurrentSerialInTransaction(oid, serial, txn);
      return;
    }
    const committedSerial = this.base.loadAt(oid, MAX_TID)?.serial ?? ZERO_TID;
    if (committedSerial !== serial)
      throw new ReadConflictError({ oid, committedSerial, oldSerial: serial });
  }

  /** Deletes in the changes; a base-only object is hidden by a deletion restored into the changes. */
  deleteObject(oid: Oid, oldSerial: Tid, txn: TransactionMetaData): void {
    const pending = this.pendingFor(txn, 'deleteObject');
    if (this.changesHas(oid)) {
      this.changesAs(isDeletingStorage, 'a DeletingStorage').deleteObject(oid, oldSerial, txn);
      return;
    }
    const base = this.base.loadAt(oid, MAX_TID);
    if (base === null) throw new POSKeyError(oid);
    if (base.serial !== oldSerial) {
      throw new ConflictError({
        oid,
        committedSerial: base.serial,
        oldSerial,
        reason: 'cannot delete a changed object',
      });
    }
    this.changesAs(isRestoreStorage, 'a RestoreStorage').restore(
      oid,
      pending.tid,
      null,
      undefined,
      txn,
    );
  }

  /** Restores into the changes (which must be a RestoreStorage). */
  restore(
    oid: Oid,
    serial: Tid,
    data: Uint8Array | null,
    prevTxn: Tid | undefined,
    txn: TransactionMetaData,
  ): void {
    this.pendingFor(txn, 'restore');
    this.changesAs(isRestoreStorage, 'a RestoreStorage').restore(oid, serial, data, prevTxn, txn);
  }

  /** Restores a blob revision into the changes (which must be a {@link BlobRestoreStorage}). */
  restoreBlob(
    oid: Oid,
    serial: Tid,
    data: Uint8Array,
    filename: string,
    prevTxn: Tid | undefined,
    txn: TransactionMetaData,
  ): void {
    this.pendingFor(txn, 'restoreBlob');
    this.changesAs(isBlobRestoreStorage, 'a BlobRestoreStorage').restoreBlob(
      oid,
      serial,
      data,
      filename,
      prevTxn,
      txn,
    );
  }

  /** Votes in the changes; resolves with every oid conflict resolution changed. */
  async tpcVote(txn: TransactionMetaData): Promise<Oid[]> {
    const pending = this.pendingFor(txn, 'tpcVote');
    const resolved = await this.changes.tpcVote(txn);
    this.tpc.markVoted(txn);
    return [...new Set([...pending.resolved, ...resolved])];
  }

  /** Finishes in the changes (which announce the invalidations) and releases the lock. */
  async tpcFinish(txn: TransactionMetaData): Promise<Tid> {
    this.ensureOpen('tpcFinish');
    this.tpc.requireVoted(txn, 'tpcFinish');
    try {
      return await this.changes.tpcFinish(txn);
    } finally {
      this.pending = undefined;
      this.tpc.end();
    }
  }

  /** Aborts in the changes; ignored for other transactions and after close. */
  async tpcAbort(txn: TransactionMetaData): Promise<void> {
    if (this.closed || !this.tpc.isCurrent(txn)) return;
    this.pending = undefined;
    try {
      await this.changes.tpcAbort(txn);
    } finally {
      this.tpc.end();
    }
  }

  /** Packs the changes only; with GC only while the base is empty (see the module comment). */
  async pack(t: Tid, references: ReferencesFunction, options: PackOptions = {}): Promise<void> {
    this.ensureWritable('pack');
    const gc = (options.gc ?? true) && this.base.lastTransaction() === ZERO_TID;
    await this.changes.pack(t, references, { gc });
  }

  /** Closes this storage and, as configured, its changes and base. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.markClosed();
    if (this.closeChanges) await this.changes.close();
    if (this.closeBase) await this.base.close();
  }

  // ---------------------------------------------------------------------
  // Internals

  /** The StorageDB this storage registers with its changes: forwards to its own database. */
  private changesDB(): StorageDB {
    return {
      invalidate: (tid, oids) => this.db?.invalidate(tid, oids),
      invalidateCache: () => this.db?.invalidateCache(),
      tryToResolveConflict: (oid, committedSerial, oldSerial, newData, committedData) => {
        if (this.db === undefined) {
          throw new ConflictError({
            oid,
            committedSerial,
            oldSerial,
            reason: `no database is registered with ${this.name} to resolve conflicts`,
          });
        }
        return this.db.tryToResolveConflict(
          oid,
          committedSerial,
          oldSerial,
          newData,
          committedData,
        );
      },
    };
  }

  private markClosed(): void {
    this.closed = true;
    this.pending = undefined;
    this.tpc.lock.close(new StorageClosedError(this.name, 'begin a transaction'));
  }

  private ensureOpen(operation?: string): void {
    if (this.closed) throw new StorageClosedError(this.name, operation);
  }

  private ensureWritable(operation: string): void {
    this.ensureOpen(operation);
    if (this.changes.isReadOnly()) {
      throw new ReadOnlyError(`storage ${this.name} is read-only: cannot ${operation}`);
    }
  }

  private pendingFor(txn: TransactionMetaData, method: string): { tid: Tid; resolved: Oid[] } {
    this.ensureWritable(method);
    this.tpc.requireBegun(txn, method);
    if (this.pending === undefined)
      throw new StorageTransactionError(`${method}: no commit in ${this.name}`);
    return this.pending;
  }

  private changesHas(oid: Oid): boolean {
    return this.changes.loadAt(oid, MAX_TID) !== null;
  }

  private exists(oid: Oid): boolean {
    return this.changesHas(oid) || this.base.loadAt(oid, MAX_TID) !== null;
  }

  /** The serial of the oldest revision of `oid` in the changes, if any. */
  private firstChangeSerial(oid: Oid): Tid | undefined {
    if (!this.changesHas(oid)) return undefined;
    return this.changes.history(oid, Number.MAX_SAFE_INTEGER).at(-1)?.tid;
  }

  private changesAs<S extends Storage>(guard: (s: Storage) => s is S, what: string): S {
    if (!guard(this.changes)) {
      throw new Unsupported(`${this.name}: this operation needs a changes storage that is ${what}`);
    }
    return this.changes;
  }
}

function deletedError(oid: Oid, serial: Tid): POSKeyError {
  return new POSKeyError(oid, serial, `object ${oidRepr(oid)} was deleted at ${tidRepr(serial)}`);
}

function historyOrUndefined(storage: Storage, oid: Oid, size: number): HistoryEntry[] | undefined {
  try {
    return storage.history(oid, size);
  } catch (error) {
    if (error instanceof POSKeyError) return undefined;
    throw error;
  }
}
