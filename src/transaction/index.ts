/**
 * `zodb/transaction`: transactions, transaction managers, savepoints and the
 * data-manager contract of the two-phase commit (ZODB's `transaction`
 * package).
 *
 * The module-level functions use the default {@link manager}, whose current
 * transaction is per async context (see {@link AsyncContextTransactionManager}).
 *
 * @example
 * ```ts
 * import * as transaction from 'zodb/transaction';
 *
 * root.title = 'Home';
 * await transaction.commit();
 *
 * const result = await transaction.run(async function rename() {
 *   root.title = 'Start';
 *   return root.title;
 * });
 * ```
 *
 * @module
 */

import type { Attempt, TransactionWork } from './attempt.js';
import { AsyncContextTransactionManager } from './context-manager.js';
import type { RunOptions } from './manager.js';
import type { Savepoint } from './savepoint.js';
import type { Transaction } from './transaction.js';

export { Transaction } from './transaction.js';
export { Savepoint } from './savepoint.js';
export { TransactionManager, type RunOptions, type TransactionManagerOptions } from './manager.js';
export { AsyncContextTransactionManager } from './context-manager.js';
export { Attempt, type AttemptState, type TransactionWork } from './attempt.js';
export type { HookRegistration } from './hooks.js';
export { cleanupErrorsOf } from './secondary-errors.js';
export {
  isRetryDataManager,
  isSavepointDataManager,
  type DataManager,
  type DataManagerSavepoint,
  type MaybePromise,
  type RetryDataManager,
  type SavepointDataManager,
  type Synchronizer,
  type TransactionStatus,
} from './interfaces.js';
export {
  AlreadyInTransaction,
  DoomedTransaction,
  InvalidSavepointRollbackError,
  NoTransaction,
  TransactionError,
  TransactionFailedError,
  TransientError,
} from '../errors.js';

/** The default transaction manager: implicit, per async context. */
export const manager: AsyncContextTransactionManager = new AsyncContextTransactionManager();

/** Begins a new transaction with the default manager (see `TransactionManager.begin`). */
export function begin(): Transaction {
  return manager.begin();
}

/** The default manager's current transaction (see `TransactionManager.get`). */
export function get(): Transaction {
  return manager.get();
}

/** Commits the default manager's current transaction. */
export function commit(): Promise<void> {
  return manager.commit();
}

/** Aborts the default manager's current transaction (its synchronous part runs at once). */
export function abort(): Promise<void> {
  return manager.abort();
}

/** Dooms the default manager's current transaction. */
export function doom(): void {
  manager.doom();
}

/** Whether the default manager's current transaction is doomed. */
export function isDoomed(): boolean {
  return manager.isDoomed();
}

/** Takes a savepoint of the default manager's current transaction. */
export function savepoint(optimistic = false): Savepoint {
  return manager.savepoint(optimistic);
}

/** Attempts at some work with the default manager (see `TransactionManager.attempts`). */
export function attempts(count = 3): AsyncIterable<Attempt> {
  return manager.attempts(count);
}

/** Runs work in a transaction of the default manager, with retries (see `TransactionManager.run`). */
export function run<T>(work: TransactionWork<T>, options?: RunOptions): Promise<T> {
  return manager.run(work, options);
}
