/**
 * Statistics of a storage (ZODB's `fsstats` and `analyze`): objects,
 * revisions and bytes by class, the biggest current objects, and growth per
 * day. Class names come from record headers, so the application's classes
 * are not needed.
 *
 * Two streaming passes: every revision through `iterator()` (history and
 * growth), every current object through `recordIterator()`. Memory: one
 * entry per class and per day, the biggest-objects list, and an
 * {@link OidTable} of the oids seen (to count new objects per day).
 *
 * @module
 */

import type { Oid, Tid } from '../ids.js';
import { readRecordHeader } from '../serialize/record-header.js';
import type { IteratorStorage, Storage } from '../storage/interfaces.js';
import { requireIterator } from './dump.js';
import { TimeStamp } from '../timestamp.js';
import { OidTable } from './oid-table.js';
import type { ProgressCallback } from './progress.js';
import { requireRecordIterator } from './reference-check.js';

/** Class name used for deletion records, and for records whose header cannot be read. */
export const DELETION_CLASS = '(deletion)';
export const UNREADABLE_CLASS = '(unreadable)';

/** Totals for one class. */
export interface ClassStatistics {
  readonly className: string;
  /** Current (non-deleted) objects of the class. */
  objects: number;
  /** Bytes of their current records. */
  currentBytes: number;
  /** Revisions of the class in the history (current ones included). */
  revisions: number;
  /** Bytes of all those revisions. */
  totalBytes: number;
}

/** One current object among the biggest. */
export interface ObjectSize {
  readonly oid: Oid;
  readonly className: string;
  readonly bytes: number;
}

/** What was committed on one day (UTC). */
export interface DayGrowth {
  /** `YYYY-MM-DD`. */
  readonly day: string;
  transactions: number;
  revisions: number;
  /** Bytes of the records written that day. */
  bytes: number;
  /** Objects whose first revision was written that day. */
  newObjects: number;
}

/** The result of {@link collectStatistics}. */
export interface StorageStatistics {
  readonly transactions: number;
  readonly revisions: number;
  /** Current (non-deleted) objects. */
  readonly objects: number;
  readonly currentBytes: number;
  /** Bytes of every revision's record. */
  readonly totalBytes: number;
  readonly firstTid: Tid | undefined;
  readonly lastTid: Tid | undefined;
  /** By class, most current bytes first. */
  readonly classes: readonly ClassStatistics[];
  /** Biggest current objects, biggest first. */
  readonly biggest: readonly ObjectSize[];
  /** Growth per day, oldest first (days without transactions are left out). */
  readonly days: readonly DayGrowth[];
}

/** Options of {@link collectStatistics}. */
export interface StatisticsOptions {
  /** How many of the biggest objects to list (default 10). */
  readonly top?: number;
  /** Progress in transactions, then in objects. */
  readonly onProgress?: ProgressCallback;
}

/**
 * Collects the statistics of `storage`.
 *
 * @throws Unsupported when the storage cannot iterate its transactions or current records.
 */
export function collectStatistics(
  storage: Storage,
  options: StatisticsOptions = {},
): StorageStatistics {
  const source = requireIterator(storage);
  const classes = new Map<string, ClassStatistics>();
  const classOf = (name: string) => {
    let entry = classes.get(name);
    if (entry === undefined) {
      entry = { className: name, objects: 0, currentBytes: 0, revisions: 0, totalBytes: 0 };
      classes.set(name, entry);
    }
    return entry;
  };
  const history = scanHistory(source, classOf, options.onProgress);
  const current = scanCurrent(storage, classOf, options.top ?? 10, options.onProgress);
  return {
    ...history,
    ...current,
    classes: [...classes.values()].sort(
      (a, b) => b.currentBytes - a.currentBytes || b.totalBytes - a.totalBytes,
    ),
  };
}

function scanHistory(
  storage: IteratorStorage,
  classOf: (name: string) => ClassStatistics,
  onProgress: ProgressCallback | undefined,
): Pick<
  StorageStatistics,
  'transactions' | 'revisions' | 'totalBytes' | 'firstTid' | 'lastTid' | 'days'
> {
  const seen = new OidTable();
  const days: DayGrowth[] = [];
  let transactions = 0;
  let revisions = 0;
  let totalBytes = 0;
  let firstTid: Tid | undefined;
  let lastTid: Tid | undefined;
  const estimate = Math.max(1, storage.getSize());
  for (const transaction of storage.iterator()) {
    firstTid ??= transaction.tid;
    lastTid = transaction.tid;
    const day = dayOf(transaction.tid);
    let growth = days[days.length - 1];
    if (growth?.day !== day) {
      growth = { day, transactions: 0, revisions: 0, bytes: 0, newObjects: 0 };
      days.push(growth);
    }
    growth.transactions++;
    transactions++;
    for (const record of transaction.records) {
      const bytes = record.data?.byteLength ?? 0;
      const stats = classOf(record.data === null ? DELETION_CLASS : classNameOf(record.data));
      stats.revisions++;
      stats.totalBytes += bytes;
      growth.revisions++;
      growth.bytes += bytes;
      revisions++;
      totalBytes += bytes;
      if (!seen.has(record.oid)) {
        seen.set(record.oid);
        growth.newObjects++;
      }
    }
    if (transactions % 100 === 0) onProgress?.(Math.min(totalBytes, estimate), estimate);
  }
  return { transactions, revisions, totalBytes, firstTid, lastTid, days };
}

function scanCurrent(
  storage: Storage,
  classOf: (name: string) => ClassStatistics,
  top: number,
  onProgress: ProgressCallback | undefined,
): Pick<StorageStatistics, 'objects' | 'currentBytes' | 'biggest'> {
  const biggest: ObjectSize[] = [];
  let objects = 0;
  let currentBytes = 0;
  const total = storage.objectCount();
  for (const { oid, data } of requireRecordIterator(storage).recordIterator()) {
    const className = classNameOf(data);
    const stats = classOf(className);
    stats.objects++;
    stats.currentBytes += data.byteLength;
    objects++;
    currentBytes += data.byteLength;
    keepBiggest(biggest, { oid, className, bytes: data.byteLength }, top);
    if (objects % 1000 === 0) onProgress?.(objects, total);
  }
  return { objects, currentBytes, biggest };
}

/** Inserts `entry` into the descending list `biggest` if it belongs among the `top` biggest. */
function keepBiggest(biggest: ObjectSize[], entry: ObjectSize, top: number): void {
  if (top <= 0) return;
  if (biggest.length === top && biggest[top - 1]!.bytes >= entry.bytes) return;
  let at = biggest.length;
  while (at > 0 && biggest[at - 1]!.bytes < entry.bytes) at--;
  biggest.splice(at, 0, entry);
  if (biggest.length > top) biggest.pop();
}

function classNameOf(data: Uint8Array): string {
  try {
    return readRecordHeader(data).className;
  } catch {
    return UNREADABLE_CLASS;
  }
}

/** The UTC day of a tid, `YYYY-MM-DD`. */
function dayOf(tid: Tid): string {
  return TimeStamp.fromTid(tid).toDate().toISOString().slice(0, 10);
}
