/**
 * The two-phase-commit bookkeeping every storage needs: which transaction
 * holds the commit lock, which phase it is in, and the checks that phase
 * methods are called with that transaction.
 *
 * Phases of the transaction holding the lock:
 * ```
 * (none) --begin(txn)--> begun --markVoted(txn)--> voted --end()--> (none)
 *                        begun ------------------------- end()--> (none)
 * ```
 * `begin` waits (FIFO, see {@link CommitLock}) while another transaction
 * holds the lock. Calling `begin` with a transaction that already holds the
 * lock, or already waits for it, is a StorageTransactionError.
 *
 * @module
 */

import { StorageTransactionError } from '../errors.js';
import { CommitLock } from './commit-lock.js';
import type { CommitLockRelease } from './commit-lock.js';
import type { TransactionMetaData } from './interfaces.js';

/** The phase of the transaction that holds the commit lock. */
export type TpcPhase = 'begun' | 'voted';

/** Options of {@link TpcState}. */
export interface TpcStateOptions {
  /** The storage's name, for error messages. */
  readonly storageName: string;
  /** The commit lock to use; default a new {@link CommitLock} named after the storage. */
  readonly lock?: CommitLock;
}

/** Tracks the committing transaction of one storage; see the module comment. */
export class TpcState {
  /** The commit lock this state takes in `begin` and gives back in `end`. */
  readonly lock: CommitLock;
  private readonly storageName: string;
  private readonly waiting = new Set<TransactionMetaData>();
  private holder: TransactionMetaData | undefined;
  private holderPhase: TpcPhase | undefined;
  private release: CommitLockRelease | undefined;

  constructor(options: TpcStateOptions) {
    this.storageName = options.storageName;
    this.lock = options.lock ?? new CommitLock({ name: options.storageName });
  }

  /** The transaction holding the commit lock, if any. */
  get current(): TransactionMetaData | undefined {
    return this.holder;
  }

  /** The phase of {@link current}, or `undefined` when nothing is committing. */
  get phase(): TpcPhase | undefined {
    return this.holderPhase;
  }

  /** True when `txn` holds the commit lock. */
  isCurrent(txn: TransactionMetaData): boolean {
    return this.holder === txn;
  }

  /**
   * Waits for the commit lock on behalf of `txn` and makes it current (phase
   * `begun`). Throws StorageTransactionError when `txn` is already current
   * or waiting; rejects with the lock's close error if the storage closes
   * while waiting.
   */
  async begin(txn: TransactionMetaData, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.holder === txn || this.waiting.has(txn)) {
      throw new StorageTransactionError(
        `tpcBegin: this transaction is already being committed in storage ${this.storageName}`,
      );
    }
    this.waiting.add(txn);
    let release: CommitLockRelease;
    try {
      release = await this.lock.acquire(options);
    } finally {
      this.waiting.delete(txn);
    }
    this.holder = txn;
    this.holderPhase = 'begun';
    this.release = release;
  }

  /** Throws StorageTransactionError naming `method` unless `txn` is current. */
  require(txn: TransactionMetaData, method: string): void {
    if (this.holder === txn) return;
    throw new StorageTransactionError(
      this.holder === undefined
        ? `${method}: no transaction is being committed in storage ${this.storageName}; call tpcBegin first`
        : `${method}: the transaction given is not the one being committed in storage ${this.storageName}`,
    );
  }

  /** Like {@link require}, and also requires phase `begun` (not yet voted). */
  requireBegun(txn: TransactionMetaData, method: string): void {
    this.require(txn, method);
    if (this.holderPhase !== 'begun') {
      throw new StorageTransactionError(
        `${method}: the transaction has already voted in storage ${this.storageName}`,
      );
    }
  }

  /** Like {@link require}, and also requires phase `voted`. */
  requireVoted(txn: TransactionMetaData, method: string): void {
    this.require(txn, method);
    if (this.holderPhase !== 'voted') {
      throw new StorageTransactionError(
        `${method}: the transaction has not voted in storage ${this.storageName}; call tpcVote first`,
      );
    }
  }

  /** Moves the current transaction to phase `voted`. */
  markVoted(txn: TransactionMetaData): void {
    this.requireBegun(txn, 'tpcVote');
    this.holderPhase = 'voted';
  }

  /** Forgets the current transaction and releases the commit lock. Does nothing when none. */
  end(): void {
    const release = this.release;
    this.holder = undefined;
    this.holderPhase = undefined;
    this.release = undefined;
    release?.();
  }
}
