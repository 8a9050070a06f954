/**
 * The transaction being committed: its tid and metadata, the data records
 * gathered in the first phase (in a {@link TransactionBuffer}), and the
 * positions those records will have once written at the end of the file.
 *
 * Records are gathered as parallel arrays of oids and positions (no object
 * or map entry per record: this runs once per stored object) and applied to
 * the index in the order they were added, so an oid stored twice ends up
 * at its newest record.
 *
 * Life cycle (FileStorage drives it under the commit lock):
 * ```
 * tpcBegin -> new PendingTransaction -> addRecord* -> vote (writes it with
 * status 'c') -> finish: FileStorage flips the status and applies positions
 *                    \-> abort: FileStorage truncates what vote wrote
 * ```
 *
 * @module
 */

import { FileStorageQuotaError, TransactionTooLargeError } from '../../errors.js';
import type { Oid, Tid } from '../../ids.js';
import type { TransactionMetaData } from '../interfaces.js';
import type { DataFile } from './data-file.js';
import { encodeExtension } from './extension-codec.js';
import type { TidHalves } from './format.js';
import {
  BACK_POINTER_BYTES,
  DATA_HEADER_BYTES,
  EMPTY_DATA_MARKER,
  Status,
  TRANSACTION_HEADER_BYTES,
  TRANSACTION_TRAILER_BYTES,
  encodeDataHeaderFields,
  encodeTransactionHeader,
  tidHalves,
  writePosition,
} from './format.js';
import { TRANSACTION_METADATA_BYTES_MAX } from './limits.js';
import type { OidIndex } from './oid-index.js';
import type { TransactionBuffer } from './transaction-buffer.js';

/** The encoded metadata of a transaction. */
export interface EncodedMetadata {
  readonly user: Uint8Array;
  readonly description: Uint8Array;
  readonly extension: Uint8Array;
}

/** The quota a transaction must stay within: the data file's path and its size limit, if any. */
export interface TransactionQuota {
  readonly path: string;
  readonly bytes: number | undefined;
}

const textEncoder = new TextEncoder();

/** The last user and description encoded: commits mostly repeat them (encoded bytes are never changed). */
const lastEncoded = {
  user: '',
  userBytes: new Uint8Array(0),
  description: '',
  descriptionBytes: new Uint8Array(0),
};

/** Encodes user, description and extension; TransactionTooLargeError past 65,535 bytes each. */
export function encodeMetadata(txn: TransactionMetaData): EncodedMetadata {
  if (txn.user !== lastEncoded.user) {
    lastEncoded.userBytes = textEncoder.encode(txn.user);
    lastEncoded.user = txn.user;
  }
  if (txn.description !== lastEncoded.description) {
    lastEncoded.descriptionBytes = textEncoder.encode(txn.description);
    lastEncoded.description = txn.description;
  }
  const encoded = {
    user: checkMetadataField('user', lastEncoded.userBytes),
    description: checkMetadataField('description', lastEncoded.descriptionBytes),
    extension: checkMetadataField('extension', encodeExtension(txn.extension)),
  };
  return encoded;
}

/** `bytes`, or TransactionTooLargeError naming `field` when they do not fit the header. */
function checkMetadataField(field: string, bytes: Uint8Array): Uint8Array {
  if (bytes.length > TRANSACTION_METADATA_BYTES_MAX) {
    throw new TransactionTooLargeError(
      `the transaction's ${field} is ${bytes.length} bytes; a FileStorage transaction header ` +
        `holds at most ${TRANSACTION_METADATA_BYTES_MAX}`,
    );
  }
  return bytes;
}

/** Header and back pointer of a record without data, built before the buffer takes a copy. */
const recordScratch = new Uint8Array(DATA_HEADER_BYTES + BACK_POINTER_BYTES);
/** The transaction header written at vote. */
const headerScratch = new Uint8Array(TRANSACTION_HEADER_BYTES);
/** The transaction trailer written at vote. */
const trailerScratch = new Uint8Array(TRANSACTION_TRAILER_BYTES);

