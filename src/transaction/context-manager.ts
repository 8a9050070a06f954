/**
 * The default transaction manager: its current transaction is per async
 * context, as ZODB's is per thread.
 *
 * Entering a context costs the whole process: on Node 20, once any
 * `AsyncLocalStorage.run()` has been called, every `await` in the process
 * becomes about 2x slower (~135 ns). So the manager never enters a context
 * by itself (not at import, not on first use): outside any context it is a
 * plain process-wide `TransactionManager`, and a context exists only where
 * the user asks for one with {@link AsyncContextTransactionManager.runInContext}.
 *
 * @module
 */

import { AsyncLocalStorage } from 'node:async_hooks';

import { TransactionManager } from './manager.js';
import { TransactionSlot } from './transaction-slot.js';

/** The state of one async context: its slot, made on first use. */
interface ContextState {
  slot: TransactionSlot | undefined;
}

/**
 * A `TransactionManager` whose current transaction (and synchronizer
 * registrations) belong to the caller's async context. Code running inside
 * `runInContext(fn)`, including everything `fn` awaits or schedules, sees
 * that context's transaction; code outside any context shares one
 * process-wide transaction. Nested `runInContext` calls start fresh
 * contexts.
 *
 * Synchronizers are registered per context (as ZODB's are per thread): a
 * synchronizer registered inside a context is told only about that
 * context's transactions, and one registered outside any context only about
 * the process-wide transactions. This is deliberate: a database connection
 * registers itself as a synchronizer and moves its snapshot forward in
 * `afterCompletion`, so telling it about another context's commit would
 * change what it sees in the middle of its own transaction. Open a
 * connection in the context that uses it. `unregisterSynch` works from any
 * context.
 *
 * @example
 * ```ts
 * import * as transaction from 'zodb/transaction';
 *
 * // Each request gets its own current transaction.
 * server.on('request', (req, res) =>
 *   transaction.manager.runInContext(async () => {
 *     await transaction.run(async () => handle(req, res));
 *   }),
 * );
 * ```
 */
export class AsyncContextTransactionManager extends TransactionManager {
  /** Made by the first `runInContext`, never before (see the module documentation). */
  #storage: AsyncLocalStorage<ContextState> | undefined;

  /**
   * Runs `fn` in a new async context with its own current transaction (none
   * at first) and its own synchronizers, and returns what `fn` returns.
   * Work `fn` starts (promises, timers, callbacks) stays in the context.
   * The context's transaction is not ended for you: commit or abort it in
   * `fn` (`run()` does).
   */
  runInContext<T>(fn: () => T): T {
    this.#storage ??= new AsyncLocalStorage<ContextState>();
    return this.#storage.run({ slot: undefined }, fn);
  }

  /** Whether the caller runs inside a context made by {@link runInContext}. */
  get inContext(): boolean {
    return this.#storage?.getStore() !== undefined;
  }

  /** @internal The caller's context slot, or the process-wide one outside any context. */
  protected override currentSlot(): TransactionSlot {
    const state = this.#storage?.getStore();
    if (state === undefined) return super.currentSlot();
    state.slot ??= new TransactionSlot();
    return state.slot;
  }
}
