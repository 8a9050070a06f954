/**
 * `TransactionManager` (ZODB's `transaction.TransactionManager`): keeps the
 * current transaction of one line of work and the synchronizers that watch
 * it, and retries work on transient errors.
 *
 * @module
 */

import { AlreadyInTransaction, NoTransaction } from '../errors.js';
import {
  assertTries,
  attemptsOf,
  runWithRetries,
  type Attempt,
  type TransactionWork,
} from './attempt.js';
import type { Synchronizer } from './interfaces.js';
import type { Savepoint } from './savepoint.js';
import { ErrorCollector, reportError } from './secondary-errors.js';
import { isPromiseLike } from './sync-first.js';
import { Transaction } from './transaction.js';
import { TransactionSlot } from './transaction-slot.js';

/** Options of {@link TransactionManager}. */
export interface TransactionManagerOptions {
  /**
   * Explicit mode: transactions must be begun with `begin()`; `get()`,
   * `commit()`, `abort()`, `doom()`, `isDoomed()` and `savepoint()` throw
   * `NoTransaction` outside one, and `begin()` inside one throws
   * `AlreadyInTransaction`. Default `false`: `get()` starts a transaction
   * when there is none, and `begin()` aborts the current one.
   */
  explicit?: boolean;
}

/** Options of {@link TransactionManager.run}. */
export interface RunOptions {
  /** How many times to try in all (default 3). */
  attempts?: number;
  /** The transaction note (default: the function's name, if it has one). */
  note?: string;
}

/**
 * Manages a sequence of transactions. Database connections opened with a
 * manager join its current transaction; `commit()` and `abort()` end it.
 *
 * Synchronizers are told about transactions as in ZODB: `newTransaction`
 * on an explicit `begin()` (not when `get()` makes one implicitly: the
 * manager cannot know when such a transaction really began) and on
 * registration if a transaction is current; `beforeCompletion` and
 * `afterCompletion` around every commit and abort.
 *
 * @example
 * ```ts
 * const tm = new TransactionManager({ explicit: true });
 * const txn = tm.begin();
 * txn.join(fileWriter); // any DataManager; a connection joins by itself
 * await tm.commit();
 * ```
 */
export class TransactionManager {
  readonly #explicit: boolean;
  readonly #slot = new TransactionSlot();
  /** Where each synchronizer was registered, so it can be unregistered from anywhere. */
  readonly #registrations = new WeakMap<Synchronizer, Set<TransactionSlot>>();

  constructor(options: TransactionManagerOptions = {}) {
    this.#explicit = options.explicit ?? false;
  }

  /** Whether the manager is in explicit mode (see {@link TransactionManagerOptions.explicit}). */
  get explicit(): boolean {
    return this.#explicit;
  }

  /**
   * The slot that holds the current transaction for the caller.
   *
   * @internal Overridden by the per-async-context manager.
   */
  protected currentSlot(): TransactionSlot {
    return this.#slot;
  }

  /**
   * Begins a new transaction, makes it current and tells the synchronizers
   * (`newTransaction`). In implicit mode a current transaction is aborted
   * first: its synchronous part runs now (and its errors are thrown from
   * here); if a data manager aborts asynchronously, `begin()` does not wait
   * and a failure is reported on `console.error` (await `abort()` first
   * when that matters).
   *
   * @throws AlreadyInTransaction in explicit mode inside a transaction.
   */
  begin(): Transaction {
    const slot = this.currentSlot();
    const previous = slot.current;
    if (previous !== undefined) {
      if (this.#explicit) {
        throw new AlreadyInTransaction(
          'begin() was called inside a transaction of an explicit transaction manager; ' +
            'commit or abort the current transaction first',
        );
      }
      const pending = previous.abortSyncFirst();
      if (isPromiseLike(pending)) {
        pending.then(undefined, (error: unknown) =>
          reportError('aborting the previous transaction in begin() failed', error),
        );
      }
    }
    const txn = new Transaction(this, slot);
    slot.current = txn;
    const failures = new ErrorCollector();
    failures.addAll(
      'a synchronizer failed in newTransaction',
      slot.synchronizers.notify('newTransaction', txn),
    );
    failures.throwFirst();
    return txn;
  }

  /**
   * The current transaction; in implicit mode one is made if there is none
   * (without calling `newTransaction`).
   *
   * @throws NoTransaction in explicit mode outside a transaction.
   */
  get(): Transaction {
    const slot = this.currentSlot();
    if (slot.current !== undefined) return slot.current;
    if (this.#explicit) {
      throw new NoTransaction(
        'there is no current transaction: call begin() first (the manager is explicit)',
      );
    }
    slot.current = new Transaction(this, slot);
    return slot.current;
  }

