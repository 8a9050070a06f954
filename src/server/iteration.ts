/**
 * Server-side iteration for a connection: transaction iterators opened by
 * `iterStart` and read in batches by `iterNext`, and the cursor of the
 * `records` request (current records in oid order).
 *
 * @module
 */

import { ProtocolError, StorageError, Unsupported } from '../errors.js';
import type { Oid, Tid } from '../ids.js';
import type { IterNextReply, RecordsReply, WireTxn } from '../protocol/messages.js';
import type { Storage, TransactionRecord } from '../storage/interfaces.js';
import { isIteratorStorage, isRecordIteratorStorage } from '../storage/interfaces.js';
import { ITERATORS_PER_CONNECTION_MAX } from './limits.js';

type CurrentRecord = { oid: Oid; serial: Tid; data: Uint8Array };

/** Overhead counted per transaction and record against `maxBytes`. */
const ENTRY_OVERHEAD_BYTES = 64;

function toWireTxn(txn: TransactionRecord): { wire: WireTxn; bytes: number } {
  let bytes = ENTRY_OVERHEAD_BYTES + txn.user.length + txn.description.length;
  const records: WireTxn['records'][number][] = [];
  for (const record of txn.records) {
    records.push([record.oid, record.data, record.dataTxn ?? null]);
    bytes += ENTRY_OVERHEAD_BYTES + (record.data?.length ?? 0);
  }
  const wire: WireTxn = {
    tid: txn.tid,
    status: txn.status,
    user: txn.user,
    description: txn.description,
    extension: txn.extension,
    records,
  };
  return { wire, bytes };
}

/** The iterators and record cursor of one connection. */
export class ConnectionIterators {
  private readonly open = new Map<number, Iterator<TransactionRecord>>();
  private nextId = 1;
  private records: { iterator: Iterator<CurrentRecord>; lastOid: Oid | null } | undefined;

  constructor(private readonly storage: Storage) {}

  /** `iterStart`: opens an iterator over `start..stop` and returns its id. */
  start(start: Tid | null, stop: Tid | null): number {
    if (!isIteratorStorage(this.storage))
      throw new Unsupported(`storage ${this.storage.name} cannot iterate`);
    if (this.open.size >= ITERATORS_PER_CONNECTION_MAX) {
      throw new StorageError(
        `a connection may hold at most ${ITERATORS_PER_CONNECTION_MAX} open iterators`,
      );
    }
    const iterable = this.storage.iterator(start ?? undefined, stop ?? undefined);
    const id = this.nextId++;
    this.open.set(id, iterable[Symbol.iterator]());
    return id;
  }

  /** `iterNext`: at least one transaction unless done, stopping after `maxBytes`. */
  next(id: number, maxBytes: number): IterNextReply {
    const iterator = this.open.get(id);
    if (iterator === undefined) throw new ProtocolError(`no open iterator ${id}`);
    const txns: WireTxn[] = [];
    let bytes = 0;
    while (bytes < maxBytes) {
      const step = iterator.next();
      if (step.done === true) {
        this.close(id);
        return { txns, done: true };
      }
      const { wire, bytes: size } = toWireTxn(step.value);
      txns.push(wire);
      bytes += size;
    }
    return { txns, done: false };
  }

  /** `iterClose` (ignored for an unknown id). */
  close(id: number): void {
    const iterator = this.open.get(id);
    this.open.delete(id);
    iterator?.return?.();
  }

  /** `records`: up to `max` current records after `afterOid`, in oid order. */
  currentRecords(afterOid: Oid | null, max: number): RecordsReply {
    if (!isRecordIteratorStorage(this.storage)) {
      throw new Unsupported(`storage ${this.storage.name} cannot iterate its current records`);
    }
    if (this.records === undefined || afterOid === null || this.records.lastOid !== afterOid) {
      this.records?.iterator.return?.();
      this.records = { iterator: this.storage.recordIterator()[Symbol.iterator](), lastOid: null };
    }
    const cursor = this.records;
    const recs: [Oid, Tid, Uint8Array][] = [];
    while (recs.length < max) {
      const step = cursor.iterator.next();
      if (step.done === true) {
        this.records = undefined;
        return { recs, done: true };
      }
      if (afterOid !== null && cursor.lastOid === null && step.value.oid <= afterOid) continue;
      recs.push([step.value.oid, step.value.serial, step.value.data]);
      cursor.lastOid = step.value.oid;
    }
    return { recs, done: false };
  }

  /** Closes everything (the connection closed). */
  closeAll(): void {
    for (const id of [...this.open.keys()]) this.close(id);
    this.records?.iterator.return?.();
    this.records = undefined;
  }
}