/** See the module comment. */
export class PendingTransaction {
  readonly txn: TransactionMetaData;
  readonly tid: Tid;
  /** Position of the transaction header (the end of the file at tpcBegin). */
  readonly pos: number;
  readonly metadata: EncodedMetadata;
  /** Size of header and metadata. */
  readonly metadataBytes: number;
  /** The oid of each record, in the order added. */
  private readonly recordOids: Oid[] = [];
  /** The position of each record, negated for a deletion. */
  private readonly recordPositions: number[] = [];
  /** oid -> position of its newest record (negated for a deletion); built on first use. */
  private newest: Map<Oid, number> | undefined;
  /** oids whose stored data conflict resolution changed (tpcVote's result). */
  private resolved: Set<Oid> | undefined;
  private readonly tidParts: TidHalves;
  private readonly buffer: TransactionBuffer;
  private readonly quota: TransactionQuota;

  constructor(options: {
    txn: TransactionMetaData;
    tid: Tid;
    pos: number;
    metadata: EncodedMetadata;
    buffer: TransactionBuffer;
    quota: TransactionQuota;
  }) {
    this.txn = options.txn;
    this.tid = options.tid;
    this.tidParts = tidHalves(options.tid);
    this.pos = options.pos;
    this.metadata = options.metadata;
    this.metadataBytes =
      TRANSACTION_HEADER_BYTES +
      options.metadata.user.length +
      options.metadata.description.length +
      options.metadata.extension.length;
    this.buffer = options.buffer;
    this.buffer.reset();
    this.appendMetadata();
    this.quota = options.quota;
  }

  /** Position the next record will have in the file. */
  get nextRecordPos(): number {
    return this.pos + this.buffer.length;
  }

  /** Position just after the transaction (after its trailer) once written. */
  get end(): number {
    return this.nextRecordPos + TRANSACTION_TRAILER_BYTES;
  }

  /** Number of records added (an oid stored twice counts twice). */
  get recordCount(): number {
    return this.recordOids.length;
  }

  /**
   * Appends a data record of `oid` with tid `serial` (the transaction's tid
   * unless restoring): `data`, or a back pointer to `backPointer` (0 for a
   * deletion) when `data` is `null`.
   */
  addRecord(
    oid: Oid,
    prev: number,
    data: Uint8Array | null,
    backPointer = 0,
    serial = this.tid,
  ): void {
    const pos = this.nextRecordPos;
    const dataBytes = data === null ? 0 : data.length;
    const recordBytes = DATA_HEADER_BYTES + (dataBytes === 0 ? BACK_POINTER_BYTES : dataBytes);
    this.checkQuota(pos + recordBytes + TRANSACTION_TRAILER_BYTES);
    const tid = serial === this.tid ? this.tidParts : tidHalves(serial);
    if (dataBytes === 0) {
      // Empty data cannot be written as data (length 0 means "back pointer"): see EMPTY_DATA_MARKER.
      encodeDataHeaderFields(recordScratch, 0, oid, tid, prev, this.pos, 0);
      writePosition(
        data === null ? backPointer : EMPTY_DATA_MARKER,
        recordScratch,
        DATA_HEADER_BYTES,
      );
      this.buffer.append(recordScratch);
    } else {
      this.appendDataRecord(oid, tid, prev, data!);
    }
    const deletion = data === null && backPointer === 0;
    this.recordOids.push(oid);
    this.recordPositions.push(deletion ? -pos : pos);
    this.newest?.set(oid, deletion ? -pos : pos);
  }

  /** Position of the newest record of `oid` in this transaction, if it has one. */
  newestRecordPos(oid: Oid): number | undefined {
    if (this.newest === undefined) {
      this.newest = new Map();
      for (let i = 0; i < this.recordOids.length; i++) {
        this.newest.set(this.recordOids[i]!, this.recordPositions[i]!);
      }
    }
    const pos = this.newest.get(oid);
    return pos === undefined ? undefined : Math.abs(pos);
  }

  /** Notes that conflict resolution changed the data stored for `oid`. */
  markResolved(oid: Oid): void {
    (this.resolved ??= new Set()).add(oid);
  }

