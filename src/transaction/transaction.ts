/**
 * `Transaction`: one unit of work across every data manager that joins it,
 * committed atomically with the two-phase commit described in
 * `interfaces.ts`.
 *
 * @module
 */

import {
  DoomedTransaction,
  TransactionError,
  TransactionFailedError,
  TransientError,
} from '../errors.js';
import { describeDataManager } from './data-manager-description.js';
import { HookList, type HookRegistration } from './hooks.js';
import type { DataManager, MaybePromise, TransactionStatus } from './interfaces.js';
import { isRetryDataManager } from './interfaces.js';
import type { TransactionManager } from './manager.js';
import type { Savepoint } from './savepoint.js';
import { takeSavepoint, type SavepointHost } from './savepoint.js';
import { ErrorCollector, reportError } from './secondary-errors.js';
import { runSyncFirst, type Steps } from './sync-first.js';
import type { TransactionSlot } from './transaction-slot.js';

/**
 * A transaction (ZODB's `transaction.Transaction`). Get one from a manager
 * (`transaction.get()`, `tm.begin()`); never construct it yourself.
 *
 * It carries the metadata storages record (`user`, `description`,
 * `extension`), so it can be passed wherever the storage layer expects a
 * `TransactionMetaData`.
 *
 * @example
 * ```ts
 * const txn = transaction.begin();
 * txn.note('rename the catalog');
 * txn.setUser('alice');
 * root.catalog.title = 'Spring';
 * await txn.commit();
 * ```
 */
export class Transaction {
  /** Who commits it; `setUser()` stores ZODB's `"path name"` form. */
  user = '';
  /** What it does; `note()` appends to it. */
  description = '';
  /** Extended information storages record with it (plain, serializable values). */
  extension: Record<string, unknown> = {};

  #status: TransactionStatus = 'Active';
  /**
   * How far the transaction is towards its end: `aborting` while the
   * before-abort hooks run (they may still join data managers), then
   * `aborted`; or `committed`.
   */
  #completion: 'committed' | 'aborting' | 'aborted' | undefined = undefined;
  #failure: { readonly error: unknown } | undefined = undefined;
  #resources: DataManager[] = [];
  /** Made on first `setData` (most transactions never use it). */
  #data: WeakMap<object, unknown> | undefined = undefined;
  #savepoints: WeakRef<Savepoint>[] = [];
  #savepointCount = 0;
  readonly #manager: TransactionManager;
  readonly #slot: TransactionSlot;
  readonly #beforeCommit = new HookList<[]>();
  readonly #afterCommit = new HookList<[success: boolean]>();
  readonly #beforeAbort = new HookList<[]>();
  readonly #afterAbort = new HookList<[]>();
  /** Made on the first savepoint (most transactions take none). */
  #hostValue: SavepointHost | undefined = undefined;

