/**
 * The file ranges and tids of the last transactions a writer finished, so
 * that the conflict check of a store (`Committer.store` compares the
 * caller's serial with the tid of the object's current record) needs no
 * read when that record is recent. Every record of a FileStorage
 * transaction carries the transaction's tid, so the tid of the record at a
 * position is the tid of the transaction whose range holds it.
 *
 * Transactions are appended in file order, so the ranges are sorted and a
 * lookup is a binary search; a ring keeps the newest
 * {@link RECENT_TRANSACTIONS_MAX} of them in constant memory and constant
 * time per transaction (however many records it has).
 *
 * @module
 */

import type { Tid } from '../../ids.js';
import { RECENT_TRANSACTIONS_MAX } from './limits.js';

/** See the module comment. */
export class RecentTransactions {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private readonly tids: Tid[];
  /** Ring slot of the oldest remembered transaction. */
  private oldest = 0;
  private count = 0;

  /** A ring of the newest `capacity` transactions. */
  constructor(private readonly capacity = RECENT_TRANSACTIONS_MAX) {
    this.starts = new Float64Array(capacity);
    this.ends = new Float64Array(capacity);
    this.tids = new Array<Tid>(capacity);
  }

  /** Remembers a finished transaction at `[start, end)` with tid `tid` (after every one remembered so far). */
  add(start: number, end: number, tid: Tid): void {
    const newest = this.count === 0 ? -1 : this.slot(this.count - 1);
    if (newest >= 0 && start < this.ends[newest]!) this.clear(); // not after the others: start over
    const at = this.count < this.capacity ? this.slot(this.count++) : this.evictOldest();
    this.starts[at] = start;
    this.ends[at] = end;
    this.tids[at] = tid;
  }

  /** The tid of the remembered transaction holding position `pos`, else `undefined`. */
  tidAt(pos: number): Tid | undefined {
    if (this.count === 0) return undefined;
    let low = 0;
    let high = this.count - 1;
    if (pos < this.starts[this.slot(low)]! || pos >= this.ends[this.slot(high)]!) return undefined;
    // The last transaction starting at or before `pos`.
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (this.starts[this.slot(middle)]! <= pos) low = middle;
      else high = middle - 1;
    }
    const at = this.slot(low);
    return pos < this.ends[at]! ? this.tids[at] : undefined;
  }

  /** Forgets everything (the file was replaced by pack). */
  clear(): void {
    this.oldest = 0;
    this.count = 0;
  }

  /** The ring slot of the `i`-th oldest remembered transaction. */
  private slot(i: number): number {
    const at = this.oldest + i;
    return at < this.capacity ? at : at - this.capacity;
  }

  private evictOldest(): number {
    const at = this.oldest;
    this.oldest = this.slot(1);
    return at;
  }
}
