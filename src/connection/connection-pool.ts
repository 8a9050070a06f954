/**
 * The DB's pool of connections: a stack of idle connections (the most
 * recently closed is reused first, so its warm cache is reused), one stack
 * per historical time, size limits and idle timeouts as in ZODB.
 *
 * @module
 */

import type { Tid } from '../ids.js';
import type { Connection } from './connection.js';

/** Pool settings. */
export interface PoolSettings {
  poolSize: number;
  poolTimeoutMs: number;
  cacheSize: number;
  cacheSizeBytes: number;
  historicalPoolSize: number;
  historicalCacheSize: number;
  historicalCacheSizeBytes: number;
  historicalTimeoutMs: number;
}

interface Idle {
  connection: Connection;
  closedAt: number;
}

/** Keeps every connection of a DB, open or idle. */
export class ConnectionPool implements PoolSettings {
  poolSize: number;
  poolTimeoutMs: number;
  cacheSize: number;
  cacheSizeBytes: number;
  historicalPoolSize: number;
  historicalCacheSize: number;
  historicalCacheSizeBytes: number;
  historicalTimeoutMs: number;

  private readonly everyConnection = new Set<Connection>();
  private readonly openConnections = new Set<Connection>();
  private readonly idle: Idle[] = [];
  private readonly idleHistorical = new Map<Tid, Idle[]>();
  private warned = false;

  constructor(settings: PoolSettings) {
    this.poolSize = settings.poolSize;
    this.poolTimeoutMs = settings.poolTimeoutMs;
    this.cacheSize = settings.cacheSize;
    this.cacheSizeBytes = settings.cacheSizeBytes;
    this.historicalPoolSize = settings.historicalPoolSize;
    this.historicalCacheSize = settings.historicalCacheSize;
    this.historicalCacheSizeBytes = settings.historicalCacheSizeBytes;
    this.historicalTimeoutMs = settings.historicalTimeoutMs;
  }

  /** An idle connection for `at` (undefined: a current-state one), if any. */
  take(at: Tid | undefined): Connection | undefined {
    this.expire();
    const stack = at === undefined ? this.idle : this.idleHistorical.get(at);
    return stack?.pop()?.connection;
  }

  /** Records that a connection was handed out. */
  opened(connection: Connection, _at: Tid | undefined): void {
    this.everyConnection.add(connection);
    this.openConnections.add(connection);
    if (!this.warned && this.openConnections.size > this.poolSize * 2 && this.poolSize > 0) {
      this.warned = true;
      process.emitWarning(
        `${this.openConnections.size} connections are open, more than twice the pool size (${this.poolSize}); ` +
          'close connections when done with them',
        { code: 'ZODB_POOL_SIZE' },
      );
    }
  }

  /** Takes back a closed connection. */
  closed(connection: Connection): void {
    this.openConnections.delete(connection);
    const at = connection.historicalAt;
    const entry = { connection, closedAt: Date.now() };
    if (at === undefined) {
      this.idle.push(entry);
      while (this.idle.length > this.poolSize) this.drop(this.idle.shift() as Idle);
    } else {
      const stack = this.idleHistorical.get(at) ?? [];
      stack.push(entry);
      this.idleHistorical.set(at, stack);
      while (stack.length > this.historicalPoolSize) this.drop(stack.shift() as Idle);
      if (stack.length === 0) this.idleHistorical.delete(at);
    }
    this.expire();
  }

  /** Every connection, open or idle. */
  all(): IterableIterator<Connection> {
    return this.everyConnection.values();
  }

  /** Forgets every connection (the DB is closing). */
  clear(): void {
    this.everyConnection.clear();
    this.openConnections.clear();
    this.idle.length = 0;
    this.idleHistorical.clear();
  }

  private drop(entry: Idle): void {
    entry.connection.cacheMinimize();
    this.everyConnection.delete(entry.connection);
  }

  private expire(): void {
    const now = Date.now();
    while (this.idle.length > 0 && now - (this.idle[0] as Idle).closedAt > this.poolTimeoutMs) {
      this.drop(this.idle.shift() as Idle);
    }
    for (const [at, stack] of this.idleHistorical) {
      while (stack.length > 0 && now - (stack[0] as Idle).closedAt > this.historicalTimeoutMs) {
        this.drop(stack.shift() as Idle);
      }
      if (stack.length === 0) this.idleHistorical.delete(at);
    }
  }
}
