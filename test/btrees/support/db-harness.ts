/**
 * A database session for persistence tests: one structure under the root,
 * its model, and the transaction boundaries (commit, abort, savepoints,
 * reopening a connection, cache minimisation) applied to both.
 */
import fc from 'fast-check';
import { DB } from '../../../src/connection/db.js';
import type { Savepoint } from '../../../src/transaction/index.js';
import { TransactionManager } from '../../../src/transaction/index.js';
import type { SortedModel } from './model.js';

/** Transaction boundaries mixed into operation sequences. */
export type BoundaryOp = {
  op: 'commit' | 'abort' | 'reopen' | 'minimize' | 'savepoint' | 'rollback';
};

/** Random boundaries. */
export const boundaryOps: fc.Arbitrary<BoundaryOp> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ op: 'commit' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'abort' as const }) },
  { weight: 2, arbitrary: fc.constant({ op: 'reopen' as const }) },
  { weight: 2, arbitrary: fc.constant({ op: 'minimize' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'savepoint' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'rollback' as const }) },
);

export function isBoundary(op: { op: string }): op is BoundaryOp {
  return ['commit', 'abort', 'reopen', 'minimize', 'savepoint', 'rollback'].includes(op.op);
}

/** A structure kept under `root.subject`, with its model and what was committed. */
export class Session {
  readonly db = new DB(null);
  private tm = new TransactionManager();
  private conn;
  private previous: { close(): void } | undefined;
  /** The model as of the last commit. */
  private committed: SortedModel;
  private savepoint: { sp: Savepoint; model: SortedModel } | undefined;

  /** @param cacheSize the connections' cache target (a tiny one ghosts objects during operations) */
  constructor(
    subject: object,
    public model: SortedModel,
    private readonly cacheSize = 5000,
  ) {
    this.conn = this.db.open({ transactionManager: this.tm, cacheSize });
    this.conn.root.subject = subject;
    this.committed = model.snapshot();
  }

  /** Commits the creation of the subject. */
  async start(): Promise<void> {
    await this.tm.commit();
  }

  /** The structure, as seen by the current connection. */
  get subject(): any {
    return this.conn.root.subject;
  }

  async apply(op: BoundaryOp): Promise<void> {
    switch (op.op) {
      case 'commit':
        await this.tm.commit();
        this.committed = this.model.snapshot();
        this.savepoint = undefined;
        break;
      case 'abort':
        await this.tm.abort();
        this.model = this.committed.snapshot();
        this.savepoint = undefined;
        break;
      case 'reopen':
        await this.tm.commit();
        this.committed = this.model.snapshot();
        this.savepoint = undefined;
        this.previous?.close();
        this.previous = this.conn;
        this.tm = new TransactionManager();
        this.conn = this.db.open({ transactionManager: this.tm, cacheSize: this.cacheSize });
        break;
      case 'minimize':
        this.conn.cacheMinimize();
        break;
      case 'savepoint':
        this.savepoint = { sp: this.tm.savepoint(), model: this.model.snapshot() };
        break;
      case 'rollback':
        if (this.savepoint !== undefined) {
          await this.savepoint.sp.rollback();
          this.model = this.savepoint.model.snapshot();
        }
        break;
    }
  }

  async close(): Promise<void> {
    await this.tm.abort();
    await this.db.close();
  }
}
