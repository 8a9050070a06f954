/**
 * `ClientStorage`: a storage served by a storage server (`zodb server`),
 * ZEO's ClientStorage. Many processes, on one machine or many, share one
 * database; each keeps its own cache, kept coherent by the server's
 * invalidations.
 *
 * - **Reads are synchronous**: a worker thread owns the socket; a load
 *   blocks the calling thread in `Atomics.wait` until the worker has the
 *   reply (`worker-bridge.ts`). Loads are served from the client cache when
 *   it knows the revision current at the snapshot.
 * - **Invalidations** arrive on the worker's event port; they are applied
 *   (cache, then `db.invalidate`) in stream order, either by the event
 *   loop or synchronously by `lastTransaction()`, so a snapshot picked from
 *   `lastTransaction()` has every invalidation up to it.
 * - **Commits**: `tpcBegin` waits only for this client's other commits; the
 *   server takes its commit lock at `tpcVote` (not at begin, unlike ZEO 4).
 *   Conflicts are resolved here with `db.tryToResolveConflict` and the
 *   merged records sent back before voting again.
 * - **Capabilities** follow the server's storage (the `supports` map of the
 *   handshake): a method the server's storage lacks is removed from the
 *   instance, so the type guards of `storage/interfaces.ts` answer false.
 *
 * @example
 * ```ts
 * const storage = new ClientStorage({ address: 'localhost:8100', cacheFile: '/var/cache/app.zec' });
 * const db = new DB(storage);
 * ```
 *
 * @module
 */

import * as fs from 'node:fs';
import { ConflictError, ReadOnlyError, StorageTransactionError } from '../errors.js';
import type { Oid, Tid } from '../ids.js';
import { ZERO_TID, tidRepr, tidToBytes } from '../ids.js';
import { decodeMessage } from '../protocol/codec.js';
import { readEnvelope } from '../protocol/envelope.js';
import type { RegisterReply, StorageSupports } from '../protocol/messages.js';
import {
  wireArray,
  wireBytes,
  wireMap,
  wireOids,
  wireString,
  wireTid,
  wireTuple,
} from '../protocol/wire-values.js';
import { StorageClosedError } from '../storage/storage-closed-error.js';
import { TpcState } from '../storage/tpc-state.js';
import {
  sliceUndoLog,
  undoSpecificationFilter,
  UNDO_LOG_DEFAULT_LAST,
} from '../storage/undo-log-slice.js';
import type {
  BlobStorage,
  DataRecord,
  DeletingStorage,
  HistoryEntry,
  IteratorStorage,
  LoadBeforeResult,
  PackOptions,
  PrefetchStorage,
  RecordIteratorStorage,
  ReferencesFunction,
  RestoreStorage,
  StorageDB,
  TransactionMetaData,
  TransactionRecord,
  UndoLogEntry,
  UndoStorage,
} from '../storage/interfaces.js';
import { describeAddress, type AsyncMessage } from './bridge-messages.js';
import { loadCacheFile, saveCacheFile } from './cache-file.js';
import { ClientCache, type CachedRevision, type ClientCacheStats } from './client-cache.js';
import {
  normalizeOptions,
  type ClientStorageOptions,
  type NormalizedClientOptions,
} from './client-options.js';
import {
  CACHE_FILE_SAVE_INTERVAL_MS,
  CONFLICT_RESOLUTION_ROUNDS_MAX,
  ITERATOR_BATCH_BYTES,
  RECORD_ITERATOR_BATCH,
  SIBLING_PREFETCH_MIN,
} from './limits.js';
import { ClientBlobFiles } from './client-blob-files.js';
import { decodeWireError } from './client-errors.js';
import { OidReserve } from './oid-reserve.js';
import { PendingCommit } from './pending-commit.js';
import { resolveConflict } from './resolve-conflict.js';
import {
  readCount,
  readHistoryEntry,
  readInvalidation,
  readLoadReply,
  readRecordsReply,
  readRegisterReply,
  readRevs,
  readTxn,
  readUndoLogEntry,
  readVoteReply,
} from './wire-replies.js';
import { SiblingIndex } from './sibling-index.js';
import { WorkerBridge } from './worker-bridge.js';

/** Most undo log entries fetched to apply a filter on the client (the server's bound on `last`). */
const UNDO_LOG_ENTRIES_MAX = 1 << 30;

