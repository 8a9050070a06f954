/**
 * Lists of transaction hooks (before/after commit, before/after abort).
 * A list is consumed when it is called: hooks belong to one transaction.
 *
 * @internal
 * @module
 */

import { isPromiseLike, type Steps } from './sync-first.js';

/** One registered hook, as `getBeforeCommitHooks()` and friends report it. */
export interface HookRegistration {
  /** The function that will be called. */
  readonly hook: (...args: never[]) => unknown;
  /** The arguments it will receive (after `success` for after-commit hooks). */
  readonly args: readonly unknown[];
}

interface Entry<Prefix extends unknown[]> {
  readonly registration: HookRegistration;
  readonly invoke: (...prefix: Prefix) => unknown;
}

/**
 * Registered hooks of one kind. `Prefix` is what the transaction passes
 * before the registered arguments (`[success]` for after-commit hooks).
 *
 * @internal
 */
export class HookList<Prefix extends unknown[]> {
  #entries: Entry<Prefix>[] = [];

  /** Registers `hook`; `invoke` calls it with the prefix and its arguments. */
  add(hook: HookRegistration['hook'], args: readonly unknown[], invoke: Entry<Prefix>['invoke']) {
    this.#entries.push({ registration: { hook, args: [...args] }, invoke });
  }

  /** The registrations, in calling order. */
  registrations(): HookRegistration[] {
    return this.#entries.map((entry) => entry.registration);
  }

  /** Whether no hook is registered. */
  get isEmpty(): boolean {
    return this.#entries.length === 0;
  }

  /** Forgets every hook. */
  clear(): void {
    this.#entries = [];
  }

  /**
   * Calls every hook in order, awaiting those that return promises,
   * including hooks registered by hooks during the pass; then forgets them
   * all. With `stopOnError`, the first error is thrown at once; otherwise
   * every hook is called and the errors are returned.
   */
  *call(prefix: Prefix, stopOnError: boolean): Steps<unknown[]> {
    const errors: unknown[] = [];
    try {
      for (let index = 0; index < this.#entries.length; index++) {
        const entry = this.#entries[index]!;
        try {
          const result = entry.invoke(...prefix);
          if (isPromiseLike(result)) yield result;
        } catch (error) {
          if (stopOnError) throw error;
          errors.push(error);
        }
      }
    } finally {
      this.clear();
    }
    return errors;
  }
}
