/**
 * Retrying work on transient errors (ZODB's `attempts()` and `run()`).
 *
 * One try: begin a transaction, run the work, commit. If anything throws,
 * ask the transaction whether the error is retryable (before aborting it,
 * while the data managers are still joined), then abort it. A retryable
 * error that is not on the last try is swallowed and the work runs again in
 * a new transaction; any other error is re-thrown.
 *
 * @module
 */

import { TransactionError } from '../errors.js';
import type { MaybePromise } from './interfaces.js';
import { attachCleanupErrors } from './secondary-errors.js';
import type { Transaction } from './transaction.js';

/** Work to run in a transaction; it receives the transaction it runs in. */
export type TransactionWork<T> = (txn: Transaction) => MaybePromise<T>;

/**
 * Begins a new transaction for one try (aborting an implicit current one).
 *
 * @internal
 */
export type BeginFresh = () => Promise<Transaction>;

type TryOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown; readonly retryable: boolean };

/**
 * Runs `work` once in a new transaction and commits it.
 *
 * @internal
 */
export async function tryOnce<T>(
  beginFresh: BeginFresh,
  work: TransactionWork<T>,
  note: string | undefined,
): Promise<TryOutcome<T>> {
  const txn = await beginFresh();
  if (note !== undefined && note !== '') txn.note(note);
  try {
    const value = await work(txn);
    await txn.commit();
    return { ok: true, value };
  } catch (error) {
    let retryable = txn.isRetryableError(error);
    try {
      await txn.abort();
    } catch (abortError) {
      attachCleanupErrors(error, [abortError]);
      retryable = false;
    }
    return { ok: false, error, retryable };
  }
}

/**
 * Checks a number of tries given by the caller.
 *
 * @throws RangeError unless `count` is a positive integer.
 * @internal
 */
export function assertTries(count: number, what: string): void {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`${what} must be a positive integer, got ${count}`);
  }
}

/** Where an {@link Attempt} is: not run yet, running, or how it ended. */
export type AttemptState = 'pending' | 'running' | 'committed' | 'retrying' | 'failed';

/**
 * One try of `manager.attempts()`. Call {@link run} exactly once per
 * attempt, and await it.
 */
export class Attempt {
  /** 1 for the first try. */
  readonly number: number;
  /** Whether this is the last try (its errors are always re-thrown). */
  readonly isLast: boolean;
  readonly #beginFresh: BeginFresh;
  #state: AttemptState = 'pending';

  /** @internal Attempts are made by `manager.attempts()`. */
  constructor(beginFresh: BeginFresh, number: number, isLast: boolean) {
    this.#beginFresh = beginFresh;
    this.number = number;
    this.isLast = isLast;
  }

  /** `committed` ends the loop, `retrying` lets it go on. */
  get state(): AttemptState {
    return this.#state;
  }

  /**
   * Begins a transaction, runs `work` in it and commits it. Resolves with
   * the work's result once committed; resolves with `undefined` after
   * aborting when the work or the commit failed with a retryable error and
   * this is not the last attempt (the loop then goes on); otherwise aborts
   * and re-throws.
   *
   * @throws TransactionError if this attempt was already run.
   */
  async run<T>(work: TransactionWork<T>): Promise<T | undefined> {
    if (this.#state !== 'pending') {
      throw new TransactionError(`attempt ${this.number} was already run; run each attempt once`);
    }
    this.#state = 'running';
    let outcome: TryOutcome<T> | undefined;
    try {
      outcome = await tryOnce(this.#beginFresh, work, undefined);
    } finally {
      this.#state = outcome === undefined ? 'failed' : this.#stateAfter(outcome);
    }
    if (outcome.ok) return outcome.value;
    if (this.#state === 'retrying') return undefined;
    throw outcome.error;
  }

  #stateAfter(outcome: TryOutcome<unknown>): AttemptState {
    if (outcome.ok) return 'committed';
    return outcome.retryable && !this.isLast ? 'retrying' : 'failed';
  }
}

/**
 * The attempts of `manager.attempts(count)`: yields attempt after attempt
 * until one commits, one fails for good, or `count` were made.
 *
 * @throws TransactionError if the loop body did not run (and await) the attempt.
 * @internal
 */
export async function* attemptsOf(
  beginFresh: BeginFresh,
  count: number,
): AsyncGenerator<Attempt, void, undefined> {
  for (let number = 1; number <= count; number++) {
    const attempt = new Attempt(beginFresh, number, number === count);
    yield attempt;
    switch (attempt.state) {
      case 'retrying':
        continue;
      case 'committed':
      case 'failed':
        return;
      case 'pending':
        throw new TransactionError(
          `attempt ${number} was not run: call \`await attempt.run(work)\` in the loop body`,
        );
      case 'running':
        throw new TransactionError(
          `attempt ${number} is still running: await \`attempt.run(work)\` in the loop body`,
        );
    }
  }
}

/**
 * ZODB's `run()`: runs `work` in a new transaction and commits, retrying on
 * retryable errors up to `tries` times in all.
 *
 * @internal
 */
export async function runWithRetries<T>(
  beginFresh: BeginFresh,
  work: TransactionWork<T>,
  tries: number,
  note: string | undefined,
): Promise<T> {
  for (let number = 1; ; number++) {
    const outcome = await tryOnce(beginFresh, work, note);
    if (outcome.ok) return outcome.value;
    if (!outcome.retryable || number >= tries) throw outcome.error;
  }
}