/** Largest number of oids per `prefetch` request (PROTOCOL's limit). */
const PREFETCH_BATCH = 10_000;

/** The capability methods removed from an instance when the server's storage lacks them. */
const CAPABILITY_METHODS: Readonly<Record<keyof StorageSupports, readonly string[]>> = {
  undo: ['supportsUndo', 'undo', 'undoLog', 'undoInfo'],
  iterator: ['iterator'],
  restore: ['restore', 'restoreBlob'],
  recordIterator: ['recordIterator'],
  deleteObject: ['deleteObject'],
  blobs: ['storeBlob', 'loadBlob', 'temporaryDirectory', 'restoreBlob'],
};

/** Connection state and statistics of a {@link ClientStorage}. */
export interface ClientStorageStatus {
  /** Whether the worker is registered with a server right now (as of the last drained event). */
  readonly connected: boolean;
  /** The address of the last server connected to. */
  readonly address: string;
  /** Connections made so far (1 after the constructor). */
  readonly connections: number;
  /** The verdict on the cache at the last connection. */
  readonly lastVerification: 'kept' | 'dropped';
  /** Synchronous `load` requests sent to the server so far (the misses that cost a round trip). */
  readonly serverLoads: number;
  /** The client cache's counters. */
  readonly cache: ClientCacheStats;
}

/**
 * A storage served over the network by `zodb server`. The constructor
 * connects synchronously (waiting up to `waitTimeout` for the handshake),
 * so `new DB(new ClientStorage({ address }))` works as with any storage.
 *
 * @throws ClientDisconnectedError from the constructor when no server
 *   answered within the wait timeout; AuthenticationError, ReadOnlyError or
 *   StorageError when the server refused the registration.
 */
