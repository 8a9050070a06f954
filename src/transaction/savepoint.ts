/**
 * Transaction savepoints (ZODB's `Savepoint`): a savepoint records the state
 * of every data manager joined to the transaction, and rolling it back
 * restores them all.
 *
 * Rules (as in ZODB):
 * - A savepoint asks each joined data manager for its own savepoint. A data
 *   manager without `savepoint()` makes `txn.savepoint()` throw a TypeError,
 *   unless the savepoint is optimistic: then it is taken, and only rolling
 *   it back throws the TypeError.
 * - A data manager that joins after a savepoint was taken is aborted when
 *   that savepoint is rolled back, and leaves the transaction.
 * - Rolling back a savepoint invalidates the savepoints taken after it; the
 *   same savepoint may be rolled back again. Commit and abort invalidate all
 *   savepoints. Rolling back an invalid savepoint throws
 *   `InvalidSavepointRollbackError`.
 * - An error while a savepoint is taken or rolled back puts the transaction
 *   in `Commit failed`.
 *
 * @module
 */

import { InvalidSavepointRollbackError } from '../errors.js';
import { describeDataManager } from './data-manager-description.js';
import type { DataManager, MaybePromise } from './interfaces.js';
import { isSavepointDataManager } from './interfaces.js';
import { isPromiseLike, runSyncFirst, type Steps } from './sync-first.js';
import type { Transaction } from './transaction.js';

/**
 * What a savepoint needs from its transaction.
 *
 * @internal
 */
export interface SavepointHost {
  readonly transaction: Transaction;
  /** Invalidates and forgets the savepoints taken after `savepoint`. */
  invalidateAfter(savepoint: Savepoint): void;
  /** Puts the transaction in `Commit failed` because of `error`. */
  fail(error: unknown): void;
  /** Removes `dm` from the transaction's resources. */
  unjoin(dm: DataManager): void;
}

/** Restores one data manager. */
interface RollbackTarget {
  rollback(): MaybePromise<void>;
}

/**
 * A savepoint of a whole transaction, made by `txn.savepoint()`.
 *
 * @example
 * ```ts
 * const before = transaction.savepoint();
 * try {
 *   importBatch(root);
 * } catch {
 *   before.rollback(); // the batch's changes are gone, the rest of the transaction stays
 * }
 * ```
 */
export class Savepoint {
  #host: SavepointHost | undefined;
  readonly #targets: RollbackTarget[];
  /**
   * The position of this savepoint among its transaction's savepoints.
   *
   * @internal
   */
  readonly index: number;

  /** @internal Savepoints are made by `Transaction.savepoint()`. */
  constructor(host: SavepointHost, index: number, targets: RollbackTarget[]) {
    this.#host = host;
    this.index = index;
    this.#targets = targets;
  }

  /** Whether this savepoint can still be rolled back. */
  get valid(): boolean {
    return this.#host !== undefined;
  }

  /**
   * Restores every data manager of the transaction to the state it had when
   * this savepoint was taken, aborts those that joined later, and invalidates
   * the savepoints taken after this one.
   *
   * Runs synchronously and returns nothing, unless a data manager that
   * joined later aborts asynchronously: then it returns a promise (so
   * `await savepoint.rollback()` is always correct).
   *
   * @throws InvalidSavepointRollbackError if the savepoint was invalidated.
   * @throws TypeError if a data manager without savepoint support was joined
   *   when this (optimistic) savepoint was taken.
   */
  rollback(): MaybePromise<void> {
    const host = this.#host;
    if (host === undefined) {
      throw new InvalidSavepointRollbackError(
        'cannot roll back an invalidated savepoint: an earlier savepoint was rolled back, ' +
          'or the transaction committed or aborted',
      );
    }
    host.invalidateAfter(this);
    return runSyncFirst(this.#rollbackSteps(host));
  }

  *#rollbackSteps(host: SavepointHost): Steps<void> {
    try {
      for (const target of [...this.#targets]) yield target.rollback();
    } catch (error) {
      host.fail(error);
      throw error;
    }
  }

  /** @internal Makes the savepoint unusable. */
  invalidate(): void {
    this.#host = undefined;
  }

  /** @internal Rolling back will abort `dm` (which joined after this savepoint). */
  abortOnRollback(dm: DataManager): void {
    const host = this.#host;
    if (host !== undefined) this.#targets.push(abortTarget(host, dm));
  }
}

/**
 * Takes the data managers' savepoints for a new transaction savepoint.
 *
 * @throws TypeError if a data manager cannot take savepoints and
 *   `optimistic` is false; whatever a data manager's `savepoint()` throws.
 * @internal
 */
export function takeSavepoint(
  host: SavepointHost,
  index: number,
  resources: readonly DataManager[],
  optimistic: boolean,
): Savepoint {
  const targets = resources.map((dm): RollbackTarget => {
    if (isSavepointDataManager(dm)) return dm.savepoint();
    if (!optimistic) {
      throw savepointsUnsupported(
        dm,
        'take a savepoint',
        '; pass optimistic = true to take one anyway',
      );
    }
    return {
      rollback: () => {
        throw savepointsUnsupported(dm, 'roll back this optimistic savepoint', '');
      },
    };
  });
  return new Savepoint(host, index, targets);
}

function abortTarget(host: SavepointHost, dm: DataManager): RollbackTarget {
  return {
    rollback: () => {
      const aborted = dm.abort(host.transaction);
      if (!isPromiseLike(aborted)) return host.unjoin(dm);
      return Promise.resolve(aborted).then(() => host.unjoin(dm));
    },
  };
}

function savepointsUnsupported(dm: DataManager, action: string, hint: string): TypeError {
  return new TypeError(
    `cannot ${action}: data manager ${describeDataManager(dm)} does not support savepoints ` +
      `(it has no savepoint() method)${hint}`,
  );
}
