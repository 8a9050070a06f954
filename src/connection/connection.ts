/**
 * `Connection`: one view of the database, with its own object cache and
 * snapshot. It is the jar of the objects it loads and the data manager that
 * commits them.
 *
 * ## Snapshots (MVCC)
 * A connection reads the database as of its snapshot tid: every load is
 * `storage.loadAt(oid, snapshot)`. The snapshot is picked at each
 * transaction boundary (`begin`, commit, abort, `sync()`), in the same
 * synchronous step that applies the invalidations received up to it, so
 * cached objects and fresh loads always agree (the ZODB#290 race cannot
 * happen). A historical connection has a fixed snapshot and is read-only.
 *
 * @module
 */

import '../blob/blob.js';
import { BlobError } from '../blob/blob-error.js';
import { blobAborted, blobCommitted, uncommittedBlobFile } from '../blob/blob-files.js';
import type { BlobJar } from '../blob/blob-jar.js';
import { BlobSavepoint } from '../blob/blob-savepoint.js';
import {
  ConnectionStateError,
  InvalidObjectReference,
  POSKeyError,
  ReadOnlyError,
  ReadOnlyHistoryError,
  UndoError,
} from '../errors.js';
import type { Oid, Tid } from '../ids.js';
import { ROOT_OID, ZERO_TID } from '../ids.js';
import type { PersistentObject } from '../persistent/interfaces.js';
import { CHANGED, GHOST, UPTODATE } from '../persistent/interfaces.js';
import { installState, newGhostSlot } from '../persistent/persistent.js';
import type { Persistent } from '../persistent/persistent.js';
import { ghostify, isPersistent, slotOf } from '../persistent/slot.js';
import type { PersistentSlot } from '../persistent/slot.js';
import type { ClassRegistry } from '../serialize/class-registry.js';
import { decodeRecord, readRecordHeader } from '../serialize/index.js';
import type { DecodeContext, PersistentRef } from '../serialize/index.js';
import type { Storage } from '../storage/interfaces.js';
import { isBlobStorage, isPrefetchStorage } from '../storage/interfaces.js';
import type { BlobStorage } from '../storage/interfaces.js';
import type {
  DataManagerSavepoint,
  SavepointDataManager,
  Synchronizer,
} from '../transaction/interfaces.js';
import type { Transaction } from '../transaction/transaction.js';
import { ConnectionSavepoint } from './connection-savepoint.js';
import type { SavepointHost } from './connection-savepoint.js';
import type { DBInternals, TransactionManagerLike } from './db-internals.js';
import { ObjectCache } from './object-cache.js';
import type { CacheStats } from './object-cache.js';
import { ObjectWriter } from './object-writer.js';
import { OidMap } from '../oid-map.js';
import { Root } from './builtin-classes.js';
import type { UntypedRoot } from './builtin-classes.js';

/** Pending invalidations beyond this many oids flush the whole cache instead. */
const INVALIDATIONS_MAX = 100_000;

let connectionIds = 0;
/** Numbers the commits of every connection, for the slots' `writeStamp`. */
let writeStamps = 0;

/** Options of `db.open()`. */
export interface OpenOptions {
  /** The transaction manager whose transactions this connection joins (default: the default manager). */
  transactionManager?: TransactionManagerLike;
  /** Open a read-only historical connection seeing the database as of this tid or time. */
  at?: Tid | Date;
  /** Open a read-only historical connection seeing the database just before this tid or time. */
  before?: Tid | Date;
  /** Target number of non-ghost objects in the cache. */
  cacheSize?: number;
  /** Target estimated bytes of non-ghost objects in the cache (0: no limit). */
  cacheSizeBytes?: number;
}

/**
 * A connection to a database. Get one with `db.open()`; close it with
 * `close()` (it goes back to the pool, keeping its cache).
 *
 * @typeParam R - the shape of the root object's attributes.
 */