  /** The oids whose data conflict resolution changed. */
  resolvedOids(): Oid[] {
    return this.resolved === undefined ? [] : [...this.resolved];
  }

  /**
   * Points `index` at this transaction's records and updates `deleted`
   * (the oids whose newest record is a deletion), applying records in the
   * order they were added; returns the oids written, each once. For
   * `tpcFinish`, after which this transaction is done with (the returned
   * array may be its own).
   */
  applyTo(index: OidIndex, deleted: OidIndex): Oid[] {
    const oids = this.recordOids;
    const positions = this.recordPositions;
    let repeated = false;
    for (let i = 0; i < oids.length; i++) {
      const oid = oids[i]!;
      const pos = positions[i]!;
      // Before this loop every position in the index is below this.pos.
      if (!repeated && (index.get(oid) ?? 0) > this.pos) repeated = true;
      if (pos < 0) {
        index.set(oid, -pos);
        deleted.set(oid, 1);
      } else {
        index.set(oid, pos);
        if (deleted.size > 0) deleted.delete(oid);
      }
    }
    return repeated ? [...new Set(oids)] : oids;
  }

  /** Reads `length` bytes of this transaction's records at file position `pos`. */
  readRecordBytes(pos: number, length: number): Uint8Array {
    return this.buffer.read(pos - this.pos, length);
  }

  /** True when `pos` lies inside this transaction's gathered records. */
  contains(pos: number): boolean {
    return pos >= this.pos + this.metadataBytes && pos < this.nextRecordPos;
  }

  /**
   * Writes the transaction at its position with status `'c'` (checkpoint),
   * followed by its trailer: one write unless the records spilled to the
   * `.tmp` file. The caller truncates the file back to `pos` if this throws.
   */
  writeCheckpoint(file: DataFile): void {
    this.checkQuota(this.end);
    const length = this.buffer.length;
    encodeTransactionHeader(
      {
        tid: this.tid,
        length,
        status: Status.checkpoint,
        userBytes: this.metadata.user.length,
        descriptionBytes: this.metadata.description.length,
        extensionBytes: this.metadata.extension.length,
      },
      headerScratch,
      0,
    );
    this.buffer.overwrite(0, headerScratch);
    writePosition(length, trailerScratch, 0);
    this.buffer.writeTo(file, this.pos, trailerScratch);
  }

  /** Appends header and data of a record, in place in the buffer's memory when they fit there. */
  private appendDataRecord(oid: Oid, tid: TidHalves, prev: number, data: Uint8Array): void {
    const at = this.buffer.reserve(DATA_HEADER_BYTES + data.length);
    if (at < 0) {
      encodeDataHeaderFields(recordScratch, 0, oid, tid, prev, this.pos, data.length);
      this.buffer.append(recordScratch.subarray(0, DATA_HEADER_BYTES));
      this.buffer.append(data);
      return;
    }
    const memory = this.buffer.memoryBlock;
    encodeDataHeaderFields(memory, at, oid, tid, prev, this.pos, data.length);
    memory.set(data, at + DATA_HEADER_BYTES);
  }

  /** Appends the metadata part: a blank fixed header (filled in at vote), user, description, extension. */
  private appendMetadata(): void {
    const at = this.buffer.reserve(this.metadataBytes);
    if (at >= 0) {
      this.writeMetadata(this.buffer.memoryBlock, at);
      return;
    }
    const bytes = new Uint8Array(this.metadataBytes);
    this.writeMetadata(bytes, 0);
    this.buffer.append(bytes);
  }

  private writeMetadata(into: Uint8Array, offset: number): void {
    const { user, description, extension } = this.metadata;
    into.fill(0, offset, offset + TRANSACTION_HEADER_BYTES);
    const at = offset + TRANSACTION_HEADER_BYTES;
    into.set(user, at);
    into.set(description, at + user.length);
    into.set(extension, at + user.length + description.length);
  }

  private checkQuota(size: number): void {
    if (this.quota.bytes !== undefined && size > this.quota.bytes) {
      throw new FileStorageQuotaError(this.quota.path, this.quota.bytes, size);
    }
  }
}
