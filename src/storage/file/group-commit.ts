/**
 * Group commit: making finished transactions durable, several per flush,
 * and only then visible.
 *
 * `tpcFinish` writes the transaction's final status byte, hands the
 * transaction to {@link GroupCommit.commit} and gives back the commit lock,
 * so the next transaction can already write after it. The transaction
 * becomes durable with the next flush of the file (`fdatasync`) and is then
 * *published* in commit order: `db.invalidate(tid, oids)` and the storage's
 * `lastTransaction()` move to it in one synchronous step, and its
 * `tpcFinish` promise resolves. Nothing is visible to readers before it is
 * durable.
 *
 * When to flush:
 * - if no other transaction took the commit lock meanwhile, at once
 *   (a lone writer pays exactly one flush per commit);
 * - otherwise after one turn of the event loop (`setImmediate`), so that
 *   the transactions queued on the commit lock, which run their whole
 *   commit in that time, share the flush (reference measurement: 8 writers
 *   reach 20,000 commits/s this way, against 4,500 with one flush each).
 *   Any transaction that flushes first takes the earlier ones along.
 *
 * The flush is a synchronous `fdatasync`: on the machines measured an
 * asynchronous one costs an extra ~130 us thread-pool round trip (2,600
 * against 3,900 commits/s for one writer), and the event loop is blocked
 * once per batch for one flush (~250 us on SSD-backed storage).
 *
 * A failed flush is fatal: every queued transaction's `tpcFinish` rejects
 * with the error and the storage closes itself (it cannot know what reached
 * the disk).
 *
 * @module
 */

import type { Oid, Tid } from '../../ids.js';

/** A finished transaction waiting to become durable and visible. */
export interface FinishedTransaction {
  readonly tid: Tid;
  readonly oids: readonly Oid[];
  /** Position after the transaction. */
  readonly end: number;
}

interface Waiting extends FinishedTransaction {
  resolve(tid: Tid): void;
  reject(error: unknown): void;
}

/** What the queue needs from its storage. */
export interface GroupCommitTarget {
  /** Flushes the data file (throws on failure). */
  flush(): void;
  /** Makes a durable transaction visible (invalidations, lastTransaction). */
  publish(transaction: FinishedTransaction): void;
  /** True when another transaction is committing (holds the commit lock). */
  othersCommitting(): boolean;
  /** Called once with the error of a failed flush. */
  fail(error: unknown): void;
}

/** The durability queue of one storage; see the module comment. */
export class GroupCommit {
  private queue: Waiting[] = [];
  private scheduled = false;
  private failure: unknown;
  private flushes = 0;
  private published = 0;
  private readonly target: GroupCommitTarget;

  /** A queue flushing and publishing through `target`. */
  constructor(target: GroupCommitTarget) {
    this.target = target;
  }

  /** Number of flushes so far (for measurements). */
  get flushCount(): number {
    return this.flushes;
  }

  /** Number of transactions made durable so far (for measurements). */
  get transactionCount(): number {
    return this.published;
  }

  /** True when finished transactions wait for their flush. */
  get hasWaiting(): boolean {
    return this.queue.length > 0;
  }

  /** Resolves with the tid once `transaction` is durable and published; rejects if the flush fails. */
  commit(transaction: FinishedTransaction): Promise<Tid> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.queue.length === 0 && !this.target.othersCommitting()) {
      return this.commitAlone(transaction);
    }
    return new Promise<Tid>((resolve, reject) => {
      this.queue.push({ ...transaction, resolve, reject });
      if (!this.target.othersCommitting()) {
        this.flushNow();
      } else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flushNow();
        });
      }
    });
  }

  /**
   * {@link commit} of a transaction nobody waits with (the lone writer's
   * case): flushed and published at once, without queueing it.
   */
  private commitAlone(transaction: FinishedTransaction): Promise<Tid> {
    try {
      this.target.flush();
    } catch (error) {
      this.failure = error;
      this.target.fail(error);
      return Promise.reject(error);
    }
    this.flushes++;
    this.published++;
    try {
      this.target.publish(transaction);
    } catch (error) {
      // As in flushNow: durable and visible, but its tpcFinish reports the error.
      return Promise.reject(error);
    }
    return Promise.resolve(transaction.tid);
  }

  /** Flushes and publishes everything queued, now. */
  flushNow(): void {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      this.target.flush();
    } catch (error) {
      this.failure = error;
      for (const waiting of batch) waiting.reject(error);
      this.target.fail(error);
      return;
    }
    this.flushes++;
    for (const waiting of batch) {
      this.published++;
      try {
        this.target.publish(waiting);
      } catch (error) {
        // The database's invalidate failed: the transaction is durable and
        // visible, but its tpcFinish reports the error; later ones go on.
        waiting.reject(error);
        continue;
      }
      waiting.resolve(waiting.tid);
    }
  }
}
