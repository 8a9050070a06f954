/**
 * The contracts of the transaction machinery: what a data manager (a
 * database connection, or any other resource) must implement to take part in
 * a transaction, what a synchronizer is told, and the states a transaction
 * goes through. Names follow ZODB's `transaction.interfaces`.
 *
 * ## Transaction states
 *
 * | status          | meaning                                                        |
 * | --------------- | -------------------------------------------------------------- |
 * | `Active`        | the initial state: resources may join, savepoints may be taken |
 * | `Doomed`        | like `Active`, but `commit()` throws `DoomedTransaction`       |
 * | `Committing`    | `commit()` is running the two-phase commit                     |
 * | `Committed`     | the commit succeeded                                           |
 * | `Commit failed` | a commit, a savepoint or a rollback failed                     |
 *
 * Legal transitions:
 * - Active -> Doomed: `doom()`.
 * - Active -> Committing: `commit()`, once the before-commit hooks and the
 *   synchronizers' `beforeCompletion` have run.
 * - Committing -> Committed: every resource finished.
 * - Active | Doomed | Committing -> Commit failed: an error in a before-commit
 *   hook, in `beforeCompletion`, in any two-phase-commit call, or while a
 *   savepoint was taken or rolled back. A failed transaction refuses
 *   `commit()`, `join()` and `savepoint()` with `TransactionFailedError`
 *   until it is aborted.
 * - any state but Committing -> completed: `abort()` (the status stays as it
 *   was, as in ZODB), and Committed is completed too. A completed transaction
 *   is no longer its manager's current one; the manager's next `get()` or
 *   `begin()` makes a new one.
 *
 * ## The two-phase commit, in order
 *
 * `Transaction.commit()` does, for the transaction `txn`:
 * 1. invalidate every savepoint of the transaction;
 * 2. call the before-commit hooks in registration order (a hook may add
 *    hooks, which run in the same pass, and may join data managers);
 * 3. call every synchronizer's `beforeCompletion(txn)`;
 * 4. status `Committing`; sort the joined data managers by {@link
 *    DataManager.sortKey} (see "The sort-key rule");
 * 5. phase one: `tpcBegin(txn)` on each, then `commit(txn)` on each, then
 *    `tpcVote(txn)` on each. After a data manager's vote resolves it promises
 *    that its `tpcFinish` will succeed;
 * 6. phase two: `tpcFinish(txn)` on each;
 * 7. status `Committed`; synchronizers' `afterCompletion(txn)`; after-commit
 *    hooks with `success = true`; the manager lets the transaction go.
 *
 * Every call is awaited before the next one starts. If any step from 2 to 6
 * throws, the commit fails: status `Commit failed`; `abort(txn)` on every
 * data manager that has not voted; `tpcAbort(txn)` on every data manager
 * (including those whose `tpcBegin` was never called: `tpcAbort` must accept
 * that); synchronizers' `afterCompletion(txn)`; after-commit hooks with
 * `success = false`; then the original error is re-thrown. Errors thrown by
 * this cleanup never replace the original error: they are logged and
 * attached to it (see `cleanupErrorsOf`). An error in phase two means the
 * resources may disagree (some finished, some not): it is logged as critical
 * before the cleanup.
 *
 * ## The sort-key rule
 *
 * Data managers are committed in ascending order of `sortKey()`, compared as
 * strings by UTF-16 code units (JavaScript's `<`); data managers with equal
 * keys keep the order in which they joined. A sort key names the resource,
 * not the data manager object (for a database connection, its storage's
 * name or path), so every process that commits to the same set of resources
 * takes their locks in the same global order, and two transactions never
 * wait on each other in a cycle. Distinct resources must return distinct
 * keys.
 *
 * @module
 */

import type { Transaction } from './transaction.js';
import type { TransactionManager } from './manager.js';

