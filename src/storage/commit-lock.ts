/**
 * The storage commit lock: a fair, first-in first-out asynchronous mutex.
 *
 * A storage holds it from `tpcBegin` until `tpcFinish` or `tpcAbort`, so at
 * most one transaction commits at a time and waiting transactions get the
 * lock in the order they asked for it (ZEO#194: an unfair lock starves
 * clients). The queue of waiters is bounded: past `waitersMax` an `acquire`
 * fails at once with {@link CommitLockQueueFullError} instead of growing the
 * queue without limit.
 *
 * States:
 * ```
 * free --acquire--> held --release (no waiters)--> free
 *                   held --release (waiters)--> held by the first waiter
 * any  --close(error)--> closed: waiters and later acquires reject with error
 * ```
 *
 * @example
 * ```ts
 * const lock = new CommitLock({ name: 'Data.fs' });
 * const release = await lock.acquire();
 * try {
 *   // ... commit ...
 * } finally {
 *   release();
 * }
 * ```
 *
 * @module
 */

import { StorageError } from '../errors.js';

/**
 * Default bound on the number of transactions waiting for one storage's
 * commit lock. Each waiter is a suspended commit holding its stored data in
 * memory; ten thousand is far beyond any healthy workload and still small
 * enough to fail before memory does.
 */
export const COMMIT_LOCK_WAITERS_MAX = 10_000;

/** Gives the lock back. Calling it a second time does nothing. */
export type CommitLockRelease = () => void;

/** Options of {@link CommitLock}. */
export interface CommitLockOptions {
  /** Names the lock's owner (a storage name) in error messages. */
  readonly name: string;
  /** Most waiters queued at once; default {@link COMMIT_LOCK_WAITERS_MAX}. */
  readonly waitersMax?: number;
}

/** Is returned when more transactions wait for a commit lock than it allows. */
export class CommitLockQueueFullError extends StorageError {
  /** The lock's name (its storage). */
  readonly lockName: string;
  /** The bound that was reached. */
  readonly waitersMax: number;
  constructor(lockName: string, waitersMax: number) {
    super(
      `commit lock of ${lockName}: ${waitersMax} transactions are already waiting; ` +
        `commit fewer transactions concurrently or raise waitersMax`,
    );
    this.lockName = lockName;
    this.waitersMax = waitersMax;
  }
}

interface Waiter {
  grant(release: CommitLockRelease): void;
  reject(error: Error): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** A fair FIFO async mutex with a bounded wait queue; see the module comment. */
export class CommitLock {
  /** The name given in the options. */
  readonly name: string;
  /** The bound on queued waiters. */
  readonly waitersMax: number;
  private held = false;
  private closedWith: Error | undefined;
  // A plain array used as a queue: shift() is O(n) but n is bounded and
  // almost always tiny; removal of an aborted waiter needs random access.
  private readonly waiters: Waiter[] = [];

  constructor(options: CommitLockOptions) {
    this.name = options.name;
    this.waitersMax = options.waitersMax ?? COMMIT_LOCK_WAITERS_MAX;
    if (!Number.isInteger(this.waitersMax) || this.waitersMax < 0) {
      throw new RangeError(
        `CommitLock waitersMax must be a non-negative integer, got ${this.waitersMax}`,
      );
    }
  }

  /** True while some holder has the lock. */
  get isLocked(): boolean {
    return this.held;
  }

  /** Number of acquirers waiting for the lock (not counting the holder). */
  get queueLength(): number {
    return this.waiters.length;
  }

  /** True after {@link close}. */
  get isClosed(): boolean {
    return this.closedWith !== undefined;
  }

  /**
   * Waits for the lock, after every earlier acquirer, and resolves with the
   * function that releases it. Rejects with the close error if the lock is
   * or becomes closed, with {@link CommitLockQueueFullError} when the queue
   * is full, and with `signal.reason` when `signal` aborts while waiting.
   */
  acquire(options: { signal?: AbortSignal } = {}): Promise<CommitLockRelease> {
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith);
    const { signal } = options;
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    if (!this.held) {
      this.held = true;
      return Promise.resolve(this.makeRelease());
    }
    if (this.waiters.length >= this.waitersMax) {
      return Promise.reject(new CommitLockQueueFullError(this.name, this.waitersMax));
    }
    return new Promise<CommitLockRelease>((resolve, reject) => {
      const waiter: Waiter = { grant: resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  /**
   * Takes the lock only if it is free and nobody waits; returns its release
   * function, or `undefined` when it would have to wait. Throws the close
   * error when closed.
   */
  tryAcquire(): CommitLockRelease | undefined {
    if (this.closedWith !== undefined) throw this.closedWith;
    if (this.held) return undefined;
    this.held = true;
    return this.makeRelease();
  }

  /**
   * Closes the lock: every waiter, and every later `acquire`, rejects with
   * `error`. The current holder keeps the lock until it releases it.
   * Idempotent (the first error is kept).
   */
  close(error: Error): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = error;
    for (const waiter of this.waiters.splice(0)) {
      detach(waiter);
      waiter.reject(error);
    }
  }

  private makeRelease(): CommitLockRelease {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.handOver();
    };
  }

  private handOver(): void {
    const next = this.waiters.shift();
    if (next === undefined) {
      this.held = false;
      return;
    }
    detach(next);
    next.grant(this.makeRelease());
  }
}

function detach(waiter: Waiter): void {
  if (waiter.signal !== undefined && waiter.onAbort !== undefined) {
    waiter.signal.removeEventListener('abort', waiter.onAbort);
  }
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason));
}
