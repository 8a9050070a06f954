/**
 * The transactions and records of a storage in a decoded, printable form
 * (ZODB's `fsdump`), filtered by tid range and oids. Records are decoded
 * without the application's classes (`decodeRecordGeneric`, shown with
 * `toInspectable`).
 *
 * @module
 */

import type { Oid, Tid } from '../ids.js';
import { decodeRecordGeneric } from '../serialize/record-decoder.js';
import { readRecordHeader } from '../serialize/record-header.js';
import { toInspectable } from '../serialize/inspectable.js';
import type { IteratorStorage, RecordInfo, Storage } from '../storage/interfaces.js';
import { isIteratorStorage } from '../storage/interfaces.js';
import { Unsupported } from '../errors.js';
import { TimeStamp } from '../timestamp.js';

/** Options of {@link dumpTransactions}. */
export interface DumpOptions {
  /** Only transactions with `from <= tid` (inclusive). */
  readonly from?: Tid;
  /** Only transactions with `tid <= to` (inclusive). */
  readonly to?: Tid;
  /** Only records of these oids (and only transactions that have one). */
  readonly oids?: readonly Oid[];
  /** Decode each record's state (`toInspectable` form). Default false: class, size and references only. */
  readonly state?: boolean;
}

/** One data record of a dumped transaction. */
export interface DumpedRecord {
  readonly oid: Oid;
  /** The record's class, `undefined` for a deletion or an unreadable record. */
  readonly className: string | undefined;
  /** Bytes of the record's data (0 for a deletion). */
  readonly size: number;
  readonly deleted: boolean;
  /** Oids the record refers to. */
  readonly references: readonly Oid[];
  /** When the data is a copy of an earlier revision (undo, restore): that revision's tid. */
  readonly dataTxn: Tid | undefined;
  /** The decoded state, with `options.state`. */
  readonly state?: unknown;
  /** Why the record could not be decoded, if it could not. */
  readonly error?: string;
}

/** One dumped transaction. */
export interface DumpedTransaction {
  readonly tid: Tid;
  readonly time: Date;
  /** `' '` committed, `'p'` packed. */
  readonly status: string;
  readonly user: string;
  readonly description: string;
  readonly extension: Readonly<Record<string, unknown>>;
  readonly records: readonly DumpedRecord[];
}

/**
 * Streams the transactions of `storage`, oldest first, with their records.
 *
 * @throws Unsupported when the storage cannot iterate its transactions.
 */
export function* dumpTransactions(
  storage: Storage,
  options: DumpOptions = {},
): Generator<DumpedTransaction> {
  const source = requireIterator(storage);
  const wanted = options.oids === undefined ? undefined : new Set(options.oids);
  for (const transaction of source.iterator(options.from, options.to)) {
    const records: DumpedRecord[] = [];
    for (const record of transaction.records) {
      if (wanted === undefined || wanted.has(record.oid))
        records.push(dumpRecord(record, options.state === true));
    }
    if (wanted !== undefined && records.length === 0) continue;
    yield {
      tid: transaction.tid,
      time: TimeStamp.fromTid(transaction.tid).toDate(),
      status: transaction.status,
      user: transaction.user,
      description: transaction.description,
      extension: transaction.extension,
      records,
    };
  }
}

function dumpRecord(record: RecordInfo, withState: boolean): DumpedRecord {
  const base = { oid: record.oid, dataTxn: record.dataTxn };
  if (record.data === null) {
    return { ...base, className: undefined, size: 0, deleted: true, references: [] };
  }
  const size = record.data.byteLength;
  try {
    if (!withState) {
      const header = readRecordHeader(record.data);
      return {
        ...base,
        className: header.className,
        size,
        deleted: false,
        references: header.references,
      };
    }
    const decoded = decodeRecordGeneric(record.data);
    return {
      ...base,
      className: decoded.className,
      size,
      deleted: false,
      references: decoded.references,
      state: toInspectable(decoded.state),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, className: undefined, size, deleted: false, references: [], error: message };
  }
}

/** The storage as an {@link IteratorStorage}, or Unsupported. */
export function requireIterator(storage: Storage): IteratorStorage {
  if (!isIteratorStorage(storage)) {
    throw new Unsupported(`storage ${storage.name} cannot iterate its transactions`);
  }
  return storage;
}