export class Connection<R extends object = UntypedRoot>
  implements SavepointDataManager, Synchronizer, BlobJar
{
  /** The database this connection belongs to. */
  readonly db: DBInternals;
  /** The class registry records are written and read with. */
  readonly registry: ClassRegistry;
  /** Set for a historical connection: its fixed snapshot. */
  readonly historicalAt: Tid | undefined;
  private managerValue: TransactionManagerLike;
  private readonly storage: Storage;
  private readonly cache: ObjectCache;
  private readonly id = ++connectionIds;
  private snapshot: Tid = ZERO_TID;
  private opened = false;
  private joined: Transaction | undefined;
  private registered: PersistentObject[] = [];
  /** The objects added in this transaction (new oids: oid order is the order they were added). */
  private added = new OidMap<PersistentObject>();
  private readCurrents = new Map<Oid, Tid>();
  private invalidations = new Map<Oid, Tid>();
  private invalidateEverything = false;
  /** The objects the commit in progress stored, and those conflict resolution changed (which the storage reports at vote). */
  private committing: { stored: PersistentSlot[]; resolved: Set<Oid> | undefined } | undefined;
  /** The sort key, made on first use (the storage's never changes). */
  private sortKeyValue: string | undefined;
  private savepoints: ConnectionSavepoint[] = [];
  private blobSavepoints: BlobSavepoint[] = [];
  private closeCallbacks: (() => void)[] = [];
  /** Set while the storage finishes this connection's commit: the invalidations delivered meanwhile (see `finishInStorage`). */
  private finishing: { tid: Tid; oids: readonly Oid[] }[] | undefined;
  /** True from `tpcBegin` until the transaction ends here: changes then would be lost. */
  private inCommit = false;
  /** Made once: every record this connection decodes shares it. */
  private readonly decodeContext: DecodeContext;

  /** @internal Use `db.open()`. */
  constructor(
    db: DBInternals,
    storage: Storage,
    options: Required<Pick<OpenOptions, 'cacheSize' | 'cacheSizeBytes'>> & {
      transactionManager: TransactionManagerLike;
      historicalAt?: Tid | undefined;
    },
  ) {
    this.db = db;
    this.registry = db.registry;
    this.decodeContext = { registry: db.registry, resolveRef: (ref) => this.ghostFor(ref) };
    this.storage = storage;
    this.managerValue = options.transactionManager;
    this.historicalAt = options.historicalAt;
    this.cache = new ObjectCache(options.cacheSize, options.cacheSizeBytes);
  }

  // -------------------------------------------------------------------------
  // Life cycle

  /** @internal The database is closing: the connection becomes unusable. */
  closeForDB(): void {
    if (this.opened) this.managerValue.unregisterSynch(this);
    this.opened = false;
    this.joined = undefined;
  }

  /** @internal Called by the DB when handing the connection out. */
  open(transactionManager: TransactionManagerLike): void {
    this.managerValue = transactionManager;
    this.opened = true;
    this.managerValue.registerSynch(this);
    this.newSnapshot();
  }

  /** The transaction manager whose transactions this connection joins. */
  get transactionManager(): TransactionManagerLike {
    return this.managerValue;
  }

  /** True once `close()` was called (until the pool hands it out again). */
  get closed(): boolean {
    return !this.opened;
  }

  /** True for historical connections and connections to read-only storages. */
  isReadOnly(): boolean {
    return this.historicalAt !== undefined || this.storage.isReadOnly();
  }

  /** Registers a function to call when the connection is closed. */
  onCloseCallback(callback: () => void): void {
    this.closeCallbacks.push(callback);
  }

  /**
   * Closes the connection and returns it to the pool (its cache is kept for
   * the next `db.open()`). ConnectionStateError if it has uncommitted changes.
   */
  close(): void {
    if (!this.opened) return;
    if (this.registered.length > 0 || this.added.size > 0) {
      throw new ConnectionStateError(
        'cannot close a connection with uncommitted changes: commit or abort the transaction first',
      );
    }
    const callbacks = this.closeCallbacks;
    this.closeCallbacks = [];
    for (const callback of callbacks) callback();
    this.managerValue.unregisterSynch(this);
    this.joined = undefined;
    this.opened = false;
    this.db.connectionClosed(this);
  }

  // -------------------------------------------------------------------------
  // Objects

  /** The root object (oid 0); created on first use in an empty database. */
  get root(): R & Root {
    this.checkOpen();
    const cached = this.cache.get(ROOT_OID);
    if (cached !== undefined) return cached as unknown as R & Root;
    const record = this.storage.loadAt(ROOT_OID, this.snapshot);
    if (record !== null && record.data !== null) return this.get(ROOT_OID) as unknown as R & Root;
    const root = new Root();
    const slot = slotOf(root);
    slot.oid = ROOT_OID;
    slot.jar = this;
    this.cache.set(ROOT_OID, root, slot);
    if (!this.isReadOnly()) {
      this.added.set(ROOT_OID, root);
      this.join();
    }
    return root as unknown as R & Root;
  }

  /** The object with this oid (a ghost until used). POSKeyError if it does not exist in this snapshot. */
  get<T extends object = Persistent>(oid: Oid): T {
    this.checkOpen();
    const cached = this.cache.get(oid);
    if (cached !== undefined) return cached as unknown as T;
    const record = this.storage.loadAt(oid, this.snapshot);
    if (record === null || record.data === null) throw new POSKeyError(oid, this.snapshot);
    const { className } = readRecordHeader(record.data);
    const ghost = this.ghostFor({ oid, className });
    return ghost as unknown as T;
  }

  /**
   * Adds a new persistent object to this connection now (it gets its oid at
   * once and is stored at commit). Objects reachable from stored objects are
   * added automatically at commit; `add` is for when you need the oid early.
   */
  add(obj: object): void {
    this.checkOpen();
    if (!isPersistent(obj))
      throw new TypeError('only persistent objects can be added to a connection');
    const slot = slotOf(obj);
    if (slot.jar === this) return;
    if (slot.jar !== undefined) {
      throw new InvalidObjectReference('the object already belongs to another connection');
    }
    this.checkWritable();
    this.adoptSlot(slot);
  }

  /**
   * Asks that the commit fail with ReadConflictError if `obj` was changed
   * by another transaction since this one read it.
   */
  readCurrent(obj: object): void {
    this.checkOpen();
    if (!isPersistent(obj)) throw new TypeError('readCurrent() takes a persistent object');
    const slot = slotOf(obj);
    if (slot.jar !== this || slot.oid === undefined || this.added.has(slot.oid)) return;
    if (slot.state === GHOST) obj._p_activate();
    if (!this.readCurrents.has(slot.oid)) this.readCurrents.set(slot.oid, slot.serial);
    this.join();
  }

  /** The state of `obj` as of revision `tid` (ZODB's `oldstate`). POSKeyError if there is none. */
  oldstate(obj: object, tid: Tid): unknown {
    this.checkOpen();
    if (!isPersistent(obj) || slotOf(obj).oid === undefined) {
      throw new TypeError('oldstate() takes a persistent object with an oid');
    }
    const data = this.storage.loadSerial(slotOf(obj).oid as Oid, tid);
    return this.decode(data).state;
  }

  /** Loads objects ahead of use, without blocking (where the storage can). */
  async prefetch(...items: (Oid | object | Iterable<Oid | object>)[]): Promise<void> {
    this.checkOpen();
    const oids: Oid[] = [];
    const collect = (item: Oid | object): void => {
      if (typeof item === 'number') oids.push(item);
      else if (isPersistent(item) && slotOf(item).oid !== undefined)
        oids.push(slotOf(item).oid as Oid);
      else if (Symbol.iterator in item) for (const x of item as Iterable<Oid | object>) collect(x);
    };
    for (const item of items) collect(item);
    if (isPrefetchStorage(this.storage)) await this.storage.prefetch(oids, this.snapshot);
  }

  /** Starts a new snapshot now, applying invalidations (outside a transaction with changes). */
  sync(): void {
    this.checkOpen();
    if (this.registered.length === 0 && this.added.size === 0) this.newSnapshot();
  }

  /** The snapshot tid this connection reads at. */
  get snapshotTid(): Tid {
    return this.snapshot;
  }

  // -------------------------------------------------------------------------
  // Blobs (see src/blob/: a blob's data is a file of a BlobStorage)

  /** @internal The committed blob file of revision `serial` of `oid` (used by `Blob`). */
  loadBlob(oid: Oid, serial: Tid): string {
    this.checkOpen();
    return this.blobStorage().loadBlob(oid, serial);
  }

  /** @internal The storage's directory for uncommitted blob files (used by `Blob`). */
  blobTemporaryDirectory(): string {
    this.checkOpen();
    return this.blobStorage().temporaryDirectory();
  }

  private blobStorage(): BlobStorage {
    if (!isBlobStorage(this.storage)) {
      throw new BlobError(`storage ${this.storage.name} does not support blobs`);
    }
    return this.storage;
  }

  // -------------------------------------------------------------------------
  // Cache

  /** Ghosts least-recently-used objects down to the cache targets. */
  cacheGC(): void {
    this.cache.gc();
  }

  /** Ghosts every unchanged object. */
  cacheMinimize(): void {
    this.cache.minimize();
  }

  /** Cache statistics. */
  cacheStats(): CacheStats {
    return this.cache.stats();
  }

  /** Target number of non-ghost objects. */
  get cacheSize(): number {
    return this.cache.targetCount;
  }
  set cacheSize(n: number) {
    this.cache.targetCount = n;
  }

  /** Target estimated bytes of non-ghost objects (0: no limit). */
  get cacheSizeBytes(): number {
    return this.cache.targetBytes;
  }
  set cacheSizeBytes(n: number) {
    this.cache.targetBytes = n;
  }

  /** @internal Every object of the cache (for `db.cacheDetail()`). */
  cachedObjects(): IterableIterator<PersistentObject> {
    return this.cache.objects();
  }

  // -------------------------------------------------------------------------
  // The jar contract (persistent objects call these)

  /** @internal Loads a ghost's state. */
  setstate(obj: PersistentObject): void {
    this.checkOpen();
    const slot = slotOf(obj);
    const oid = slot.oid as Oid;
    const record = this.storage.loadAt(oid, this.snapshot);
    if (record === null || record.data === null) throw new POSKeyError(oid, this.snapshot);
    const { state } = this.decode(record.data);
    installState(obj, state, record.serial, record.data.length);
    this.cache.activated(slot);
  }

  /** @internal A saved object was changed: join the transaction. */
  register(obj: PersistentObject): void {
    this.checkOpen();
    this.checkWritable();
    if (this.inCommit) {
      throw new ConnectionStateError(
        'an object was changed while its connection is committing: the change would be lost; ' +
          'await the commit first, or use a connection per concurrent task',
      );
    }
    this.join();
    this.registered.push(obj);
  }

  /** @internal Gives a new object an oid and records it as added. */
  adopt(obj: PersistentObject): Oid {
    return this.adoptSlot(slotOf(obj));
  }

  /** @internal {@link adopt} by the object's slot. */
  adoptSlot(slot: PersistentSlot): Oid {
    this.checkWritable();
    const obj = slot.proxy;
    const oid = this.storage.newOid();
    slot.oid = oid;
    slot.jar = this;
    slot.serial = ZERO_TID;
    this.added.set(oid, obj);
    this.cache.add(oid, obj, slot);
    this.join();
    return oid;
  }

  /** @internal The DB received an invalidation for this connection. */
  invalidate(tid: Tid, oids: readonly Oid[]): void {
    if (this.invalidateEverything || this.historicalAt !== undefined) return;
    if (this.finishing !== undefined) {
      this.finishing.push({ tid, oids });
      return;
    }
    this.recordInvalidations(tid, oids);
  }

  /** Notes that `oids` changed at `tid`, for the next snapshot. */
  private recordInvalidations(tid: Tid, oids: readonly Oid[]): void {
    for (const oid of oids) {
      const seen = this.invalidations.get(oid);
      if (seen === undefined || seen < tid) this.invalidations.set(oid, tid);
    }
    if (this.invalidations.size > INVALIDATIONS_MAX) this.invalidateCache();
  }

  /** @internal Everything may have changed: flush the cache at the next boundary. */
  invalidateCache(): void {
    this.invalidateEverything = true;
    this.invalidations.clear();
  }

  // -------------------------------------------------------------------------
  // Synchronizer

  /** @internal */
  newTransaction(): void {
    if (this.opened && this.registered.length === 0 && this.added.size === 0) this.newSnapshot();
  }

  /** @internal */
  beforeCompletion(): void {}

  /** @internal */
  afterCompletion(): void {
    if (this.opened) this.newSnapshot();
  }

  // -------------------------------------------------------------------------
  // Data manager (two-phase commit)

  /** @internal */
  sortKey(): string {
    return (this.sortKeyValue ??= `${this.storage.sortKey()}:${String(this.id).padStart(12, '0')}`);
  }

  /** @internal */
  abort(_txn?: Transaction): void {
    for (const obj of this.registered) this.discardChanges(obj);
    for (const obj of this.added.values()) this.forgetNew(obj);
    this.endTransaction();
  }

  /** @internal */
  async tpcBegin(txn: Transaction): Promise<void> {
    this.checkWritable();
    this.inCommit = true;
    if (this.db.undoJoined(txn)) {
      throw new UndoError(
        'an undo must be committed in a transaction of its own, without other changes',
      );
    }
    await this.storage.tpcBegin(txn);
  }

  /** @internal Stores every changed and new object (and what they newly reach). */
  commit(txn: Transaction): void {
    const writer = new ObjectWriter(this);
    for (const obj of this.added.values()) writer.enqueue(slotOf(obj));
    for (const obj of this.registered) writer.enqueue(slotOf(obj));
    const stored: PersistentSlot[] = [];
    // Objects queued twice (added, then changed) are written once: each
    // written slot carries this commit's stamp.
    const stamp = ++writeStamps;
    for (let slot = writer.next(); slot !== undefined; slot = writer.next()) {
      const oid = slot.oid as Oid;
      if (slot.writeStamp === stamp || slot.state === GHOST) continue;
      if (slot.state === UPTODATE && !this.added.has(oid)) continue;
      slot.writeStamp = stamp;
      const data = writer.encode(slot);
      this.db.checkRecordSize(oid, data.length);
      slot.estimatedSize = data.length;
      const blobFile = uncommittedBlobFile(slot.proxy);
      if (blobFile === undefined) this.storage.store(oid, slot.serial, data, txn);
      else this.blobStorage().storeBlob(oid, slot.serial, data, blobFile, txn);
      stored.push(slot);
    }
    for (const [oid, serial] of this.readCurrents) {
      const obj = this.cache.get(oid);
      if (obj === undefined || slotOf(obj).writeStamp !== stamp) {
        this.storage.checkCurrentSerialInTransaction(oid, serial, txn);
      }
    }
    this.committing = { stored, resolved: undefined };
  }

  /** @internal */
  async tpcVote(txn: Transaction): Promise<void> {
    const resolved = await this.storage.tpcVote(txn);
    if (this.committing !== undefined && resolved.length > 0)
      this.committing.resolved = new Set(resolved);
  }

  /** @internal */
  async tpcFinish(txn: Transaction): Promise<void> {
    const tid = await this.finishInStorage(txn);
    const committing = this.committing;
    if (committing !== undefined) {
      for (const slot of committing.stored) {
        slot.serial = tid;
        blobCommitted(slot.proxy);
        if (committing.resolved?.has(slot.oid as Oid) === true) {
          ghostify(slot);
        } else {
          slot.state = UPTODATE;
          this.cache.activated(slot);
        }
      }
    }
    this.endTransaction();
  }

  /**
   * The storage's `tpcFinish`, holding back the invalidations delivered
   * meanwhile; those of this commit itself are then dropped (every oid in
   * them was stored by this connection, which holds it at the new serial),
   * the others recorded.
   */
  private async finishInStorage(txn: Transaction): Promise<Tid> {
    const delivered: { tid: Tid; oids: readonly Oid[] }[] = [];
    this.finishing = delivered;
    let tid: Tid | undefined;
    try {
      tid = await this.storage.tpcFinish(txn);
      return tid;
    } finally {
      this.finishing = undefined;
      for (const batch of delivered) {
        if (batch.tid !== tid) this.invalidate(batch.tid, batch.oids);
      }
    }
  }

  /** @internal */
  async tpcAbort(txn: Transaction): Promise<void> {
    try {
      await this.storage.tpcAbort(txn);
    } finally {
      this.abort(txn);
    }
  }

  /**
   * @internal Takes a savepoint of the changes made so far in this
   * transaction; uncommitted blob files are copied aside by a
   * {@link BlobSavepoint} and restored after the objects on rollback.
   */
  savepoint(): DataManagerSavepoint {
    const blobs = new BlobSavepoint([...this.registered, ...this.added.values()]);
    const savepoint = new ConnectionSavepoint(this, this.savepointHost());
    this.savepoints.push(savepoint);
    this.blobSavepoints.push(blobs);
    return {
      rollback: () => {
        savepoint.rollback();
        blobs.rollback();
      },
    };
  }

  // -------------------------------------------------------------------------
  // Internals

  private savepointHost(): SavepointHost {
    return {
      registered: () => this.registered,
      added: () => this.added,
      readCurrents: () => this.readCurrents,
      restore: (registered, added, readCurrents) => {
        this.registered = registered;
        this.added = added;
        this.readCurrents = readCurrents;
      },
      writer: () => new ObjectWriter(this),
      decode: (data) => this.decode(data),
      discardChanges: (obj) => this.discardChanges(obj),
      forgetNew: (obj) => this.forgetNew(obj),
    };
  }

  /** Decodes a record, turning references into (cached or ghost) objects of this connection. */
  private decode(data: Uint8Array): { className: string; state: unknown } {
    return decodeRecord(data, this.decodeContext);
  }

  /** The object for a reference: the cached one, or a new ghost of the named class. */
  private ghostFor(ref: PersistentRef): PersistentObject {
    const cached = this.cache.get(ref.oid);
    if (cached !== undefined) return cached;
    const cls = this.db.persistentClassFor(ref.className, ref.oid);
    const slot = newGhostSlot(cls, ref.oid, this);
    this.cache.add(ref.oid, slot.proxy, slot);
    return slot.proxy;
  }

  /**
   * Joins the manager's current transaction, once: `joined` is cleared when
   * that transaction ends here (abort, finish), so a set `joined` is current.
   */
  private join(): void {
    if (this.joined !== undefined) return;
    const txn = this.managerValue.get();
    txn.join(this);
    this.joined = txn;
  }

  /** A changed object goes back to its committed state (a ghost). */
  private discardChanges(obj: PersistentObject): void {
    const slot = slotOf(obj);
    blobAborted(obj);
    if (slot.oid !== undefined && this.added.has(slot.oid)) return;
    if (slot.state === CHANGED || slot.state === UPTODATE) ghostify(slot);
  }

  /** A new object of an aborted transaction becomes unsaved again. */
  private forgetNew(obj: PersistentObject): void {
    const slot = slotOf(obj);
    blobAborted(obj);
    if (slot.oid !== undefined) this.cache.delete(slot.oid);
    slot.oid = undefined;
    slot.jar = undefined;
    slot.serial = ZERO_TID;
    if (slot.state === CHANGED) slot.state = UPTODATE;
  }

  private endTransaction(): void {
    this.inCommit = false;
    // Replaced only when used (most transactions read nothing current; small ones add nothing).
    if (this.registered.length > 0) this.registered = [];
    if (this.added.size > 0) this.added = new OidMap();
    if (this.readCurrents.size > 0) this.readCurrents = new Map();
    this.committing = undefined;
    this.joined = undefined;
    if (this.savepoints.length > 0) {
      for (const savepoint of this.savepoints) savepoint.invalidate();
      this.savepoints = [];
    }
    if (this.blobSavepoints.length > 0) {
      for (const blobs of this.blobSavepoints) blobs.discard();
      this.blobSavepoints = [];
    }
  }

  /** Picks a new snapshot and applies the invalidations up to it, in one step. */
  private newSnapshot(): void {
    if (this.historicalAt !== undefined) {
      this.snapshot = this.historicalAt;
      return;
    }
    // The tid first: a network storage may deliver the invalidations it has
    // received (synchronously, into this.invalidations) while answering.
    // Everything delivered then has a tid <= snapshot and is applied below.
    const snapshot = this.storage.lastTransaction();
    if (this.invalidateEverything) {
      this.cache.invalidateAll();
      this.invalidateEverything = false;
    } else {
      for (const [oid, tid] of this.invalidations) {
        const obj = this.cache.get(oid);
        if (obj !== undefined && slotOf(obj).serial < tid) this.cache.invalidate(oid);
      }
    }
    this.invalidations.clear();
    this.snapshot = snapshot;
    this.cache.gc();
  }

  private checkOpen(): void {
    if (!this.opened) throw new ConnectionStateError('the connection is closed');
  }

  private checkWritable(): void {
    if (this.historicalAt !== undefined) {
      throw new ReadOnlyHistoryError(
        'a historical connection is read-only: open a normal connection to change objects',
      );
    }
    if (this.storage.isReadOnly()) {
      throw new ReadOnlyError(`storage ${this.storage.name} is read-only`);
    }
  }

  /** @internal For error messages. */
  toString(): string {
    return `<Connection ${this.id}${this.historicalAt === undefined ? '' : ' historical'} of ${this.storage.name}>`;
  }
}