  get #host(): SavepointHost {
    return (this.#hostValue ??= {
      transaction: this,
      invalidateAfter: (savepoint) =>
        this.#invalidateSavepoints((sp) => sp.index > savepoint.index),
      fail: (error) => this.#markFailed(error),
      unjoin: (dm) => {
        this.#resources = this.#resources.filter((resource) => resource !== dm);
      },
    });
  }

  /** @internal Transactions are made by their manager (`get()`, `begin()`). */
  constructor(manager: TransactionManager, slot: TransactionSlot) {
    this.#manager = manager;
    this.#slot = slot;
  }

  /** Where the transaction is in its life; see "Transaction states" in `interfaces.ts`. */
  get status(): TransactionStatus {
    return this.#status;
  }

  /** The manager that made this transaction. */
  get manager(): TransactionManager {
    return this.#manager;
  }

  // -------------------------------------------------------------------------
  // Metadata

  /** Appends `text`, trimmed, to the description (on a new line if it is not empty). */
  note(text: string): void {
    const trimmed = text.trim();
    this.description = this.description === '' ? trimmed : `${this.description}\n${trimmed}`;
  }

  /** Sets `user` to `"${path} ${name}"`, as ZODB stores it. */
  setUser(name: string, path = '/'): void {
    this.user = `${path} ${name}`;
  }

  /** Sets one entry of `extension`. */
  setExtendedInfo(name: string, value: unknown): void {
    this.extension[name] = value;
  }

  /** Stores `value` as this transaction's scratch data for `key` (held weakly). */
  setData(key: object, value: unknown): void {
    (this.#data ??= new WeakMap()).set(key, value);
  }

  /** The scratch data stored for `key` by {@link setData}, or `undefined`. */
  data(key: object): unknown {
    return this.#data?.get(key);
  }

  // -------------------------------------------------------------------------
  // Doom, join, savepoints

  /**
   * Dooms the transaction: it goes on working, but `commit()` will throw
   * `DoomedTransaction`; only `abort()` ends it.
   *
   * @throws TransactionError if the transaction is committing or completed.
   */
  doom(): void {
    if (this.#status === 'Doomed') return;
    if (this.#completion !== undefined) throw this.#completedError('doom');
    if (this.#status !== 'Active') {
      throw new TransactionError(`cannot doom a transaction whose status is "${this.#status}"`);
    }
    this.#status = 'Doomed';
  }

  /** Whether {@link doom} was called. */
  isDoomed(): boolean {
    return this.#status === 'Doomed';
  }

  /**
   * Adds `dm` to the transaction's resources (joining twice does nothing).
   * If savepoints were taken before, rolling one of them back aborts `dm`
   * and removes it again.
   *
   * @throws TransactionFailedError if a commit, savepoint or rollback failed.
   * @throws TransactionError if the transaction is committing or completed.
   */
  join(dm: DataManager): void {
    // The message (which asks `dm` for its sort key) is built only to throw.
    if (!this.#isOpen()) this.#assertOpen(`join ${describeDataManager(dm)}`);
    if (this.#resources.includes(dm)) return;
    this.#resources.push(dm);
    if (this.#savepoints.length === 0) return;
    for (const savepoint of this.#liveSavepoints()) savepoint.abortOnRollback(dm);
  }

  /**
   * Takes a savepoint of every joined data manager.
   *
   * @param optimistic - accept data managers without savepoint support
   *   (rolling back then throws a TypeError).
   * @throws TypeError if a joined data manager cannot take savepoints and
   *   `optimistic` is false (the transaction is then `Commit failed`).
   * @throws TransactionFailedError if a commit, savepoint or rollback failed.
   * @throws TransactionError if the transaction is committing or completed.
   */
  savepoint(optimistic = false): Savepoint {
    this.#assertOpen('take a savepoint');
    let savepoint: Savepoint;
    try {
      savepoint = takeSavepoint(this.#host, ++this.#savepointCount, this.#resources, optimistic);
    } catch (error) {
      this.#markFailed(error);
      throw error;
    }
    this.#savepoints = this.#savepoints.filter((ref) => ref.deref() !== undefined);
    this.#savepoints.push(new WeakRef(savepoint));
    return savepoint;
  }

  /**
   * Whether `error` is worth retrying in a new transaction: a
   * `TransientError` (conflicts), or an error some joined
   * `RetryDataManager` says to retry. Ask before aborting: aborting lets the
   * data managers go.
   */
  isRetryableError(error: unknown): boolean {
    if (error instanceof TransientError) return true;
    return this.#resources.some((dm) => isRetryDataManager(dm) && dm.shouldRetry(error));
  }

  // -------------------------------------------------------------------------
  // Hooks

  /** Registers `hook(...args)` to run when `commit()` starts (not for savepoints; discarded on abort). */
  addBeforeCommitHook<A extends unknown[]>(hook: (...args: A) => unknown, ...args: A): void {
    this.#beforeCommit.add(hook, args, () => hook(...args));
  }

  /** Registers `hook(success, ...args)` to run after the commit succeeded or failed. */
  addAfterCommitHook<A extends unknown[]>(
    hook: (success: boolean, ...args: A) => unknown,
    ...args: A
  ): void {
    this.#afterCommit.add(hook, args, (success) => hook(success, ...args));
  }

  /** Registers `hook(...args)` to run when `abort()` starts (not when a commit fails). */
  addBeforeAbortHook<A extends unknown[]>(hook: (...args: A) => unknown, ...args: A): void {
    this.#beforeAbort.add(hook, args, () => hook(...args));
  }

  /** Registers `hook(...args)` to run once `abort()` has aborted every data manager. */
  addAfterAbortHook<A extends unknown[]>(hook: (...args: A) => unknown, ...args: A): void {
    this.#afterAbort.add(hook, args, () => hook(...args));
  }

  /** The before-commit hooks, in calling order. */
  getBeforeCommitHooks(): HookRegistration[] {
    return this.#beforeCommit.registrations();
  }

  /** The after-commit hooks, in calling order. */
  getAfterCommitHooks(): HookRegistration[] {
    return this.#afterCommit.registrations();
  }

  /** The before-abort hooks, in calling order. */
  getBeforeAbortHooks(): HookRegistration[] {
    return this.#beforeAbort.registrations();
  }

  /** The after-abort hooks, in calling order. */
  getAfterAbortHooks(): HookRegistration[] {
    return this.#afterAbort.registrations();
  }

  // -------------------------------------------------------------------------
  // Commit

  /**
   * Commits the transaction with the two-phase commit described in
   * `interfaces.ts`; on success the manager moves on to a new transaction.
   * On failure the transaction is `Commit failed` and must be aborted.
   *
   * @throws DoomedTransaction if the transaction is doomed.
   * @throws TransactionFailedError if an earlier commit, savepoint or rollback failed.
   * @throws TransactionError if it is already committing, or completed.
   * @throws whatever a hook, synchronizer or data manager threw (the commit failed).
   */
  commit(): Promise<void> {
    try {
      return Promise.resolve(runSyncFirst(this.#commitSteps()));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  *#commitSteps(): Steps<void> {
    if (this.#completion !== undefined) throw this.#completedError('commit');
    if (this.#status === 'Doomed') {
      throw new DoomedTransaction('cannot commit a doomed transaction; abort it instead');
    }
    this.#invalidateAllSavepoints();
    this.#assertNotFailed('commit');
    if (this.#status === 'Committing') {
      throw new TransactionError('cannot commit: the transaction is already committing');
    }
    try {
      if (!this.#beforeCommit.isEmpty) yield* this.#beforeCommit.call([], true);
      const errors = this.#slot.synchronizers.notify('beforeCompletion', this);
      if (errors.length > 0) {
        const failures = new ErrorCollector();
        failures.addAll('a synchronizer failed in beforeCompletion', errors);
        failures.throwFirst();
      }
    } catch (error) {
      return yield* this.#failCommit(error, this.#resources, new Set());
    }
    this.#status = 'Committing';
    yield* this.#twoPhaseCommit();
    yield* this.#completeCommit();
  }

  *#twoPhaseCommit(): Steps<void> {
    let sorted: readonly DataManager[] = this.#resources;
    const voted = new Set<DataManager>();
    try {
      sorted = sortedBySortKey(this.#resources);
      for (const dm of sorted) yield dm.tpcBegin(this);
      for (const dm of sorted) yield dm.commit(this);
      for (const dm of sorted) {
        yield dm.tpcVote(this);
        voted.add(dm);
      }
    } catch (error) {
      return yield* this.#failCommit(error, sorted, voted);
    }
    try {
      for (const dm of sorted) yield dm.tpcFinish(this);
    } catch (error) {
      reportError(
        'CRITICAL: a data manager failed in tpcFinish, the second phase of the two-phase ' +
          'commit; the resources may be in an inconsistent state',
        error,
      );
      return yield* this.#failCommit(error, sorted, voted);
    }
  }

  *#completeCommit(): Steps<void> {
    this.#status = 'Committed';
    this.#completion = 'committed';
    const failures = new ErrorCollector();
    failures.addAll(
      'a synchronizer failed in afterCompletion after a commit',
      this.#slot.synchronizers.notify('afterCompletion', this),
    );
    if (!this.#afterCommit.isEmpty) {
      yield* this.#callAfterHooks(this.#afterCommit, [true], 'after-commit', failures);
    }
    this.#free();
    failures.report();
  }

  /** Cleans up after `error` stopped the commit, then throws `error`. */
  *#failCommit(
    error: unknown,
    resources: readonly DataManager[],
    voted: ReadonlySet<DataManager>,
  ): Steps<never> {
    this.#markFailed(error);
    const failures = new ErrorCollector();
    for (const dm of resources) {
      if (voted.has(dm)) continue;
      yield* failures.guard(`abort() failed on ${describeDataManager(dm)}`, () => dm.abort(this));
    }
    for (const dm of resources) {
      const what = `tpcAbort() failed on ${describeDataManager(dm)}`;
      yield* failures.guard(what, () => dm.tpcAbort(this));
    }
    failures.addAll(
      'a synchronizer failed in afterCompletion after a failed commit',
      this.#slot.synchronizers.notify('afterCompletion', this),
    );
    yield* this.#callAfterHooks(this.#afterCommit, [false], 'after-commit', failures);
    failures.reportAndAttachTo(error);
    throw error;
  }

  // -------------------------------------------------------------------------
  // Abort

  /**
   * Aborts the transaction: before-abort hooks, synchronizers'
   * `beforeCompletion`, `abort(txn)` on every data manager, after-abort
   * hooks, then the manager lets it go and synchronizers get
   * `afterCompletion`. Every part that is synchronous runs before this method
   * returns; the promise waits for data managers and hooks that return
   * promises. Aborting a completed transaction does nothing.
   *
   * Every data manager is aborted even if one fails; the first error of a
   * data manager, synchronizer or after-abort hook is re-thrown at the end
   * (the others are attached to it; before-abort hook errors are only
   * reported, as in ZODB).
   *
   * @throws TransactionError if the transaction is committing.
   */
  abort(): Promise<void> {
    try {
      return Promise.resolve(this.abortSyncFirst());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * {@link abort}, but returning synchronously (or throwing) when nothing
   * was asynchronous; for the manager's `begin()`.
   *
   * @internal
   */
  abortSyncFirst(): MaybePromise<void> {
    return runSyncFirst(this.#abortSteps());
  }

  *#abortSteps(): Steps<void> {
    if (this.#completion !== undefined) return;
    if (this.#status === 'Committing') {
      throw new TransactionError('cannot abort a transaction while it is committing');
    }
    this.#completion = 'aborting';
    const failures = new ErrorCollector();
    try {
      const hookErrors = yield* this.#beforeAbort.call([], false);
      for (const error of hookErrors) reportError('a before-abort hook failed', error);
      this.#completion = 'aborted';
      this.#invalidateSavepoints(() => true);
      failures.addAll(
        'a synchronizer failed in beforeCompletion during abort',
        this.#slot.synchronizers.notify('beforeCompletion', this),
      );
      for (const dm of [...this.#resources]) {
        yield* failures.guard(`abort() failed on ${describeDataManager(dm)}`, () => dm.abort(this));
      }
      yield* this.#callAfterHooks(this.#afterAbort, [], 'after-abort', failures);
      this.#slot.release(this);
      failures.addAll(
        'a synchronizer failed in afterCompletion during abort',
        this.#slot.synchronizers.notify('afterCompletion', this),
      );
    } finally {
      this.#free();
    }
    failures.throwFirst();
  }

  // -------------------------------------------------------------------------
  // Internals

  /** Runs after-commit or after-abort hooks, then aborts every resource again (as ZODB does). */
  *#callAfterHooks<P extends unknown[]>(
    hooks: HookList<P>,
    prefix: P,
    kind: string,
    failures: ErrorCollector,
  ): Steps<void> {
    if (hooks.isEmpty) return;
    failures.addAll(`an ${kind} hook failed`, yield* hooks.call(prefix, false));
    for (const dm of [...this.#resources]) {
      const what = `abort() after the ${kind} hooks failed on ${describeDataManager(dm)}`;
      yield* failures.guard(what, () => dm.abort(this));
    }
  }

  #markFailed(error: unknown): void {
    this.#status = 'Commit failed';
    this.#failure = { error };
  }

  #assertNotFailed(action: string): void {
    const failure = this.#failure;
    if (this.#status !== 'Commit failed' || failure === undefined) return;
    throw new TransactionFailedError(
      `cannot ${action}: an earlier commit, savepoint or rollback of this transaction failed ` +
        `(${describeError(failure.error)}); abort the transaction before using it again`,
      { cause: failure.error },
    );
  }

  #completedError(action: string): TransactionError {
    const state = this.#completion === 'aborting' ? 'is being aborted' : `was ${this.#completion}`;
    return new TransactionError(
      `cannot ${action}: the transaction ${state}; use the manager's current transaction`,
    );
  }

  /** Checks that data managers may join and savepoints may be taken. */
  #assertOpen(action: string): void {
    const beforeAbortHooksRunning = this.#completion === 'aborting';
    if (this.#completion !== undefined && !beforeAbortHooksRunning) {
      throw this.#completedError(action);
    }
    this.#assertNotFailed(action);
    if (this.#status !== 'Active' && this.#status !== 'Doomed') {
      throw new TransactionError(`cannot ${action}: the transaction is "${this.#status}"`);
    }
  }

  *#liveSavepoints(): Generator<Savepoint> {
    for (const ref of this.#savepoints) {
      const savepoint = ref.deref();
      if (savepoint !== undefined) yield savepoint;
    }
  }

  /** Whether data managers may join and savepoints may be taken (see {@link #assertOpen}). */
  #isOpen(): boolean {
    return (
      (this.#completion === undefined || this.#completion === 'aborting') &&
      (this.#status === 'Active' || this.#status === 'Doomed')
    );
  }

  #invalidateAllSavepoints(): void {
    if (this.#savepoints.length > 0) this.#invalidateSavepoints(() => true);
  }

  #invalidateSavepoints(which: (savepoint: Savepoint) => boolean): void {
    const kept: WeakRef<Savepoint>[] = [];
    for (const ref of this.#savepoints) {
      const savepoint = ref.deref();
      if (savepoint === undefined) continue;
      if (which(savepoint)) savepoint.invalidate();
      else kept.push(ref);
    }
    this.#savepoints = kept;
  }

  /** Lets go of everything once the transaction completed. */
  #free(): void {
    this.#slot.release(this);
    this.#resources = [];
    this.#data = undefined;
    this.#invalidateAllSavepoints();
    this.#beforeCommit.clear();
    this.#afterCommit.clear();
    this.#beforeAbort.clear();
    this.#afterAbort.clear();
  }
}

/** `resources` in ascending sort-key order (stable; see "The sort-key rule" in `interfaces.ts`). */
function sortedBySortKey(resources: readonly DataManager[]): readonly DataManager[] {
  if (resources.length === 1) {
    sortKeyOf(resources[0]!);
    return resources;
  }
  const keyed = resources.map((dm) => ({ dm, key: sortKeyOf(dm) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((entry) => entry.dm);
}

/** `dm.sortKey()`; a TypeError unless it is a string. */
function sortKeyOf(dm: DataManager): string {
  const key: unknown = dm.sortKey();
  if (typeof key !== 'string') {
    throw new TypeError(
      `sortKey() of ${describeDataManager(dm)} returned ${typeof key}; it must return a string`,
    );
  }
  return key;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
