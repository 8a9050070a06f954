/**
 * The recent-invalidation queue of one served storage: the oids of the
 * last committed transactions, used at `register` to tell a reconnecting
 * client which objects in its cache changed while it was away (ZEO's
 * invalidation queue and cache verification).
 *
 * @module
 */

import type { Oid, Tid } from '../ids.js';

/** The verdict on a client's cache. */
export type CacheVerdict =
  | { readonly cache: 'kept'; readonly missed: readonly (readonly [Tid, readonly Oid[]])[] }
  | { readonly cache: 'dropped'; readonly missed: readonly [] };

/** A bounded queue of `[tid, oids]`, oldest first. */
export class RecentInvalidations {
  private readonly entries: (readonly [Tid, readonly Oid[]])[] = [];
  private head = 0;
  /** Every transaction after this tid (up to the last) is in the queue. */
  private floor: Tid;

  /**
   * @param lastTid the storage's last transaction when serving starts: the queue covers everything after it.
   * @param capacity how many transactions to remember.
   */
  constructor(
    lastTid: Tid,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 0)
      throw new RangeError(`capacity must be >= 0, got ${capacity}`);
    this.floor = lastTid;
  }

  /** Number of transactions remembered. */
  get size(): number {
    return this.entries.length - this.head;
  }

  /** Records a committed transaction (tids must increase). */
  add(tid: Tid, oids: readonly Oid[]): void {
    this.entries.push([tid, oids]);
    while (this.size > this.capacity) {
      this.floor = this.entries[this.head]![0];
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }

  /**
   * The verdict for a client whose cache knows everything up to `clientTid`
   * when the storage's last transaction is `lastTid`: kept (with the later
   * transactions) when the queue covers the gap and `clientTid` is a tid the
   * server knows, dropped otherwise (a cold cache, a gap older than the
   * queue, a tid from another database).
   */
  verify(clientTid: Tid | null, lastTid: Tid): CacheVerdict {
    if (clientTid === null) return { cache: 'dropped', missed: [] };
    if (clientTid === lastTid) return { cache: 'kept', missed: [] };
    if (clientTid > lastTid || clientTid < this.floor) return { cache: 'dropped', missed: [] };
    const missed: (readonly [Tid, readonly Oid[]])[] = [];
    let known = clientTid === this.floor;
    for (let i = this.head; i < this.entries.length; i++) {
      const entry = this.entries[i]!;
      if (entry[0] === clientTid) known = true;
      else if (entry[0] > clientTid) missed.push(entry);
    }
    return known ? { cache: 'kept', missed } : { cache: 'dropped', missed: [] };
  }
}
