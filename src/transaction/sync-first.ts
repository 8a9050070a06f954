/**
 * Runs a procedure written as a generator that yields wherever an `async`
 * function would `await`, staying synchronous for as long as every yielded
 * value is a plain value, and becoming asynchronous only at the first
 * promise. Aborting a transaction is written this way, so code that calls
 * `transaction.abort()` without awaiting it still sees every synchronous data
 * manager aborted when the call returns.
 *
 * Inside the generator, `const x = yield value` gives `value` back when it is
 * not a promise, and the resolved value when it is; a rejected promise is
 * thrown at the `yield`, so `try`/`catch`/`finally` work as with `await`.
 *
 * @internal
 * @module
 */

import type { MaybePromise } from './interfaces.js';

/** A procedure for {@link runSyncFirst}: yields values to await, returns `T`. */
export type Steps<T> = Generator<unknown, T, unknown>;

/** Whether `value` is a promise or another thenable. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Drives `steps` to its end. Returns its result directly (or throws its
 * error) if nothing it yielded was a promise; otherwise returns a promise of
 * the result from the first yielded promise on.
 */
export function runSyncFirst<T>(steps: Steps<T>): MaybePromise<T> {
  const reached = advance(steps, steps.next());
  return reached.done ? reached.value : continueAsync(steps, reached.pending);
}

type Reached<T> = { done: true; value: T } | { done: false; pending: PromiseLike<unknown> };

/** Feeds plain values back into `steps` until it ends or yields a promise. */
function advance<T>(steps: Steps<T>, first: IteratorResult<unknown, T>): Reached<T> {
  let next = first;
  for (;;) {
    if (next.done) return { done: true, value: next.value };
    const value = next.value;
    if (isPromiseLike(value)) return { done: false, pending: value };
    next = steps.next(value);
  }
}

async function continueAsync<T>(steps: Steps<T>, first: PromiseLike<unknown>): Promise<T> {
  let pending = first;
  for (;;) {
    let settled: { ok: true; value: unknown } | { ok: false; error: unknown };
    try {
      settled = { ok: true, value: await pending };
    } catch (error) {
      settled = { ok: false, error };
    }
    const reached = advance(
      steps,
      settled.ok ? steps.next(settled.value) : steps.throw(settled.error),
    );
    if (reached.done) return reached.value;
    pending = reached.pending;
  }
}
