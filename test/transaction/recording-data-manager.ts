/**
 * Test data managers that record every call they receive in a shared log
 * (`"a.tpcBegin"`), and can be told to fail in, or delay, any method.
 */

import type {
  DataManager,
  DataManagerSavepoint,
  RetryDataManager,
  SavepointDataManager,
  Transaction,
} from '../../src/transaction/index.js';

export type DataManagerMethod =
  'abort' | 'tpcBegin' | 'commit' | 'tpcVote' | 'tpcFinish' | 'tpcAbort';

export interface RecordingOptions {
  /** Methods that throw `failure` (a fresh Error naming the call if not given). */
  failIn?: DataManagerMethod[];
  failure?: unknown;
  /** Return promises that resolve after a macrotask, instead of returning synchronously. */
  async?: boolean;
  /** The sort key (default: the name). */
  sortKey?: string;
}

/** A data manager without savepoint support. */
export class RecordingDataManager implements DataManager {
  readonly name: string;
  readonly log: string[];
  readonly options: RecordingOptions;

  constructor(name: string, log: string[] = [], options: RecordingOptions = {}) {
    this.name = name;
    this.log = log;
    this.options = options;
  }

  protected call(method: DataManagerMethod, txn: Transaction): void | Promise<void> {
    const act = () => {
      this.log.push(`${this.name}.${method}`);
      this.onCall(method, txn);
      if (this.options.failIn?.includes(method)) {
        throw this.options.failure ?? new Error(`${this.name}.${method} failed`);
      }
    };
    if (!this.options.async) return act();
    return new Promise<void>((resolve) => setTimeout(resolve, 1)).then(act);
  }

  /** Called on every call, before a configured failure; for subclasses. */
  protected onCall(_method: DataManagerMethod, _txn: Transaction): void {}

  abort(txn: Transaction) {
    return this.call('abort', txn);
  }
  tpcBegin(txn: Transaction) {
    return this.call('tpcBegin', txn);
  }
  commit(txn: Transaction) {
    return this.call('commit', txn);
  }
  tpcVote(txn: Transaction) {
    return this.call('tpcVote', txn);
  }
  tpcFinish(txn: Transaction) {
    return this.call('tpcFinish', txn);
  }
  tpcAbort(txn: Transaction) {
    return this.call('tpcAbort', txn);
  }
  sortKey(): string {
    return this.options.sortKey ?? this.name;
  }
}

/**
 * A data manager holding one value: `value` is the working state, `committed`
 * what the last successful commit made durable. It supports savepoints;
 * abort restores the committed value.
 */
export class ValueDataManager extends RecordingDataManager implements SavepointDataManager {
  value: unknown = undefined;
  committed: unknown = undefined;
  savepointFailure: unknown = undefined;
  rollbackFailure: unknown = undefined;

  protected override onCall(method: DataManagerMethod): void {
    if (method === 'abort') this.value = this.committed;
    if (method === 'tpcFinish') this.committed = this.value;
  }

  savepoint(): DataManagerSavepoint {
    this.log.push(`${this.name}.savepoint`);
    if (this.savepointFailure !== undefined) throw this.savepointFailure;
    const saved = this.value;
    return {
      rollback: () => {
        this.log.push(`${this.name}.rollback`);
        if (this.rollbackFailure !== undefined) throw this.rollbackFailure;
        this.value = saved;
      },
    };
  }
}

/** A data manager that declares errors retryable with `retryIf`. */
export class RetryingDataManager extends RecordingDataManager implements RetryDataManager {
  retryIf: (error: unknown) => boolean = () => false;

  shouldRetry(error: unknown): boolean {
    return this.retryIf(error);
  }
}
