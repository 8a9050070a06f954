/**
 * `DB`: a database over one storage. It owns the storage and a pool of
 * connections, distributes invalidations to them, resolves conflicts, and
 * offers the database-wide operations (history, undo, pack, statistics).
 *
 * @module
 */

import { POSKeyError, StorageError, Unsupported, UnknownClassError } from '../errors.js';
import type { Oid, Tid } from '../ids.js';
import { oidRepr } from '../ids.js';
import { Persistent } from '../persistent/persistent.js';
import { isPersistent, slotOf } from '../persistent/slot.js';
import type { ClassRegistry } from '../serialize/class-registry.js';
import { defaultRegistry } from '../serialize/class-registry.js';
import { referencesOf } from '../serialize/index.js';
import type {
  HistoryEntry,
  Storage,
  StorageDB,
  UndoLogEntry,
  UndoStorage,
} from '../storage/interfaces.js';
import { isUndoStorage } from '../storage/interfaces.js';
import { FileStorage } from '../storage/file/file-storage.js';
import { MappingStorage } from '../storage/mapping/mapping-storage.js';
import { TimeStamp } from '../timestamp.js';
import { manager as defaultManager } from '../transaction/index.js';
import { TransactionManager } from '../transaction/manager.js';
import type { Transaction } from '../transaction/transaction.js';
import { resolveConflict } from './conflict-resolution.js';
import { Connection } from './connection.js';
import type { OpenOptions } from './connection.js';
import type { DBInternals, TransactionManagerLike } from './db-internals.js';
import { ConnectionPool } from './connection-pool.js';
import type { UntypedRoot } from './builtin-classes.js';
import { UndoDataManager } from './undo-data-manager.js';

/** Options of `new DB()`, with ZODB's defaults. */
export interface DBOptions {
  /** Connections the pool keeps (more may be open; a warning is printed past this). Default 7. */
  poolSize?: number;
  /** Idle pooled connections older than this many seconds are dropped. Default: never. */
  poolTimeout?: number;
  /** Target number of non-ghost objects per connection cache. Default 5000. */
  cacheSize?: number;
  /** Target estimated bytes per connection cache (0: no limit). Default 0. */
  cacheSizeBytes?: number;
  /** Pooled historical connections kept per time. Default 3. */
  historicalPoolSize?: number;
  /** Cache size of historical connections. Default 1000. */
  historicalCacheSize?: number;
  /** Cache bytes of historical connections. Default 0 (no limit). */
  historicalCacheSizeBytes?: number;
  /** Idle historical connections older than this many seconds are dropped. Default 300. */
  historicalTimeout?: number;
  /** This database's name (for multi-database setups). Default `'unnamed'`. */
  databaseName?: string;
  /** Records larger than this many bytes print a warning (consider a Blob). Default 16 MiB. */
  largeRecordSize?: number;
  /** The class registry (default: the process-wide one `registerClass` fills). */
  registry?: ClassRegistry;
}

/** One row of `db.cacheDetailSize()`. */
export interface CacheDetailSize {
  connection: string;
  /** Non-ghost objects. */
  ngsize: number;
  /** All objects reachable in the cache. */
  size: number;
}

/** Options of `db.pack()`. */
export interface PackOptions {
  /** Pack time (default now): revisions not current at this time go. */
  t?: Tid | Date;
  /** Subtract this many days from the pack time. */
  days?: number;
}

/**
 * A database. `new DB(storage)` with any storage, `new DB('Data.fs')` for a
 * FileStorage at that path (created if missing), or `new DB(null)` for an
 * in-memory `MappingStorage`.
 *
 * @example
 * ```ts
 * const db = new DB(new MappingStorage());
 * const conn = db.open<{ accounts: PersistentMapping<string, Account> }>();
 * conn.root.accounts = new PersistentMapping();
 * await transaction.commit();
 * ```
 */
export class DB implements StorageDB, DBInternals {
  readonly storage: Storage;
  readonly registry: ClassRegistry;
  readonly databaseName: string;
  largeRecordSize: number;
  private readonly pool: ConnectionPool;
  private readonly undoing = new Map<Transaction, UndoDataManager>();
  private closed = false;

