/**
 * Errors that must not replace the error being thrown: a `tpcAbort` that
 * fails while a failed commit is cleaned up, a second data manager that fails
 * to abort, an after-commit hook that throws after the data is committed.
 * They are written to `console.error` (as ZODB logs them) and, when they
 * happen while another error is on its way to the caller, attached to that
 * error where {@link cleanupErrorsOf} finds them.
 *
 * @module
 */

import type { Steps } from './sync-first.js';

const attached = new WeakMap<object, unknown[]>();

/**
 * The errors that were thrown while the transaction machinery cleaned up
 * after `error` (aborting data managers, `tpcAbort`, after-commit hooks);
 * empty when there were none.
 *
 * @example
 * ```ts
 * try {
 *   await txn.commit();
 * } catch (error) {
 *   for (const other of cleanupErrorsOf(error)) console.warn('cleanup failed too', other);
 *   throw error;
 * }
 * ```
 */
export function cleanupErrorsOf(error: unknown): readonly unknown[] {
  if (!isObject(error)) return [];
  return attached.get(error) ?? [];
}

/**
 * Attaches `secondary` errors to `primary` (when it is an object) for
 * {@link cleanupErrorsOf}.
 *
 * @internal
 */
export function attachCleanupErrors(primary: unknown, secondary: readonly unknown[]): void {
  if (secondary.length === 0 || !isObject(primary)) return;
  const list = attached.get(primary);
  if (list === undefined) attached.set(primary, [...secondary]);
  else list.push(...secondary);
}

/**
 * Writes an error that is not thrown to `console.error`, prefixed so its
 * origin is clear.
 *
 * @internal
 */
export function reportError(what: string, error: unknown): void {
  console.error(`[zodb/transaction] ${what}:`, error);
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/**
 * Collects the errors of a procedure that must go on when a step fails
 * (aborting every data manager, cleaning up after a failed commit).
 *
 * @internal
 */
export class ErrorCollector {
  readonly #failures: { what: string; error: unknown }[] = [];

  /** Records that `what` failed with `error`. */
  add(what: string, error: unknown): void {
    this.#failures.push({ what, error });
  }

  /** Records each of `errors` as a failure of `what`. */
  addAll(what: string, errors: readonly unknown[]): void {
    for (const error of errors) this.add(what, error);
  }

  /** Calls `call` (awaiting its promise) and records its error as a failure of `what`. */
  *guard(what: string, call: () => unknown): Steps<void> {
    try {
      yield call();
    } catch (error) {
      this.add(what, error);
    }
  }

  /** Reports every failure; for failures that happen after the outcome is decided. */
  report(): void {
    for (const { what, error } of this.#failures) reportError(what, error);
  }

  /** Reports every failure and attaches them all to `primary`, the error being thrown. */
  reportAndAttachTo(primary: unknown): void {
    this.report();
    attachCleanupErrors(
      primary,
      this.#failures.map((failure) => failure.error),
    );
  }

  /** Throws the first failure (if any), with the others reported and attached to it. */
  throwFirst(): void {
    const [first, ...others] = this.#failures;
    if (first === undefined) return;
    for (const { what, error } of others) reportError(what, error);
    attachCleanupErrors(
      first.error,
      others.map((failure) => failure.error),
    );
    throw first.error;
  }
}
