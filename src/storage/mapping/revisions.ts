/**
 * The in-memory records of {@link MappingStorage}: committed transactions
 * and object revisions, and the searches over them.
 *
 * Each object's revisions are kept in an array sorted by tid (oldest first),
 * and each committed transaction lists the same revision objects in store
 * order. A committed revision's bytes are copied once, at commit, into the
 * storage's record arena (record-arena.ts), and shared from there.
 *
 * @module
 */

import type { Oid, Tid } from '../../ids.js';
import type { RecordArena } from './record-arena.js';
import type {
  DataRecord,
  RecordInfo,
  TransactionMetaData,
  TransactionRecord,
} from '../interfaces.js';

/** The metadata of a committed transaction, shared by all its revisions. */
export interface CommittedMeta extends TransactionMetaData {
  readonly tid: Tid;
}

/** One committed revision of one object. */
export interface Revision extends DataRecord, RecordInfo {
  readonly oid: Oid;
  /** The tid of the transaction that wrote it (the same value as `serial`). */
  readonly tid: Tid;
  readonly serial: Tid;
  /** The data, or `null` when this revision deletes the object. */
  readonly data: Uint8Array | null;
  /** The transaction whose data this revision copies (undo, restore). */
  readonly dataTxn: Tid | undefined;
  /** The metadata of the writing transaction (for `history`). */
  readonly meta: CommittedMeta;
}

/**
 * A committed revision as the storage keeps it: its bytes are a copy in a
 * chunk of the storage's {@link RecordArena}, viewed on demand.
 */
export class StoredRevision implements Revision {
  readonly oid: Oid;
  readonly tid: Tid;
  readonly dataTxn: Tid | undefined;
  readonly meta: CommittedMeta;
  /** The chunk holding the bytes, or null for a deletion. */
  readonly #chunk: Uint8Array | null;
  readonly #offset: number;
  /** The number of data bytes (0 for a deletion). */
  readonly dataLength: number;

  /**
   * The committed form of `revision`, its bytes kept by `arena`: copied
   * into it, or with `keepWriteOnce` kept where they are if they can never
   * change (see {@link RecordArena.keep}).
   */
  constructor(revision: Revision, arena: RecordArena, keepWriteOnce = false) {
    this.oid = revision.oid;
    this.tid = revision.tid;
    this.dataTxn = revision.dataTxn;
    this.meta = revision.meta;
    const data = revision.data;
    if (data === null) {
      this.#chunk = null;
      this.#offset = 0;
      this.dataLength = 0;
    } else {
      if (keepWriteOnce) arena.keep(data);
      else arena.copy(data);
      this.#chunk = arena.chunk;
      this.#offset = arena.offset;
      this.dataLength = data.length;
    }
  }

  get serial(): Tid {
    return this.tid;
  }

  /** True when this revision deletes its object. */
  get deleted(): boolean {
    return this.#chunk === null;
  }

  /** A view of the bytes (a new view per call; the bytes never change), or null for a deletion. */
  get data(): Uint8Array | null {
    const chunk = this.#chunk;
    if (chunk === null) return null;
    return new Uint8Array(chunk.buffer, chunk.byteOffset + this.#offset, this.dataLength);
  }
}

/** A committed transaction as kept by the storage and returned by `iterator`. */
export interface CommittedTransaction extends TransactionRecord {
  readonly records: readonly Revision[];
}

/** Anything with a tid, sorted oldest first. */
interface Tidded {
  readonly tid: Tid;
}

/**
 * The index of the newest item with `tid <= at` in a list sorted by tid,
 * or -1 when every item is newer.
 */
export function indexAtOrBefore(list: readonly Tidded[], at: Tid): number {
  let low = 0;
  let high = list.length; // the answer + 1 lies in [low, high]
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle]!.tid <= at) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

/** The index of the oldest item with `tid >= from` (the list length when none). */
export function indexAtOrAfter(list: readonly Tidded[], from: Tid): number {
  return indexAtOrBefore(list, from - 1n) + 1;
}

/** The index of the item whose tid is exactly `tid`, or -1. */
export function indexOfTid(list: readonly Tidded[], tid: Tid): number {
  const at = indexAtOrBefore(list, tid);
  return at >= 0 && list[at]!.tid === tid ? at : -1;
}

/** Whether `revision` deletes its object (without making a view of its bytes). */
export function isDeletion(revision: Revision): boolean {
  return revision instanceof StoredRevision ? revision.deleted : revision.data === null;
}

/** The total data bytes of a revision list (deletions count 0). */
export function dataBytes(revisions: Iterable<Revision>): number {
  let total = 0;
  for (const revision of revisions) {
    total +=
      revision instanceof StoredRevision ? revision.dataLength : (revision.data?.length ?? 0);
  }
  return total;
}

/** True when two byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