  constructor(storage: Storage | string | null = null, options: DBOptions = {}) {
    this.storage =
      storage === null
        ? new MappingStorage()
        : typeof storage === 'string'
          ? new FileStorage(storage)
          : storage;
    this.registry = options.registry ?? defaultRegistry;
    this.databaseName = options.databaseName ?? 'unnamed';
    this.largeRecordSize = options.largeRecordSize ?? 16 * 1024 * 1024;
    this.pool = new ConnectionPool({
      poolSize: options.poolSize ?? 7,
      poolTimeoutMs: (options.poolTimeout ?? Infinity) * 1000,
      cacheSize: options.cacheSize ?? 5000,
      cacheSizeBytes: options.cacheSizeBytes ?? 0,
      historicalPoolSize: options.historicalPoolSize ?? 3,
      historicalCacheSize: options.historicalCacheSize ?? 1000,
      historicalCacheSizeBytes: options.historicalCacheSizeBytes ?? 0,
      historicalTimeoutMs: (options.historicalTimeout ?? 300) * 1000,
    });
    this.storage.registerDB(this);
  }

  /**
   * Opens a database from a URI (`file:///var/db/Data.fs?quota=1GB`,
   * `memory://`, `demo:(...)/(...)`, `zconfig:///etc/zodb.conf#main`), with
   * the URI's database parameters: `databaseFromURI` of `zodb/config`
   * (loaded on first use; the configuration layer sits above this one).
   */
  static async fromURI(uri: string): Promise<DB> {
    const { databaseFromURI } = await import('../config/uri.js');
    return databaseFromURI(uri);
  }

  // -------------------------------------------------------------------------
  // Connections

  /**
   * Opens a connection (from the pool when one is free). With `at` or
   * `before`, a read-only historical connection.
   */
  open<R extends object = UntypedRoot>(options: OpenOptions = {}): Connection<R> {
    this.checkOpen();
    const manager = options.transactionManager ?? defaultManager;
    const at = this.historicalTid(options);
    const connection =
      (this.pool.take(at) as Connection<R> | undefined) ??
      new Connection<R>(this, this.storage, {
        transactionManager: manager,
        historicalAt: at,
        cacheSize:
          options.cacheSize ??
          (at === undefined ? this.pool.cacheSize : this.pool.historicalCacheSize),
        cacheSizeBytes:
          options.cacheSizeBytes ??
          (at === undefined ? this.pool.cacheSizeBytes : this.pool.historicalCacheSizeBytes),
      });
    if (options.cacheSize !== undefined) connection.cacheSize = options.cacheSize;
    if (options.cacheSizeBytes !== undefined) connection.cacheSizeBytes = options.cacheSizeBytes;
    this.pool.opened(connection, at);
    connection.open(manager);
    return connection;
  }

  /**
   * Runs `fn` in a transaction of its own with a fresh connection, commits,
   * and retries on conflicts (`attempts`, default 1). Resolves with `fn`'s result.
   */
  async transaction<T, R extends object = UntypedRoot>(
    fn: (connection: Connection<R>, txn: Transaction) => T | Promise<T>,
    options: { note?: string; attempts?: number; user?: string } = {},
  ): Promise<T> {
    const manager = new TransactionManager();
    const connection = this.open<R>({ transactionManager: manager });
    try {
      return await manager.run(
        async (txn: Transaction) => {
          if (options.user !== undefined) txn.user = options.user;
          return fn(connection, txn);
        },
        { attempts: options.attempts ?? 1, note: options.note ?? '' },
      );
    } finally {
      await manager.abort();
      connection.close();
    }
  }

  /** @internal */
  connectionClosed(connection: object): void {
    this.pool.closed(connection as Connection);
  }

  /** Closes every connection and the storage. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const connection of this.pool.all()) connection.closeForDB();
    this.pool.clear();
    await this.storage.close();
  }

  // -------------------------------------------------------------------------
  // Storage callbacks (StorageDB)

  /** @internal A transaction committed: tell every connection. */
  invalidate(tid: Tid, oids: readonly Oid[]): void {
    for (const connection of this.pool.all()) connection.invalidate(tid, oids);
  }

  /** @internal Flush every connection's cache at its next boundary. */
  invalidateCache(): void {
    for (const connection of this.pool.all()) connection.invalidateCache();
  }

  /** @internal */
  tryToResolveConflict(
    oid: Oid,
    committedSerial: Tid,
    oldSerial: Tid,
    newData: Uint8Array,
    committedData: Uint8Array,
  ): Uint8Array {
    return resolveConflict(
      this.storage,
      this.registry,
      oid,
      committedSerial,
      oldSerial,
      newData,
      committedData,
    );
  }