/** A value, or a promise of it: data managers and hooks may be synchronous or asynchronous. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * A resource that takes part in transactions (ZODB's `IDataManager`): a
 * database connection, or anything else that must commit or roll back
 * atomically with the database (a file, a mail queue, another database).
 *
 * A data manager joins a transaction with `txn.join(dm)` the first time it
 * has work in that transaction. The transaction then calls it as described in
 * the module documentation. Each method receives the transaction so one data
 * manager can tell transactions apart. Methods may return a promise; the
 * transaction awaits it before calling anything else.
 */
export interface DataManager {
  /** The manager of the transactions this data manager joins (optional). */
  readonly transactionManager?: TransactionManager;
  /**
   * Discards the work done in `txn`. Called by `txn.abort()`; during a failed
   * commit, on data managers that had not voted yet; when a savepoint taken
   * before this data manager joined is rolled back; and once more after the
   * after-commit or after-abort hooks have run (if there were any), so a hook
   * cannot leave changes behind. Must be idempotent.
   */
  abort(txn: Transaction): MaybePromise<void>;
  /** Starts the two-phase commit of `txn` (may wait for a commit lock). */
  tpcBegin(txn: Transaction): MaybePromise<void>;
  /** Sends the changes made in `txn` to the resource (not yet durable or visible). */
  commit(txn: Transaction): MaybePromise<void>;
  /**
   * Ends phase one: throws if `txn` cannot commit (a conflict, a full disk).
   * Once it resolves, `tpcFinish` must succeed.
   */
  tpcVote(txn: Transaction): MaybePromise<void>;
  /** Makes the changes of `txn` durable and visible. Must not fail after a successful vote. */
  tpcFinish(txn: Transaction): MaybePromise<void>;
  /**
   * Abandons the commit of `txn` and releases whatever `tpcBegin` took. May be
   * called without a preceding `tpcBegin` (when another data manager failed
   * first) and must then do nothing harmful.
   */
  tpcAbort(txn: Transaction): MaybePromise<void>;
  /** A string giving a global total order of data managers (deadlock avoidance); see "The sort-key rule". */
  sortKey(): string;
}

/** A data manager's savepoint (ZODB's `IDataManagerSavepoint`). */
export interface DataManagerSavepoint {
  /** Restores the data manager's state to the moment the savepoint was taken. */
  rollback(): void;
}

/** A data manager that can take savepoints (ZODB's `ISavepointDataManager`). */
export interface SavepointDataManager extends DataManager {
  /** Records the current state of the work done in the current transaction. */
  savepoint(): DataManagerSavepoint;
}

/** A data manager that can declare some of its errors retryable (ZODB's `IRetryDataManager`). */
export interface RetryDataManager extends DataManager {
  /** Whether the transaction that failed with `error` may succeed if run again. */
  shouldRetry(error: unknown): boolean;
}

/**
 * An observer of a transaction manager's transactions (ZODB's
 * `ISynchronizer`); a database connection uses it to pick its snapshot and
 * to apply invalidations at transaction boundaries. Every method is optional.
 */
export interface Synchronizer {
  /** Called by an explicit `begin()` (not when `get()` starts a transaction implicitly), and on registration. */
  newTransaction?(txn: Transaction): void;
  /** Called when `txn` starts to commit or abort, before any data manager is called. */
  beforeCompletion?(txn: Transaction): void;
  /** Called when `txn` has committed, failed to commit, or aborted. */
  afterCompletion?(txn: Transaction): void;
}

/** The status of a transaction; see "Transaction states" in the module documentation. */
export type TransactionStatus = 'Active' | 'Committing' | 'Committed' | 'Doomed' | 'Commit failed';

/** Whether `dm` can take savepoints. */
export function isSavepointDataManager(dm: DataManager): dm is SavepointDataManager {
  return typeof (dm as Partial<SavepointDataManager>).savepoint === 'function';
}

/** Whether `dm` can declare errors retryable. */
export function isRetryDataManager(dm: DataManager): dm is RetryDataManager {
  return typeof (dm as Partial<RetryDataManager>).shouldRetry === 'function';
}
