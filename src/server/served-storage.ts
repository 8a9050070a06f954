/**
 * One storage as the server serves it: the storage, whether it is
 * read-only, the connections registered on it, its recent-invalidation
 * queue, and the server's side of the storage contract ({@link StorageDB}):
 * every committed transaction is fanned out to the registered connections
 * in the storage's own `invalidate` callback (PROTOCOL.md, "Ordering").
 *
 * @module
 */

import { ConflictError } from '../errors.js';
import type { Oid, Tid } from '../ids.js';
import type { StorageDB, Storage, TransactionMetaData } from '../storage/interfaces.js';
import { RecentInvalidations } from './recent-invalidations.js';

/** A registered connection, as the fan-out sees it. */
export interface InvalidationTarget {
  /** Writes the `invalidate` notification for a transaction committed elsewhere. */
  sendInvalidation(tid: Tid, oids: readonly Oid[]): void;
  /** Closes the connection (the storage reported that everything may have changed). */
  disconnect(reason: string): void;
}

/** Options of {@link ServedStorage}. */
export interface ServedStorageOptions {
  readonly readOnly: boolean;
  readonly invalidationQueueSize: number;
}

/** A storage served under a name. */
export class ServedStorage implements StorageDB {
  /** Registered connections. */
  readonly targets = new Set<InvalidationTarget>();
  /** True when the server refuses writes to this storage. */
  readonly readOnly: boolean;
  private recentQueue: RecentInvalidations;
  /**
   * Transactions in `tpcFinish`, oldest first. A storage with group commit
   * (FileStorage) hands its commit lock on before a finished transaction is
   * durable, so several can be finishing at once; the storage publishes them
   * in commit order, one `invalidate` each, so each call belongs to the
   * oldest entry.
   */
  private readonly finishing: Finishing[] = [];
  /** Commits between asking for the lock and their end, with how to abort each (graceful shutdown). */
  private readonly inFlight = new Map<object, () => Promise<void>>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    readonly storage: Storage,
    private readonly options: ServedStorageOptions,
  ) {
    this.readOnly = options.readOnly || storage.isReadOnly();
    this.recentQueue = new RecentInvalidations(
      storage.lastTransaction(),
      options.invalidationQueueSize,
    );
    storage.registerDB(this);
  }

  /** The recent-invalidation queue. */
  get recent(): RecentInvalidations {
    return this.recentQueue;
  }

  /** StorageDB: a transaction committed; tells every other connection, and the committer its tid. */
  invalidate(tid: Tid, oids: readonly Oid[]): void {
    this.recentQueue.add(tid, [...oids]);
    const finishing = this.finishing.shift();
    for (const target of this.targets) {
      if (target !== finishing?.committer) target.sendInvalidation(tid, oids);
    }
    finishing?.onCommitted(tid);
  }

  /** StorageDB: everything may have changed; clients must reconnect and drop their caches. */
  invalidateCache(): void {
    this.recentQueue = new RecentInvalidations(
      this.storage.lastTransaction(),
      this.options.invalidationQueueSize,
    );
    for (const target of [...this.targets])
      target.disconnect('the storage reported that every object may have changed');
  }

  /**
   * StorageDB: conflicts are resolved on the client, never here (the server
   * has no application classes). Throws a {@link DeferredConflict} carrying
   * the committed data, which the committer sends to the client.
   */
  tryToResolveConflict(
    oid: Oid,
    committedSerial: Tid,
    oldSerial: Tid,
    _newData: Uint8Array,
    committedData: Uint8Array,
  ): Uint8Array {
    throw new DeferredConflict(oid, committedSerial, oldSerial, committedData);
  }

  /** Notes a commit that asked for the commit lock, and how to abort it. */
  beginCommit(key: object, abort: () => Promise<void>): void {
    this.inFlight.set(key, abort);
  }

  /** Notes that a commit ended (finished or aborted). */
  endCommit(key: object): void {
    if (!this.inFlight.delete(key) || this.inFlight.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Number of commits in flight. */
  get commitsInFlight(): number {
    return this.inFlight.size;
  }

  /** Resolves when no commit is in flight. */
  whenIdle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Aborts every commit in flight. */
  async abortAll(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()].map((abort) => abort()));
  }

  /**
   * Finishes `txn` (whose commit lock `committer` holds) and calls
   * `onCommitted(tid)` in the same synchronous step as the fan-out of its
   * invalidations, or after `tpcFinish` if the storage made none.
   */
  async finish(
    txn: TransactionMetaData,
    committer: InvalidationTarget,
    onCommitted: (tid: Tid) => void,
  ): Promise<Tid> {
    const entry: Finishing = { committer, onCommitted };
    this.finishing.push(entry);
    try {
      const tid = await this.storage.tpcFinish(txn);
      if (this.dropFinishing(entry)) onCommitted(tid); // the storage made no invalidate call
      return tid;
    } catch (error) {
      this.dropFinishing(entry);
      throw error;
    }
  }

  /** Removes `entry` if it is still waiting for its `invalidate`; true when it was. */
  private dropFinishing(entry: Finishing): boolean {
    const at = this.finishing.indexOf(entry);
    if (at < 0) return false;
    this.finishing.splice(at, 1);
    return true;
  }
}

/** A transaction in `tpcFinish`: who committed it and what to do in its fan-out step. */
interface Finishing {
  readonly committer: InvalidationTarget;
  readonly onCommitted: (tid: Tid) => void;
}

/**
 * The conflict the storage found while the server applied a store (raised
 * through {@link ServedStorage.tryToResolveConflict}): the client merges it.
 * Storages wrap it as the `cause` of the ConflictError they throw.
 */
export class DeferredConflict extends ConflictError {
  constructor(
    oid: Oid,
    committedSerial: Tid,
    oldSerial: Tid,
    /** The committed revision's data, for the client's conflict resolution. */
    readonly committedData: Uint8Array,
  ) {
    super({
      oid,
      committedSerial,
      oldSerial,
      reason: 'the storage server does not resolve conflicts; the client does',
    });
  }
}
