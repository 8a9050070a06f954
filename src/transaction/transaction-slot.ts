/**
 * The state a transaction manager keeps for one line of work: its current
 * transaction and its synchronizers. A `TransactionManager` has one slot; the
 * per-async-context manager has one per async context.
 *
 * @internal
 * @module
 */

import { SynchronizerRegistry } from './synchronizer-registry.js';
import type { Transaction } from './transaction.js';

/**
 * Where a manager keeps its current transaction. A transaction remembers its
 * slot, so it releases the right one when it completes even if that happens
 * from another async context.
 *
 * @internal
 */
export class TransactionSlot {
  /** The current transaction, if one was begun or implicitly made and has not completed. */
  current: Transaction | undefined = undefined;
  /** The synchronizers told about this slot's transactions. */
  readonly synchronizers = new SynchronizerRegistry();

  /** Forgets `txn` if it is still the current transaction. */
  release(txn: Transaction): void {
    if (this.current === txn) this.current = undefined;
  }
}