export class ClientStorage
  implements
    IteratorStorage,
    UndoStorage,
    RestoreStorage,
    DeletingStorage,
    RecordIteratorStorage,
    PrefetchStorage,
    BlobStorage
{
  /** A human-readable name: the server address and storage name. */
  readonly name: string;
  private readonly options: NormalizedClientOptions;
  private readonly bridge: WorkerBridge;
  private cache: ClientCache;
  private db: StorageDB | undefined;
  private lastTid: Tid;
  private readOnly = false;
  private supports: StorageSupports | undefined;
  private serverBlobDir: string | null = null;
  private sizeBytes = 0;
  private objects = 0;
  private connected = false;
  private address = '';
  private connections = 0;
  private verification: 'kept' | 'dropped' = 'dropped';
  private readonly tpc: TpcState;
  private commit: PendingCommit | undefined;
  private nextTxnId = 1;
  private readonly oids: OidReserve;
  private readonly blobFiles: ClientBlobFiles;
  private saveTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly siblings = new SiblingIndex();
  /** Oids asked for by sibling prefetches whose replies are not handled yet. */
  private readonly siblingsInFlight = new Set<Oid>();
  private prefetchesInFlight = 0;
  private serverLoads = 0;

  constructor(options: ClientStorageOptions) {
    this.options = normalizeOptions(options);
    const first = this.options.addresses[0]!;
    this.name = options.name ?? `${describeAddress(first)} (storage ${this.options.storage})`;
    this.tpc = new TpcState({ storageName: this.name });
    this.blobFiles = new ClientBlobFiles(this.options.blobDir, this.options.sharedBlobDir);
    const loaded =
      this.options.cacheFile === undefined
        ? undefined
        : loadCacheFile(this.options.cacheFile, this.options.cacheBytes);
    this.cache = loaded ?? new ClientCache(this.options.cacheBytes, ZERO_TID);
    this.lastTid = this.cache.lastTid;
    this.bridge = new WorkerBridge(
      {
        addresses: this.options.addresses,
        storage: this.options.storage,
        readOnly: this.options.readOnly,
        readOnlyFallback: this.options.readOnlyFallback,
        token: this.options.token,
        user: this.options.user,
        password: this.options.password,
        tls: this.options.tls,
        lastTid: loaded === undefined ? null : tidToBytes(loaded.lastTid),
        waitTimeoutMs: this.options.waitTimeoutMs,
        maxFrameBytes: this.options.maxFrameBytes,
        clientLabel: this.options.clientLabel,
      },
      (message) => this.onEvent(message),
      decodeWireError,
    );
    this.oids = new OidReserve(this.bridge);
    try {
      this.bridge.call((id) => ({ kind: 'awaitConnection', id, reply: 'sync' }));
      this.bridge.drain();
    } catch (error) {
      void this.bridge.close();
      throw error;
    }
    this.hideMissingCapabilities();
    if (this.options.cacheFile !== undefined) {
      this.saveTimer = setInterval(() => this.saveCache(), CACHE_FILE_SAVE_INTERVAL_MS);
      this.saveTimer.unref();
    }
  }

  // -------------------------------------------------------------------------
  // Events from the worker (stream order)

  private onEvent(message: AsyncMessage): void {
    switch (message.kind) {
      case 'connected':
        this.onConnected(message.address, message.payload);
        return;
      case 'disconnected':
        this.connected = false;
        return;
      case 'notification':
        this.onNotification(message.payload);
        return;
      default:
        return;
    }
  }

  private onConnected(address: string, payload: Uint8Array): void {
    const envelope = readEnvelope(decodeMessage(payload));
    if (envelope.kind !== 1) return;
    const reply: RegisterReply = readRegisterReply(envelope.result);
    this.connected = true;
    this.address = address;
    this.connections++;
    this.readOnly = reply.readOnly || this.options.readOnly;
    this.supports ??= reply.supports;
    this.serverBlobDir = reply.blobDir;
    this.sizeBytes = reply.size;
    this.objects = reply.objectCount;
    this.verification = reply.cache;
    if (reply.cache === 'kept') {
      for (const [tid, oids] of reply.missed) this.applyInvalidation(tid, oids);
      if (reply.lastTid > this.lastTid) {
        this.lastTid = reply.lastTid;
        this.cache.lastTid = reply.lastTid;
      }
      return;
    }
    this.cache.clear(reply.lastTid);
    this.siblings.clear();
    const changed = reply.lastTid !== this.lastTid;
    this.lastTid = reply.lastTid;
    if (changed || this.connections > 1) this.db?.invalidateCache();
  }

  private onNotification(payload: Uint8Array): void {
    const envelope = readEnvelope(decodeMessage(payload));
    if (envelope.kind !== 3) return;
    if (envelope.method === 'invalidate') {
      const { tid, oids } = readInvalidation(envelope.args);
      this.applyInvalidation(tid, oids);
    } else if (envelope.method === 'info') {
      const info = wireMap(envelope.args[0], 'info notification');
      if (typeof info.size === 'number') this.sizeBytes = info.size;
      if (typeof info.objectCount === 'number') this.objects = info.objectCount;
    }
  }

  private applyInvalidation(tid: Tid, oids: readonly Oid[]): void {
    if (tid <= this.lastTid) return;
    this.cache.invalidate(tid, oids);
    this.lastTid = tid;
    this.db?.invalidate(tid, oids);
  }

  private hideMissingCapabilities(): void {
    const supports = this.supports;
    if (supports === undefined) return;
    for (const [capability, methods] of Object.entries(CAPABILITY_METHODS)) {
      if (supports[capability as keyof StorageSupports]) continue;
      for (const method of methods) {
        Object.defineProperty(this, method, { value: undefined, configurable: true });
      }
    }
  }

  // -------------------------------------------------------------------------
  // Information

  /** A string ordering storages in multi-storage commits. */
  sortKey(): string {
    return `client:${this.options.addresses.map(describeAddress).join(',')}:${this.options.storage}`;
  }

  /** True when the storage refuses writes (opened read-only, or the server is read-only). */
  isReadOnly(): boolean {
    return this.readOnly;
  }

  /**
   * The last transaction this client knows of. Handles every invalidation
   * the worker has received first, so a snapshot picked from it is
   * consistent with the cache and with `db.invalidate` calls.
   */
  lastTransaction(): Tid {
    this.checkOpen('lastTransaction');
    this.bridge.drain();
    return this.lastTid;
  }

  /** The server storage's object count (asked from the server). */
  objectCount(): number {
    this.refreshInfo();
    return this.objects;
  }

  /** The server storage's size in bytes (asked from the server). */
  getSize(): number {
    this.refreshInfo();
    return this.sizeBytes;
  }

  private refreshInfo(): void {
    this.checkOpen('getSize');
    const info = wireMap(this.bridge.callMethod('info', []), 'info reply');
    if (typeof info.size === 'number') this.sizeBytes = info.size;
    if (typeof info.objectCount === 'number') this.objects = info.objectCount;
  }

  /** Connection state and cache statistics. */
  status(): ClientStorageStatus {
    this.bridge.drain();
    return {
      connected: this.connected,
      address: this.address,
      connections: this.connections,
      lastVerification: this.verification,
      serverLoads: this.serverLoads,
      cache: this.cache.stats(),
    };
  }

  /** Called once by the database that uses this storage. */
  registerDB(db: StorageDB): void {
    this.db = db;
  }

  // -------------------------------------------------------------------------
  // Reads

  /**
   * The revision of `oid` current at `at`, from the cache or the server.
   * Before going to the server, handles the sibling prefetch replies
   * already received; on a miss, asks in the same round trip for the next
   * uncached siblings of `oid` in a recently loaded large record.
   */
  loadAt(oid: Oid, at: Tid): DataRecord | null {
    this.checkOpen('load');
    if (this.prefetchesInFlight > 0 && !this.cache.has(oid, at)) this.bridge.drain();
    const cached = this.cache.lookup(oid, at);
    if (cached !== undefined) {
      if (cached.unread) this.firstRead(cached);
      return { data: cached.data, serial: cached.serial };
    }
    this.prefetchSiblings(oid, at);
    this.serverLoads++;
    const reply = readLoadReply(this.bridge.callMethod('load', [oid, at, this.options.neighbours]));
    for (const [moreOid, data, serial, end] of reply.more)
      this.cache.store(moreOid, serial, end, data, true);
    if (reply.rec === null) return null;
    const [, data, serial, end] = reply.rec;
    this.cache.store(oid, serial, end, data);
    if (data !== null && this.siblingCount() > 0) {
      this.siblings.remember(oid, data, reply.more.length);
    }
    return { data, serial };
  }

  /**
   * The first read of a revision the server sent unasked-for: a container
   * that arrived as a neighbour or by prefetch has had none of its own
   * references fetched, so its reference list is worth remembering.
   */
  private firstRead(revision: CachedRevision): void {
    revision.unread = false;
    if (revision.data !== null && this.siblingCount() > 0) {
      this.siblings.remember(revision.oid, revision.data, 1);
    }
  }

  /**
   * How many siblings a miss asks for: none when neighbours are off or the
   * cache is disabled, else at least {@link SIBLING_PREFETCH_MIN}.
   */
  private siblingCount(): number {
    const neighbours = this.options.neighbours;
    if (neighbours === 0 || this.cache.bytesMax <= 0) return 0;
    return Math.min(PREFETCH_BATCH, Math.max(neighbours, SIBLING_PREFETCH_MIN));
  }

  /**
   * Sends an asynchronous `prefetch` of the uncached siblings after `oid`
   * (see `sibling-index.ts`). The server answers a connection's requests
   * in order, so its reply is on the async port before the reply of the
   * `load` that follows it; a later miss drains the port first.
   */
  private prefetchSiblings(oid: Oid, at: Tid): void {
    const oids = this.siblings.siblingsAfter(
      oid,
      this.siblingCount(),
      (sibling) => this.siblingsInFlight.has(sibling) || this.cache.has(sibling, at),
    );
    if (oids.length === 0) return;
    for (const sibling of oids) this.siblingsInFlight.add(sibling);
    this.prefetchesInFlight++;
    let pending = true;
    const done = (): void => {
      if (!pending) return;
      pending = false;
      this.prefetchesInFlight--;
      for (const sibling of oids) this.siblingsInFlight.delete(sibling);
    };
    this.bridge
      .request('prefetch', [oids, at], {
        onResult: (result) => {
          done();
          this.storeRevs(result);
          return null;
        },
      })
      .then(done, done);
  }

  private storeRevs(result: unknown): void {
    for (const [oid, data, serial, end] of readRevs(result, 'prefetch reply')) {
      this.cache.store(oid, serial, end, data, true);
    }
  }

  /** ZODB's `loadBefore`, from the cache when it can tell, else from the server. */
  loadBefore(oid: Oid, before: Tid): LoadBeforeResult | null {
    this.checkOpen('loadBefore');
    if (before > ZERO_TID) {
      const cached = this.cache.lookup(oid, before - 1n);
      if (cached !== undefined && cached.data !== null) {
        return { data: cached.data, serial: cached.serial, nextSerial: cached.end };
      }
    }
    const reply = this.bridge.callMethod('loadBefore', [oid, before]);
    if (reply === null) return null;
    const [data, serial, next] = wireTuple(reply, 'loadBefore reply', 3);
    const nextSerial = next === null ? null : wireTid(next, 'loadBefore reply nextSerial');
    const result = {
      data: wireBytes(data, 'loadBefore reply data'),
      serial: wireTid(serial, 'loadBefore reply serial'),
      nextSerial,
    };
    if (nextSerial !== null) this.cache.store(oid, result.serial, nextSerial, result.data);
    return result;
  }

  /** The data of revision `serial` of `oid`. POSKeyError when there is none. */
  loadSerial(oid: Oid, serial: Tid): Uint8Array {
    this.checkOpen('loadSerial');
    const cached = this.cache.revision(oid, serial);
    if (cached !== undefined && cached.data !== null) return cached.data;
    return wireBytes(this.bridge.callMethod('loadSerial', [oid, serial]), 'loadSerial reply');
  }

  /** Newest-first history of `oid` (from the server). */
  history(oid: Oid, size = 1): HistoryEntry[] {
    this.checkOpen('history');
    const reply = wireArray(
      this.bridge.callMethod('history', [oid, size]),
      'history reply',
      1 << 24,
    );
    return reply.map((item, i) => readHistoryEntry(item, `history[${i}]`));
  }

  /**
   * Loads the revisions of `oids` current at `at` into the cache in one
   * round trip, without blocking (those already cached are skipped).
   */
  async prefetch(oids: readonly Oid[], at: Tid): Promise<void> {
    this.checkOpen('prefetch');
    const missing = oids.filter((oid) => this.cache.lookup(oid, at) === undefined);
    for (let i = 0; i < missing.length; i += PREFETCH_BATCH) {
      await this.bridge.request('prefetch', [missing.slice(i, i + PREFETCH_BATCH), at], {
        onResult: (result) => {
          this.storeRevs(result);
          return null;
        },
      });
    }
  }

  /** A new oid, from a batch reserved on the server. */
  newOid(): Oid {
    this.checkOpen('newOid');
    this.checkWritable();
    return this.oids.next();
  }

  // -------------------------------------------------------------------------
  // Two-phase commit

  /**
   * Starts a commit: waits for this client's earlier commits and, when
   * disconnected, for a connection (up to the wait timeout), then tells the
   * server. The server's commit lock is taken at {@link tpcVote}.
   */
  async tpcBegin(txn: TransactionMetaData, tid?: Tid): Promise<void> {
    this.checkOpen('tpcBegin');
    this.checkWritable();
    if (tid !== undefined && tid <= this.lastTransaction()) {
      throw new StorageTransactionError(
        `tpcBegin: tid ${tidRepr(tid)} is not after the last transaction ${tidRepr(this.lastTid)} of ${this.name}`,
      );
    }
    await this.tpc.begin(txn);
    // Connected as far as the events received say: no round trip to the
    // worker. A connection lost meanwhile fails the vote, as one lost later would.
    this.bridge.drain();
    if (!this.connected) {
      try {
        await this.bridge.post((id) => ({ kind: 'awaitConnection', id, reply: 'async' }));
      } catch (error) {
        this.tpc.end();
        throw error;
      }
    }
    const commit = new PendingCommit(txn, this.nextTxnId++);
    this.commit = commit;
    // Buffered: it travels with the first stores (or the vote), in one post.
    this.bridge.bufferNotification(
      commit.txnId,
      'tpcBegin',
      [commit.txnId, metaOf(txn), tid ?? null],
      true,
    );
  }

  /** Sends a store (pipelined; conflicts are reported by {@link tpcVote}). */
  store(oid: Oid, oldSerial: Tid, data: Uint8Array, txn: TransactionMetaData): void {
    const commit = this.begun(txn, 'store');
    commit.writes.set(oid, { data, oldSerial, cacheable: true });
    this.bridge.bufferStore(commit.txnId, oid, oldSerial, data);
  }

  /** Asks the server to check at vote that `serial` is still current (ReadConflictError if not). */
  checkCurrentSerialInTransaction(oid: Oid, serial: Tid, txn: TransactionMetaData): void {
    const commit = this.begun(txn, 'checkCurrentSerialInTransaction');
    this.notifyBuffered('checkCurrent', [commit.txnId, oid, serial]);
  }

  /** Writes a deletion revision of `oid` (external GC). */
  deleteObject(oid: Oid, oldSerial: Tid, txn: TransactionMetaData): void {
    const commit = this.begun(txn, 'deleteObject');
    commit.writes.set(oid, { data: null, oldSerial, cacheable: true });
    this.notifyBuffered('deleteObject', [commit.txnId, oid, oldSerial]);
  }

  /** Writes a revision without conflict checks (copying transactions). */
  restore(
    oid: Oid,
    serial: Tid,
    data: Uint8Array | null,
    prevTxn: Tid | undefined,
    txn: TransactionMetaData,
  ): void {
    const commit = this.begun(txn, 'restore');
    commit.writes.set(oid, { data, oldSerial: serial, cacheable: false });
    this.notifyBuffered('restore', [commit.txnId, oid, serial, data, prevTxn ?? null]);
  }

  /** Undoes transaction `id` inside this commit; resolves with the oids it changes. */
  async undo(id: string, txn: TransactionMetaData): Promise<Oid[]> {
    const commit = this.begun(txn, 'undo');
    const oids = wireOids(
      await this.bridge.request('undo', [commit.txnId, id], { txnId: commit.txnId }),
      'undo reply',
      1 << 24,
    );
    for (const oid of oids) commit.undone.add(oid);
    return oids;
  }

  /**
   * Votes: the server takes its commit lock and checks every store. Write
   * conflicts are resolved here (`db.tryToResolveConflict`) and sent back,
   * then the vote is repeated. Resolves with the oids whose stores
   * resolution changed. On ConflictError/ReadConflictError the transaction
   * is aborted before the error is thrown.
   */
  async tpcVote(txn: TransactionMetaData): Promise<Oid[]> {
    const commit = this.begun(txn, 'tpcVote');
    try {
      for (let round = 0; round <= CONFLICT_RESOLUTION_ROUNDS_MAX; round++) {
        const reply = readVoteReply(
          await this.bridge.request('vote', [commit.txnId], { txnId: commit.txnId }),
        );
        for (const oid of reply.resolved) {
          commit.resolved.add(oid);
          const write = commit.writes.get(oid);
          if (write !== undefined) write.cacheable = false;
        }
        if (reply.conflicts.length === 0) {
          this.tpc.markVoted(txn);
          return [...commit.resolved];
        }
        this.notify('resolve', [
          commit.txnId,
          reply.conflicts.map((c) => resolveConflict(this.db, commit, c)),
        ]);
      }
      throw new ConflictError({
        reason: `conflicts still reported after ${CONFLICT_RESOLUTION_ROUNDS_MAX} rounds of resolution`,
      });
    } catch (error) {
      if (error instanceof ConflictError) await this.abortCommit(commit);
      throw error;
    }
  }

  /**
   * Makes the transaction durable; resolves with its tid. The cache, the
   * last transaction and `db.invalidate` are updated in one synchronous
   * step, in stream order with other clients' invalidations.
   */
  async tpcFinish(txn: TransactionMetaData): Promise<Tid> {
    const commit = this.commit;
    this.tpc.requireVoted(txn, 'tpcFinish');
    if (commit === undefined) throw new StorageTransactionError('tpcFinish without a commit');
    try {
      return (await this.bridge.request('tpcFinish', [commit.txnId], {
        txnId: commit.txnId,
        onResult: (result) => this.applyFinish(commit, wireTid(result, 'tpcFinish reply')),
      })) as Tid;
    } finally {
      this.endCommit(commit);
    }
  }

  private applyFinish(commit: PendingCommit, tid: Tid): Tid {
    const oids = commit.changedOids();
    this.cache.invalidate(tid, oids);
    for (const [oid, write] of commit.writes) {
      if (write.cacheable) this.cache.store(oid, tid, null, write.data);
    }
    for (const [oid, file] of commit.blobFiles) this.blobFiles.keep(file, oid, tid);
    if (tid > this.lastTid) this.lastTid = tid;
    this.db?.invalidate(tid, oids);
    return tid;
  }

  /** Abandons the commit of `txn` (ignored when `txn` is not being committed). */
  async tpcAbort(txn: TransactionMetaData): Promise<void> {
    const commit = this.commit;
    if (commit === undefined || commit.txn !== txn) return;
    await this.abortCommit(commit);
  }

  private async abortCommit(commit: PendingCommit): Promise<void> {
    try {
      await this.bridge.request('tpcAbort', [commit.txnId], { txnId: commit.txnId });
    } catch {
      // Disconnected: the server aborts a transaction whose connection closed.
    } finally {
      for (const file of commit.blobFiles.values()) fs.rmSync(file, { force: true });
      this.endCommit(commit);
    }
  }

  private endCommit(commit: PendingCommit): void {
    if (this.commit !== commit) return;
    this.commit = undefined;
    this.tpc.end();
  }

  private begun(txn: TransactionMetaData, method: string): PendingCommit {
    this.checkOpen(method);
    this.checkWritable();
    this.tpc.requireBegun(txn, method);
    return this.commit!;
  }

  private notify(method: string, args: readonly unknown[]): void {
    this.bridge.send({ kind: 'notify', method, args, txnId: this.commit!.txnId });
  }

  /**
   * A notification posted to the worker in a batch of encoded frames (the
   * bridge keeps the order with every other message).
   */
  private notifyBuffered(method: string, args: readonly unknown[]): void {
    this.bridge.bufferNotification(this.commit!.txnId, method, args);
  }

  // -------------------------------------------------------------------------
  // Undo, iteration, pack

  /** `true`: the server's storage supports undo (the method is removed otherwise). */
  supportsUndo(): true {
    return true;
  }

  /** Newest-first undoable transactions (sliced on the server unless filtered). */
  undoLog(
    first = 0,
    last: number = UNDO_LOG_DEFAULT_LAST,
    filter?: (e: UndoLogEntry) => boolean,
  ): UndoLogEntry[] {
    this.checkOpen('undoLog');
    if (filter === undefined) return this.fetchUndoLog(first, last);
    return sliceUndoLog(this.fetchUndoLog(0, UNDO_LOG_ENTRIES_MAX), first, last, filter);
  }

  /** Like {@link undoLog}, filtered by a specification. */
  undoInfo(
    first = 0,
    last: number = UNDO_LOG_DEFAULT_LAST,
    specification?: Partial<UndoLogEntry>,
  ): UndoLogEntry[] {
    return this.undoLog(first, last, undoSpecificationFilter(specification));
  }

  private fetchUndoLog(first: number, last: number): UndoLogEntry[] {
    const reply = wireArray(
      this.bridge.callMethod('undoLog', [first, last]),
      'undoLog reply',
      1 << 24,
    );
    return reply.map((item, i) => readUndoLogEntry(item, `undoLog[${i}]`));
  }

  /**
   * Transactions with `start <= tid <= stop`, oldest first, fetched in
   * batches. The iterator is a snapshot: without `stop`, it ends at the last
   * transaction known when it was created.
   */
  iterator(start?: Tid, stop?: Tid): Iterable<TransactionRecord> {
    this.checkOpen('iterator');
    const last = this.lastTransaction();
    return this.iterate(start, stop === undefined || stop > last ? last : stop);
  }

  private *iterate(start: Tid | undefined, stop: Tid): Generator<TransactionRecord> {
    const iterId = readCount(
      this.bridge.callMethod('iterStart', [start ?? null, stop]),
      'iterStart reply',
    );
    let done = false;
    try {
      while (!done) {
        const reply = wireMap(
          this.bridge.callMethod('iterNext', [iterId, ITERATOR_BATCH_BYTES]),
          'iterNext reply',
        );
        done = reply.done === true;
        const txns = wireArray(reply.txns, 'iterNext reply txns', 1 << 24);
        for (let i = 0; i < txns.length; i++) yield readTxn(txns[i], `txns[${i}]`);
      }
    } finally {
      if (!done && !this.closed) this.bridge.callMethod('iterClose', [iterId]);
    }
  }

  /** Every current record in oid order, fetched in batches. */
  *recordIterator(): Generator<{ oid: Oid; serial: Tid; data: Uint8Array }> {
    this.checkOpen('recordIterator');
    let after: Oid | null = null;
    for (;;) {
      const reply = readRecordsReply(
        this.bridge.callMethod('records', [after, RECORD_ITERATOR_BATCH]),
      );
      yield* reply.recs;
      const last = reply.recs[reply.recs.length - 1];
      if (reply.done || last === undefined) return;
      after = last.oid;
    }
  }

  /**
   * Packs on the server. `references` is not sent: the server reads the
   * references from the record headers.
   */
  async pack(t: Tid, _references: ReferencesFunction, options: PackOptions = {}): Promise<void> {
    this.checkOpen('pack');
    this.checkWritable();
    await this.bridge.request('pack', [t, { gc: options.gc ?? true }]);
  }

  // -------------------------------------------------------------------------
  // Blobs

  /** Streams the blob file (from the worker thread) and stores the blob object's record. */
  storeBlob(
    oid: Oid,
    oldSerial: Tid,
    data: Uint8Array,
    filename: string,
    txn: TransactionMetaData,
  ): void {
    const commit = this.begun(txn, 'storeBlob');
    const blobId = commit.blobId();
    commit.writes.set(oid, { data, oldSerial, cacheable: true });
    commit.blobFiles.set(oid, filename);
    this.bridge.send({ kind: 'sendBlob', txnId: commit.txnId, blobId, path: filename });
    this.notify('storeBlob', [commit.txnId, oid, oldSerial, data, blobId]);
  }

  /** Restores a blob object's revision with its file (copying transactions). */
  restoreBlob(
    oid: Oid,
    serial: Tid,
    data: Uint8Array,
    filename: string,
    prevTxn: Tid | undefined,
    txn: TransactionMetaData,
  ): void {
    const commit = this.begun(txn, 'restoreBlob');
    const blobId = commit.blobId();
    commit.writes.set(oid, { data, oldSerial: serial, cacheable: false });
    commit.blobFiles.set(oid, filename);
    this.bridge.send({ kind: 'sendBlob', txnId: commit.txnId, blobId, path: filename });
    this.notify('restoreBlob', [commit.txnId, oid, serial, data, blobId, prevTxn ?? null]);
  }

  /**
   * The path of the blob file of revision `serial` of `oid`: in the shared
   * blob directory when configured, else in the local blob cache (fetched
   * from the server on first use). POSKeyError when there is no such blob.
   */
  loadBlob(oid: Oid, serial: Tid): string {
    this.checkOpen('loadBlob');
    const shared = this.blobFiles.sharedFile(oid, serial);
    if (shared !== undefined) return shared;
    const target = this.blobFiles.cachedFile(oid, serial);
    if (fs.existsSync(target)) return target;
    const result = this.bridge.call((id) => ({
      kind: 'fetchBlob',
      id,
      oid,
      serial: tidToBytes(serial),
      target,
      reply: 'sync',
    }));
    return wireString(result, 'fetchBlob result');
  }

  /** A local directory for uncommitted blob files. */
  temporaryDirectory(): string {
    return this.blobFiles.temporaryDirectory();
  }

  // -------------------------------------------------------------------------
  // Lifetime

  /** The client cache's counters. */
  cacheStats(): ClientCacheStats {
    return this.cache.stats();
  }

  /** Saves the persistent cache file now (when one is configured). */
  saveCache(): void {
    if (this.options.cacheFile === undefined) return;
    this.bridge.drain();
    saveCacheFile(this.options.cacheFile, this.cache);
  }

  /** Writes the cache file, disconnects and stops the worker. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.saveTimer);
    // A commit in progress is abandoned: the server aborts the transaction
    // of a connection that closes. Its holder keeps the local lock, so no
    // waiting tpcBegin starts; the waiters fail when the lock closes, last.
    const commit = this.commit;
    this.commit = undefined;
    if (commit !== undefined) {
      for (const file of commit.blobFiles.values()) fs.rmSync(file, { force: true });
    }
    try {
      if (this.options.cacheFile !== undefined) {
        this.bridge.drain();
        saveCacheFile(this.options.cacheFile, this.cache);
      }
    } finally {
      await this.bridge.close();
      this.blobFiles.close();
      this.tpc.lock.close(new StorageClosedError(this.name, 'tpcBegin'));
    }
  }

  private checkWritable(): void {
    if (this.readOnly) throw new ReadOnlyError(`storage ${this.name} is read-only`);
  }

  private checkOpen(operation: string): void {
    if (this.closed) throw new StorageClosedError(this.name, operation);
  }
}

function metaOf(txn: TransactionMetaData): {
  user: string;
  description: string;
  extension: Readonly<Record<string, unknown>>;
} {
  return { user: txn.user, description: txn.description, extension: txn.extension };
}