  // -------------------------------------------------------------------------
  // Database-wide information

  /** The tid of the last committed transaction. */
  lastTransaction(): Tid {
    return this.storage.lastTransaction();
  }

  /** Newest-first revisions of an object. */
  history(oid: Oid | object, size = 1): HistoryEntry[] {
    return this.storage.history(this.oidOf(oid), size);
  }

  /** Number of objects in the storage. */
  objectCount(): number {
    return this.storage.objectCount();
  }

  /** Approximate size of the storage in bytes. */
  getSize(): number {
    return this.storage.getSize();
  }

  /** The storage's name. */
  getName(): string {
    return this.storage.name;
  }

  // -------------------------------------------------------------------------
  // Undo and pack

  /** True when the storage supports transactional undo. */
  supportsUndo(): boolean {
    return isUndoStorage(this.storage);
  }

  /** Newest-first undoable transactions (see `UndoStorage.undoLog`). */
  undoLog(first = 0, last = -20, filter?: (e: UndoLogEntry) => boolean): UndoLogEntry[] {
    return this.undoStorage().undoLog(first, last, filter);
  }

  /** Like `undoLog`, filtered by a specification object. */
  undoInfo(first = 0, last = -20, specification?: Partial<UndoLogEntry>): UndoLogEntry[] {
    return this.undoStorage().undoInfo(first, last, specification);
  }

  /**
   * Undoes a transaction (by its undo-log id) when `txn` commits (default:
   * the current transaction of the default manager). Commit it in a
   * transaction of its own.
   */
  undo(id: string, txn?: Transaction): void {
    this.undoMultiple([id], txn);
  }

  /** Undoes several transactions when `txn` commits. */
  undoMultiple(ids: readonly string[], txn: Transaction = defaultManager.get()): void {
    const storage = this.undoStorage();
    let dm = this.undoing.get(txn);
    if (dm === undefined) {
      dm = new UndoDataManager(storage, () => this.undoing.delete(txn));
      this.undoing.set(txn, dm);
      txn.join(dm);
    }
    for (const id of ids) dm.add(id);
  }

  /** @internal */
  undoJoined(txn: Transaction): boolean {
    return this.undoing.has(txn);
  }

  /**
   * Removes old revisions (and unreachable objects, where the storage
   * collects garbage) as of `t` minus `days`.
   */
  async pack(options: PackOptions = {}): Promise<void> {
    this.checkOpen();
    let time: Date;
    if (options.t === undefined) time = new Date();
    else if (options.t instanceof Date) time = options.t;
    else time = TimeStamp.fromTid(options.t).toDate();
    if (options.days !== undefined) time = new Date(time.getTime() - options.days * 86_400_000);
    await this.storage.pack(TimeStamp.fromDate(time).value, referencesOf);
  }

  // -------------------------------------------------------------------------
  // Cache statistics and control (ZODB's names)

  /** Total number of non-ghost objects in all connection caches. */
  cacheSize(): number {
    let n = 0;
    for (const connection of this.pool.all()) n += connection.cacheStats().nonGhostCount;
    return n;
  }

