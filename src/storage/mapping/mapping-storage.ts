/**
 * MappingStorage: the in-memory reference storage.
 *
 * Short and complete on purpose: every other storage can be read against
 * it. It keeps every revision of every object until pack, so it offers MVCC
 * reads at any past tid, `loadBefore`, `loadSerial`, history, transaction
 * and current-record iteration, transactional undo, restore (copying
 * transactions with their tids), external GC (`deleteObject`) and pack with
 * garbage collection. Nothing survives `close()`.
 *
 * Memory: stored bytes are copied once, when their transaction commits,
 * into shared chunks (record-arena.ts: no view object per record), and
 * shared by every table that refers to them; callers must not modify data
 * between storing it and the end of its transaction. In transactions of
 * 64 records or more, records the object writer made (views of its
 * write-once output slabs) are kept where they are, with no copy. Each object's
 * revisions live in an {@link OidMap} (pages of slots indexed by oid), so
 * the number of objects is bounded by memory only. Loads return a new view
 * of the bytes each time.
 *
 * @module
 */

import { ok as assert } from 'node:assert/strict';
import {
  ConflictError,
  POSKeyError,
  ReadConflictError,
  ReadOnlyError,
  StorageTransactionError,
  UndoError,
} from '../../errors.js';
import { MAX_OID, ZERO_TID, oidRepr, tidRepr } from '../../ids.js';
import type { Oid, Tid } from '../../ids.js';
import { TimeStamp, newTid } from '../../timestamp.js';
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
import { StorageBlobs } from '../blob/storage-blobs.js';
import { StorageClosedError } from '../storage-closed-error.js';
import { resolveStoreConflict } from '../store-conflict.js';
import { TpcState } from '../tpc-state.js';
import { sliceUndoLog, undoSpecificationFilter } from '../undo-log-slice.js';
import { packTables } from './mapping-pack.js';
import { RevisionTable } from './revision-table.js';
import { planUndo } from './mapping-undo.js';
import { OidMap } from '../../oid-map.js';
import { PendingRecords } from './pending-records.js';
import type { PendingRevision } from './pending-records.js';
import { RecordArena } from './record-arena.js';
import {
  StoredRevision,
  dataBytes,
  indexAtOrAfter,
  indexAtOrBefore,
  indexOfTid,
  isDeletion,
} from './revisions.js';
import type { CommittedTransaction, Revision } from './revisions.js';

/** Options of {@link MappingStorage}. */
export interface MappingStorageOptions {
  /** The storage's name and sort key; default `'MappingStorage'`. */
  readonly name?: string;
  /** Refuse every write; default false. (An empty read-only storage serves tests of read-only paths.) */
  readonly readOnly?: boolean;
  /** Where blob files are kept; default a temporary directory created on first use and removed at close. */
  readonly blobDir?: string;
}

/** The transaction being committed. */
interface PendingCommit {
  readonly tid: Tid;
  /**
   * The metadata its revisions share; filled in from the transaction at
   * finish (made at begin so each store can build its final revision).
   */
  readonly meta: {
    tid: Tid;
    user: string;
    description: string;
    extension: Record<string, unknown>;
  };
  /** The revisions to commit, built at store time (a store of the same oid replaces one). */
  readonly records: PendingRecords;
  /** Oids whose stores were changed by conflict resolution. */
  readonly resolved: Oid[];
}

/**
 * Transactions of at least this many records keep the object writer's
 * records where they are (see record-arena.ts); smaller ones copy them.
 * The records of one large transaction fill the writer's slabs densely,
 * while a small one's few records could each hold on to a 16 KiB slab
 * filled by other databases' records (two databases committing in turn).
 */
const KEEP_WRITE_ONCE_MIN_RECORDS = 64;

/** Stores in `pending` the revision it will commit for `oid`. */
function storePending(
  pending: PendingCommit,
  oid: Oid,
  data: Uint8Array | null,
  dataTxn: Tid | undefined,
): void {
  const { tid, meta } = pending;
  pending.records.set({ oid, tid, serial: tid, data, dataTxn, meta, position: 0 });
}