  /** Commits the current transaction (see `Transaction.commit`). */
  async commit(): Promise<void> {
    await this.get().commit();
  }

  /**
   * Aborts the current transaction (see `Transaction.abort`); its
   * synchronous part runs before this method returns.
   */
  abort(): Promise<void> {
    try {
      return this.get().abort();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Dooms the current transaction (see `Transaction.doom`). */
  doom(): void {
    this.get().doom();
  }

  /** Whether the current transaction is doomed. */
  isDoomed(): boolean {
    return this.get().isDoomed();
  }

  /** Takes a savepoint of the current transaction (see `Transaction.savepoint`). */
  savepoint(optimistic = false): Savepoint {
    return this.get().savepoint(optimistic);
  }

  // -------------------------------------------------------------------------
  // Synchronizers

  /**
   * Registers `synchronizer` for the caller's transactions; if a transaction
   * is current, calls its `newTransaction` with it at once. Registrations
   * are held strongly: unregister when done (a connection does on close).
   */
  registerSynch(synchronizer: Synchronizer): void {
    const slot = this.currentSlot();
    slot.synchronizers.add(synchronizer);
    const slots = this.#registrations.get(synchronizer);
    if (slots === undefined) this.#registrations.set(synchronizer, new Set([slot]));
    else slots.add(slot);
    if (slot.current !== undefined) synchronizer.newTransaction?.(slot.current);
  }

  /** Unregisters `synchronizer`, wherever it was registered with this manager. */
  unregisterSynch(synchronizer: Synchronizer): void {
    for (const slot of this.#registrations.get(synchronizer) ?? []) {
      slot.synchronizers.delete(synchronizer);
    }
    this.#registrations.delete(synchronizer);
  }

  /** Unregisters every synchronizer registered for the caller's transactions. */
  clearSynchs(): void {
    this.currentSlot().synchronizers.clear();
  }

  /** Whether any synchronizer is registered for the caller's transactions (ZODB's meaning). */
  registeredSynchs(): boolean {
    return this.currentSlot().synchronizers.size > 0;
  }

  // -------------------------------------------------------------------------
  // Retries

  /**
   * Up to `count` attempts at some work, for a `for await` loop (ZODB's
   * `for attempt in tm.attempts(): with attempt: ...`). Each attempt's
   * `run(work)` begins a transaction, runs `work`, and commits. On success
   * the loop ends; on a retryable error (`txn.isRetryableError`: a
   * `TransientError` such as a conflict) the transaction is aborted and the
   * loop goes on, except on the last attempt, which re-throws; any other
   * error aborts and is re-thrown.
   *
   * @example
   * ```ts
   * for await (const attempt of transaction.attempts(5)) {
   *   await attempt.run(async (txn) => {
   *     txn.note('count a visit');
   *     root.visits += 1;
   *   });
   * }
   * ```
   * @throws RangeError unless `count` is a positive integer.
   */
  attempts(count = 3): AsyncIterable<Attempt> {
    assertTries(count, 'attempts(count)');
    return attemptsOf(() => this.#beginFresh(), count);
  }

  /**
   * ZODB's `run()`: begins a transaction, runs `work`, notes the note
   * (default: the function's name), commits, and resolves with the work's
   * result. Retries on retryable errors up to `options.attempts` tries in
   * all (default 3); aborts and re-throws any other error, and the last
   * retryable one.
   *
   * @example
   * ```ts
   * const total = await transaction.run(async function addOrder(txn) {
   *   root.orders.push(order);
   *   return root.orders.length;
   * });
   * ```
   * @throws RangeError unless `options.attempts` is a positive integer.
   */
  async run<T>(work: TransactionWork<T>, options: RunOptions = {}): Promise<T> {
    const tries = options.attempts ?? 3;
    assertTries(tries, 'run() option attempts');
    const note = options.note ?? (work.name === '_' ? undefined : work.name);
    return runWithRetries(() => this.#beginFresh(), work, tries, note);
  }

  /** Begins the transaction of one try, after awaiting the abort of an implicit current one. */
  async #beginFresh(): Promise<Transaction> {
    const current = this.currentSlot().current;
    if (current !== undefined && !this.#explicit) await current.abort();
    return this.begin();
  }
}
