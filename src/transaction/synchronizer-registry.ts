/**
 * The synchronizers registered with one transaction slot.
 *
 * @internal
 * @module
 */

import type { Synchronizer } from './interfaces.js';
import type { Transaction } from './transaction.js';

/** Which synchronizer method to call. */
export type SynchronizerEvent = 'newTransaction' | 'beforeCompletion' | 'afterCompletion';

const NO_ERRORS: readonly unknown[] = Object.freeze([]);

/**
 * A set of synchronizers, held strongly (unlike ZODB's weak set, so an
 * object-literal synchronizer is never collected behind its owner's back):
 * whoever registers one unregisters it when done, as a connection does when
 * it is closed.
 *
 * @internal
 */
export class SynchronizerRegistry {
  readonly #synchronizers = new Set<Synchronizer>();

  /** Adds `synchronizer` (adding it twice keeps one registration). */
  add(synchronizer: Synchronizer): void {
    this.#synchronizers.add(synchronizer);
  }

  /** Removes `synchronizer`; does nothing if it is not registered. */
  delete(synchronizer: Synchronizer): void {
    this.#synchronizers.delete(synchronizer);
  }

  /** Removes every synchronizer. */
  clear(): void {
    this.#synchronizers.clear();
  }

  /** How many synchronizers are registered. */
  get size(): number {
    return this.#synchronizers.size;
  }

  /**
   * Calls `event` on every synchronizer that has it, in registration order,
   * and returns the errors they threw (every synchronizer is called).
   */
  notify(event: SynchronizerEvent, txn: Transaction): readonly unknown[] {
    const size = this.#synchronizers.size;
    if (size === 0) return NO_ERRORS;
    if (size === 1) {
      // The common case (one connection) needs no snapshot of the set.
      const only = this.#synchronizers.values().next().value as Synchronizer;
      try {
        only[event]?.(txn);
        return NO_ERRORS;
      } catch (error) {
        return [error];
      }
    }
    let errors: unknown[] | undefined;
    for (const synchronizer of [...this.#synchronizers]) {
      try {
        synchronizer[event]?.(txn);
      } catch (error) {
        (errors ??= []).push(error);
      }
    }
    return errors ?? NO_ERRORS;
  }
}