/** A copy of a transaction's extension, without the cost of a clone when it is empty. */
function copyExtension(extension: Record<string, unknown>): Record<string, unknown> {
  for (const key in extension) {
    if (Object.hasOwn(extension, key)) return structuredClone(extension);
  }
  return {};
}

/**
 * The in-memory reference storage; see the module comment.
 *
 * @example
 * ```ts
 * const storage = new MappingStorage({ name: 'scratch' });
 * const txn = { user: '', description: 'create', extension: {} };
 * await storage.tpcBegin(txn);
 * storage.store(0, ZERO_TID, bytes, txn);
 * await storage.tpcVote(txn);
 * const tid = await storage.tpcFinish(txn);
 * storage.loadAt(0, tid); // { data: bytes, serial: tid }
 * ```
 */
export class MappingStorage
  implements
    IteratorStorage,
    UndoStorage,
    RestoreStorage,
    DeletingStorage,
    RecordIteratorStorage,
    BlobStorage,
    BlobRestoreStorage
{
  /** The storage's name (the `name` option). */
  readonly name: string;
  private readonly readOnly: boolean;
  private readonly tpc: TpcState;
  private db: StorageDB | undefined;
  private closed = false;
  /** Each object's revisions, oldest first. */
  private revisions = new RevisionTable();
  /** Where committed record bytes are kept. */
  private arena = new RecordArena();
  /** The oid index of the pending transaction's records (see pending-records.ts). */
  private readonly pendingIndex = new OidMap<PendingRevision>();
  /** Committed transactions, oldest first. */
  private transactions: CommittedTransaction[] = [];
  private lastTid: Tid = ZERO_TID;
  private nextOid: Oid = 1;
  private sizeBytes = 0;
  private liveObjects = 0;
  private pending: PendingCommit | undefined;
  private readonly blobs: StorageBlobs;

  /** An empty storage; see {@link MappingStorageOptions}. */
  constructor(options: MappingStorageOptions = {}) {
    this.name = options.name ?? 'MappingStorage';
    this.readOnly = options.readOnly ?? false;
    this.tpc = new TpcState({ storageName: this.name });
    this.blobs = new StorageBlobs({ blobDir: options.blobDir });
  }

  // ---------------------------------------------------------------------
  // Storage information

  /** The storage's name. */
  sortKey(): string {
    this.ensureOpen();
    return this.name;
  }

  /** The `readOnly` option. */
  isReadOnly(): boolean {
    this.ensureOpen();
    return this.readOnly;
  }

  /** The tid of the last commit, `ZERO_TID` when empty. */
  lastTransaction(): Tid {
    this.ensureOpen();
    return this.lastTid;
  }

  /** Exact: the objects whose current revision is not a deletion. */
  objectCount(): number {
    this.ensureOpen();
    return this.liveObjects;
  }

  /** The bytes of data held in all kept revisions. */
  getSize(): number {
    this.ensureOpen();
    return this.sizeBytes;
  }

  /** Sets the database that receives invalidations and resolves conflicts (replacing any earlier one). */
  registerDB(db: StorageDB): void {
    this.ensureOpen();
    this.db = db;
  }

  /** Always true: this storage can undo transactions. */
  supportsUndo(): true {
    return true;
  }

  // ---------------------------------------------------------------------
  // Reads

  /** The revision current at `at` (deletions included), or null. */
  loadAt(oid: Oid, at: Tid): DataRecord | null {
    this.ensureOpen();
    return this.revisions.currentAt(oid, at) ?? null;
  }

  /** The revision before `before` with its successor's serial; POSKeyError when unknown or deleted. */
  loadBefore(oid: Oid, before: Tid): LoadBeforeResult | null {
    this.ensureOpen();
    const list = this.revisions.get(oid);
    if (list === undefined) throw new POSKeyError(oid);
    const at = indexAtOrBefore(list, before - 1n);
    const revision = list[at];
    if (revision === undefined) return null;
    if (revision.data === null) {
      throw new POSKeyError(
        oid,
        revision.tid,
        `object ${oidRepr(oid)} was deleted at ${tidRepr(revision.tid)}`,
      );
    }
    return { data: revision.data, serial: revision.tid, nextSerial: list[at + 1]?.tid ?? null };
  }

  /** The data written by `serial`; POSKeyError when there is none (or it is a deletion). */
  loadSerial(oid: Oid, serial: Tid): Uint8Array {
    this.ensureOpen();
    const list = this.revisions.get(oid);
    const revision = list === undefined ? undefined : list[indexOfTid(list, serial)];
    if (revision === undefined || revision.data === null) throw new POSKeyError(oid, serial);
    return revision.data;
  }

  /** The newest `size` revisions, newest first; POSKeyError when unknown. */
  history(oid: Oid, size = 1): HistoryEntry[] {
    this.ensureOpen();
    const list = this.revisions.get(oid);
    if (list === undefined) throw new POSKeyError(oid);
    const count = Math.min(list.length, Math.max(0, Math.floor(size)));
    const out: HistoryEntry[] = [];
    for (let i = list.length - 1; i >= list.length - count; i--) {
      const { tid, data, meta } = list[i]!;
      out.push({
        tid,
        time: TimeStamp.fromTid(tid).toDate(),
        user: meta.user,
        description: meta.description,
        size: data?.length ?? 0,
        extension: meta.extension,
      });
    }
    return out;
  }

  /** A snapshot: transactions committed later are not included. */
  iterator(start: Tid = ZERO_TID, stop?: Tid): IterableIterator<CommittedTransaction> {
    this.ensureOpen();
    const from = indexAtOrAfter(this.transactions, start);
    const to =
      stop === undefined ? this.transactions.length : indexAtOrBefore(this.transactions, stop) + 1;
    return this.transactions.slice(from, Math.max(from, to)).values();
  }

  /** A snapshot of every current, non-deleted object, in oid order. */
  recordIterator(): IterableIterator<{ oid: Oid; serial: Tid; data: Uint8Array }> {
    this.ensureOpen();
    const oids = [...this.revisions.keys()].sort((a, b) => a - b);
    const out: { oid: Oid; serial: Tid; data: Uint8Array }[] = [];
    for (const oid of oids) {
      const current = this.revisions.current(oid)!;
      if (current.data !== null) out.push({ oid, serial: current.tid, data: current.data });
    }
    return out.values();
  }

  // ---------------------------------------------------------------------
  // Two-phase commit

  /** The next unused oid (1, 2, ...; stores and restores of higher oids move it on). */
  newOid(): Oid {
    this.ensureWritable('allocate an oid');
    // `assert` only on failure: node's assert allocates on every call.
    if (this.nextOid > MAX_OID) assert(false, 'oid space exhausted');
    return this.nextOid++;
  }

  /** Waits for the commit lock; the tid is `tid` (restore) or a new one after the last. */
  async tpcBegin(txn: TransactionMetaData, tid?: Tid): Promise<void> {
    this.ensureWritable('begin a transaction');
    await this.tpc.begin(txn);
    if (tid !== undefined && tid <= this.lastTid) {
      this.tpc.end();
      throw new StorageTransactionError(
        `tpcBegin: tid ${tidRepr(tid)} is not after the last transaction ` +
          `${tidRepr(this.lastTid)} of storage ${this.name}`,
      );
    }
    const pendingTid = tid ?? newTid(this.lastTid);
    const meta = { tid: pendingTid, user: '', description: '', extension: {} };
    this.pending?.records.release();
    this.pending = {
      tid: pendingTid,
      meta,
      records: new PendingRecords(this.pendingIndex, meta),
      resolved: [],
    };
  }

  /** Stores `data`; a stale `oldSerial` is resolved through the database or is a ConflictError, here. */
  store(oid: Oid, oldSerial: Tid, data: Uint8Array, txn: TransactionMetaData): void {
    const pending = this.pendingFor(txn, 'store');
    const current = this.currentRevision(oid);
    const committedSerial = current?.tid ?? ZERO_TID;
    let stored = data;
    if (committedSerial !== oldSerial) {
      const committedData = current?.data ?? null;
      stored = resolveStoreConflict(this.db, {
        oid,
        committedSerial,
        committedData,
        oldSerial,
        newData: data,
      });
      pending.resolved.push(oid);
    }
    this.bumpOid(oid);
    storePending(pending, oid, stored, undefined);
  }

  /** {@link store} that also takes the uncommitted blob file `filename` (moved in at finish). */
  storeBlob(
    oid: Oid,
    oldSerial: Tid,
    data: Uint8Array,
    filename: string,
    txn: TransactionMetaData,
  ): void {
    this.store(oid, oldSerial, data, txn);
    this.blobs.stage(oid, filename);
  }

  /** The committed blob file of revision `serial` of `oid` (an undo's revision shares its source's file). */
  loadBlob(oid: Oid, serial: Tid): string {
    this.ensureOpen('load a blob');
    const revision = this.revisions.get(oid)?.find((r) => r.tid === serial);
    const path = this.blobs.find(oid, [serial, revision?.dataTxn]);
    if (revision === undefined || path === undefined) {
      throw new POSKeyError(
        oid,
        serial,
        `no blob file for oid ${oidRepr(oid)} at tid ${tidRepr(serial)} in storage ${this.name}`,
      );
    }
    return path;
  }

  /** The directory for uncommitted blob files (inside the blob directory). */
  temporaryDirectory(): string {
    this.ensureOpen('create a blob file');
    return this.blobs.directory().temporary;
  }

  /** ReadConflictError, here, unless `serial` is current (the commit lock keeps it current). */
  checkCurrentSerialInTransaction(oid: Oid, serial: Tid, txn: TransactionMetaData): void {
    this.pendingFor(txn, 'checkCurrentSerialInTransaction');
    const committedSerial = this.currentRevision(oid)?.tid ?? ZERO_TID;
    if (committedSerial !== serial) {
      throw new ReadConflictError({ oid, committedSerial, oldSerial: serial });
    }
  }

  /** Writes a deletion; POSKeyError when unknown, ConflictError when `oldSerial` is stale. */
  deleteObject(oid: Oid, oldSerial: Tid, txn: TransactionMetaData): void {
    const pending = this.pendingFor(txn, 'deleteObject');
    const current = this.currentRevision(oid);
    if (current === undefined) throw new POSKeyError(oid);
    if (current.tid !== oldSerial) {
      throw new ConflictError({
        oid,
        committedSerial: current.tid,
        oldSerial,
        reason: 'cannot delete a changed object',
      });
    }
    storePending(pending, oid, null, undefined);
  }

  /** Writes a revision with the transaction's given tid (`serial`), without conflict checks. */
  restore(
    oid: Oid,
    serial: Tid,
    data: Uint8Array | null,
    prevTxn: Tid | undefined,
    txn: TransactionMetaData,
  ): void {
    const pending = this.pendingFor(txn, 'restore');
    if (serial !== pending.tid) {
      throw new StorageTransactionError(
        `restore: serial ${tidRepr(serial)} of oid ${oidRepr(oid)} is not the tid ` +
          `${tidRepr(pending.tid)} given to tpcBegin in storage ${this.name}`,
      );
    }
    this.bumpOid(oid);
    storePending(pending, oid, data, prevTxn);
  }

  /** {@link restore} that also takes the uncommitted blob file `filename` (moved in at finish). */
  restoreBlob(
    oid: Oid,
    serial: Tid,
    data: Uint8Array,
    filename: string,
    prevTxn: Tid | undefined,
    txn: TransactionMetaData,
  ): void {
    this.restore(oid, serial, data, prevTxn, txn);
    this.blobs.stage(oid, filename);
  }

  /** Writes the records undoing transaction `id` (see `mapping-undo.ts`); resolves with their oids. */
  async undo(id: string, txn: TransactionMetaData): Promise<Oid[]> {
    const pending = this.pendingFor(txn, 'undo');
    const transaction = this.undoableTransaction(id);
    const planned = planUndo(transaction, {
      revisions: this.revisions,
      pending: pending.records,
      db: this.db,
    });
    for (const [oid, record] of planned) {
      storePending(pending, oid, record.data, record.dataTxn);
    }
    return [...planned.keys()];
  }

  /** Every check was done at store time: resolves with the oids conflict resolution changed. */
  async tpcVote(txn: TransactionMetaData): Promise<Oid[]> {
    const pending = this.pendingFor(txn, 'tpcVote');
    this.tpc.markVoted(txn);
    return pending.resolved.length === 0 ? [] : [...new Set(pending.resolved)];
  }

  /** Commits, calls `db.invalidate` in the same step, releases the lock; resolves with the tid. */
  async tpcFinish(txn: TransactionMetaData): Promise<Tid> {
    const pending = this.pendingFor(txn, 'tpcFinish', 'voted');
    const { tid } = pending;
    if (tid <= this.lastTid) assert(false, 'tids must strictly increase');
    this.blobs.finish(tid);
    const oids = this.commit(pending, txn);
    this.dropPending();
    try {
      this.db?.invalidate(tid, oids);
    } finally {
      this.tpc.end();
    }
    return tid;
  }

  /** Drops the pending commit of `txn` and releases the lock; ignored for other transactions and after close. */
  async tpcAbort(txn: TransactionMetaData): Promise<void> {
    if (this.closed || !this.tpc.isCurrent(txn)) return;
    this.dropPending();
    this.blobs.abort();
    this.tpc.end();
  }

  // ---------------------------------------------------------------------
  // Undo log, pack, close

  /** Undoable transactions newest first, up to the first packed one, sliced as in ZODB. */
  undoLog(
    first?: number,
    last?: number,
    filter?: (entry: UndoLogEntry) => boolean,
  ): UndoLogEntry[] {
    this.ensureOpen();
    return sliceUndoLog(this.undoEntries(), first, last, filter);
  }

  /** {@link undoLog} keeping the entries whose fields equal `specification`'s. */
  undoInfo(first?: number, last?: number, specification?: Partial<UndoLogEntry>): UndoLogEntry[] {
    return this.undoLog(first, last, undoSpecificationFilter(specification));
  }

  /**
   * Removes revisions not current at `t` and, unless `options.gc` is false,
   * objects unreachable from the root at `t` (see `mapping-pack.ts`). Runs
   * at once, without the commit lock: data a commit in progress refers to
   * is kept.
   */
  async pack(t: Tid, references: ReferencesFunction, options: PackOptions = {}): Promise<void> {
    this.ensureWritable('pack');
    const extraRoots: Oid[] = [];
    for (const { data } of this.pending?.records.values() ?? []) {
      if (data !== null) for (const ref of references(data)) extraRoots.push(ref);
    }
    const packed = packTables(
      { revisions: this.revisions, transactions: this.transactions },
      { t, references, gc: options.gc ?? true, extraRoots },
      (this.arena = new RecordArena()),
    );
    this.revisions = packed.revisions;
    this.transactions = packed.transactions;
    this.recount();
    this.pruneBlobs();
  }

  /** Drops all data; waiting `tpcBegin` calls and later use fail with {@link StorageClosedError}. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.tpc.lock.close(new StorageClosedError(this.name, 'begin a transaction'));
    this.dropPending();
    this.revisions = new RevisionTable();
    this.transactions = [];
    this.blobs.close();
  }

  // ---------------------------------------------------------------------
  // Internals

  private ensureOpen(operation?: string): void {
    if (this.closed) throw new StorageClosedError(this.name, operation);
  }

  private ensureWritable(operation: string): void {
    this.ensureOpen(operation);
    if (this.readOnly)
      throw new ReadOnlyError(`storage ${this.name} is read-only: cannot ${operation}`);
  }

  /** The pending commit of `txn`, after checking the storage state and the phase. */
  private pendingFor(
    txn: TransactionMetaData,
    method: string,
    phase: 'begun' | 'voted' = 'begun',
  ): PendingCommit {
    this.ensureWritable(method);
    if (phase === 'begun') this.tpc.requireBegun(txn, method);
    else this.tpc.requireVoted(txn, method);
    const pending = this.pending;
    if (pending === undefined) assert(false, 'a current transaction has a pending commit');
    return pending;
  }

  private currentRevision(oid: Oid): Revision | undefined {
    return this.revisions.current(oid);
  }

  private bumpOid(oid: Oid): void {
    if (oid >= this.nextOid) this.nextOid = oid + 1;
  }

  private undoableTransaction(id: string): CommittedTransaction {
    const tid = /^[0-9a-f]{16}$/.test(id) ? BigInt('0x' + id) : undefined;
    const at = tid === undefined ? -1 : indexOfTid(this.transactions, tid);
    const transaction = this.transactions[at];
    if (transaction === undefined)
      throw new UndoError(`no transaction with id "${id}" in storage ${this.name}`);
    if (transaction.status === 'p') {
      throw new UndoError(`transaction ${id} was packed away in storage ${this.name}`);
    }
    return transaction;
  }

  private *undoEntries(): Generator<UndoLogEntry> {
    for (let i = this.transactions.length - 1; i >= 0; i--) {
      const transaction = this.transactions[i]!;
      if (transaction.status === 'p') return;
      yield {
        id: transaction.tid.toString(16).padStart(16, '0'),
        tid: transaction.tid,
        time: TimeStamp.fromTid(transaction.tid).toDate(),
        user: transaction.user,
        description: transaction.description,
        extension: transaction.extension,
        size: dataBytes(transaction.records),
      };
    }
  }

  /**
   * Makes `pending` committed: the transaction, its revisions and the
   * counters. Returns the oids it wrote, in store order.
   */
  private commit(pending: PendingCommit, txn: TransactionMetaData): Oid[] {
    const { meta } = pending;
    meta.user = txn.user;
    meta.description = txn.description;
    meta.extension = copyExtension(txn.extension);
    const pendingRecords = pending.records.values();
    const records = new Array<Revision>(pendingRecords.length);
    const oids = new Array<Oid>(pendingRecords.length);
    let live = 0;
    let bytes = 0;
    let at = 0;
    const arena = this.arena;
    const keepWriteOnce = pendingRecords.length >= KEEP_WRITE_ONCE_MIN_RECORDS;
    for (const pendingRevision of pendingRecords) {
      const revision = new StoredRevision(pendingRevision, arena, keepWriteOnce);
      records[at] = revision;
      oids[at++] = revision.oid;
      const previous = this.revisions.current(revision.oid);
      if (previous !== undefined && !isDeletion(previous)) live--;
      this.revisions.append(revision);
      if (pendingRevision.data !== null) {
        live++;
        bytes += revision.dataLength;
      }
    }
    this.liveObjects += live;
    this.sizeBytes += bytes;
    this.transactions.push({
      tid: meta.tid,
      user: meta.user,
      description: meta.description,
      extension: meta.extension,
      status: ' ',
      records,
    });
    this.lastTid = pending.tid;
    return oids;
  }

  /** Forgets the pending transaction, and its entries in the oid index. */
  private dropPending(): void {
    this.pending?.records.release();
    this.pending = undefined;
  }

  /** Removes the blob files of revisions that pack removed (kept: files a revision uses). */
  private pruneBlobs(): void {
    const used = new Set<string>();
    for (const [oid, list] of this.revisions) {
      for (const revision of list) {
        used.add(`${oid}:${revision.tid}`);
        if (revision.dataTxn !== undefined) used.add(`${oid}:${revision.dataTxn}`);
      }
    }
    this.blobs.prune((oid, tid) => used.has(`${oid}:${tid}`));
  }

  private recount(): void {
    let live = 0;
    let size = 0;
    for (const list of this.revisions.values()) {
      if (!isDeletion(list[list.length - 1]!)) live++;
      size += dataBytes(list);
    }
    this.liveObjects = live;
    this.sizeBytes = size;
  }
}