  /** Per class name, the number of non-ghost objects in all caches, most first. */
  cacheDetail(): [string, number][] {
    const counts = new Map<string, number>();
    for (const connection of this.pool.all()) {
      for (const obj of connection.cachedObjects()) {
        if (obj._p_changed === null) continue;
        const cls = Object.getPrototypeOf(slotOf(obj).target)
          .constructor as abstract new () => object;
        const name = this.registry.nameOf(cls) ?? cls.name;
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
    }
    return [...counts].sort((a, b) => b[1] - a[1]);
  }

  /** Per connection, its number of non-ghost and of all cached objects. */
  cacheDetailSize(): CacheDetailSize[] {
    return [...this.pool.all()].map((connection) => {
      const stats = connection.cacheStats();
      return { connection: String(connection), ngsize: stats.nonGhostCount, size: stats.size };
    });
  }

  /** Ghosts every unchanged object in every connection cache. */
  cacheMinimize(): void {
    for (const connection of this.pool.all()) connection.cacheMinimize();
  }

  /** Ghosts least-recently-used objects of every cache down to the targets. */
  cacheGC(): void {
    for (const connection of this.pool.all()) connection.cacheGC();
  }

  /** Connections the pool keeps. */
  get poolSize(): number {
    return this.pool.poolSize;
  }
  set poolSize(n: number) {
    this.pool.poolSize = n;
  }

  /** Historical connections the pool keeps per time. */
  get historicalPoolSize(): number {
    return this.pool.historicalPoolSize;
  }
  set historicalPoolSize(n: number) {
    this.pool.historicalPoolSize = n;
  }

  /** Default cache target (objects) of connections; setting it updates existing ones. */
  getCacheSize(): number {
    return this.pool.cacheSize;
  }
  setCacheSize(n: number): void {
    this.pool.cacheSize = n;
    for (const connection of this.pool.all())
      if (connection.historicalAt === undefined) connection.cacheSize = n;
  }

  /** Default cache target (bytes) of connections; setting it updates existing ones. */
  getCacheSizeBytes(): number {
    return this.pool.cacheSizeBytes;
  }
  setCacheSizeBytes(n: number): void {
    this.pool.cacheSizeBytes = n;
    for (const connection of this.pool.all()) {
      if (connection.historicalAt === undefined) connection.cacheSizeBytes = n;
    }
  }

  /** Cache target (objects) of historical connections. */
  getHistoricalCacheSize(): number {
    return this.pool.historicalCacheSize;
  }
  setHistoricalCacheSize(n: number): void {
    this.pool.historicalCacheSize = n;
  }

  /** Cache target (bytes) of historical connections. */
  getHistoricalCacheSizeBytes(): number {
    return this.pool.historicalCacheSizeBytes;
  }
  setHistoricalCacheSizeBytes(n: number): void {
    this.pool.historicalCacheSizeBytes = n;
  }

  // -------------------------------------------------------------------------
  // Internals

  /** @internal */
  checkRecordSize(oid: Oid, bytes: number): void {
    if (bytes > this.largeRecordSize) {
      process.emitWarning(
        `the record of object ${oidRepr(oid)} is ${bytes} bytes, more than largeRecordSize ` +
          `(${this.largeRecordSize}); large data belongs in a Blob`,
        { code: 'ZODB_LARGE_RECORD' },
      );
    }
  }

  /** @internal */
  persistentClassFor(className: string, oid: Oid): typeof Persistent {
    const cls = this.registry.classFor(className);
    if (cls === undefined) throw new UnknownClassError(className, `object ${oidRepr(oid)}`);
    if (!(cls.prototype instanceof Persistent)) {
      throw new UnknownClassError(
        className,
        `object ${oidRepr(oid)}: registered class is not persistent`,
      );
    }
    return cls as unknown as typeof Persistent;
  }

  private historicalTid(options: OpenOptions): Tid | undefined {
    if (options.at !== undefined && options.before !== undefined) {
      throw new TypeError('db.open(): give at most one of `at` and `before`');
    }
    const value = options.at ?? options.before;
    if (value === undefined) return undefined;
    const tid = value instanceof Date ? TimeStamp.fromDate(value).value : value;
    if (value instanceof Date && value.getTime() > Date.now()) {
      throw new RangeError(
        `db.open(): cannot open a historical connection in the future (${value.toISOString()})`,
      );
    }
    return options.before !== undefined ? tid - 1n : tid;
  }

  private undoStorage(): UndoStorage {
    if (!isUndoStorage(this.storage)) {
      throw new Unsupported(`storage ${this.storage.name} does not support undo`);
    }
    return this.storage;
  }

  private oidOf(value: Oid | object): Oid {
    if (typeof value === 'number') return value;
    const oid = isPersistent(value) ? slotOf(value).oid : undefined;
    if (oid === undefined)
      throw new POSKeyError(-1, undefined, 'the object has no oid (never committed)');
    return oid;
  }

  private checkOpen(): void {
    if (this.closed)
      throw new StorageError(`database ${this.databaseName} (${this.storage.name}) is closed`);
  }
}

/** The transaction-manager type connections accept. */
export type { TransactionManagerLike };

/**
 * Opens a database on `storage` (a path: FileStorage; null: in memory) and returns a connection;
 * closing the connection closes the database (ZODB's `ZODB.connection()`).
 */
export function connection<R extends object = UntypedRoot>(
  storage: Storage | string | null = null,
  options: DBOptions & OpenOptions = {},
): Connection<R> {
  const db = new DB(storage, options);
  const conn = db.open<R>(options);
  conn.onCloseCallback(() => {
    void db.close();
  });
  return conn;
}
