/**
 * The transaction being committed: its tid and metadata, the data records
 * gathered in the first phase (in a {@link TransactionBuffer}), and the
 * positions those records will have once written at the end of the file.
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
import {
  BACK_POINTER_BYTES,
  DATA_HEADER_BYTES,
  EMPTY_DATA_MARKER,
  Status,
  TRANSACTION_HEADER_BYTES,
  TRANSACTION_TRAILER_BYTES,
  encodeDataHeader,
  encodeTransactionHeader,
  writePosition,
} from './format.js';
import { TRANSACTION_METADATA_BYTES_MAX } from './limits.js';
import type { TransactionBuffer } from './transaction-buffer.js';

/** The encoded metadata of a transaction. */
export interface EncodedMetadata {
  readonly user: Uint8Array;
  readonly description: Uint8Array;
  readonly extension: Uint8Array;
}

const textEncoder = new TextEncoder();

/** Encodes user, description and extension; TransactionTooLargeError past 65,535 bytes each. */
export function encodeMetadata(txn: TransactionMetaData): EncodedMetadata {
  const encoded = {
    user: textEncoder.encode(txn.user),
    description: textEncoder.encode(txn.description),
    extension: encodeExtension(txn.extension),
  };
  for (const [field, bytes] of Object.entries(encoded)) {
    if (bytes.length > TRANSACTION_METADATA_BYTES_MAX) {
      throw new TransactionTooLargeError(
        `the transaction's ${field} is ${bytes.length} bytes; a FileStorage transaction header ` +
          `holds at most ${TRANSACTION_METADATA_BYTES_MAX}`,
      );
    }
  }
  return encoded;
}

/** Where this transaction's newest record of an oid will be. */
export interface PendingRecord {
  readonly pos: number;
  readonly deletion: boolean;
}

/** See the module comment. */
export class PendingTransaction {
  readonly txn: TransactionMetaData;
  readonly tid: Tid;
  /** Position of the transaction header (the end of the file at tpcBegin). */
  readonly pos: number;
  readonly metadata: EncodedMetadata;
  /** Size of header and metadata. */
  readonly metadataBytes: number;
  /** oid -> its newest record in this transaction. */
  readonly records = new Map<Oid, PendingRecord>();
  /** oids whose stored data conflict resolution changed (tpcVote's result). */
  readonly resolved = new Set<Oid>();
  private readonly buffer: TransactionBuffer;
  private readonly quota: { readonly path: string; readonly bytes: number | undefined };
  private readonly scratch = new Uint8Array(DATA_HEADER_BYTES + BACK_POINTER_BYTES);

  constructor(options: {
    txn: TransactionMetaData;
    tid: Tid;
    pos: number;
    metadata: EncodedMetadata;
    buffer: TransactionBuffer;
    quota: { readonly path: string; readonly bytes: number | undefined };
  }) {
    this.txn = options.txn;
    this.tid = options.tid;
    this.pos = options.pos;
    this.metadata = options.metadata;
    this.metadataBytes =
      TRANSACTION_HEADER_BYTES +
      options.metadata.user.length +
      options.metadata.description.length +
      options.metadata.extension.length;
    this.buffer = options.buffer;
    this.buffer.reset();
    this.buffer.append(this.encodeMetadataBytes());
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
    encodeDataHeader({ oid, tid: serial, prev, tloc: this.pos, dataBytes }, this.scratch, 0);
    if (data === null || dataBytes === 0) {
      // Empty data cannot be written as data (length 0 means "back pointer"): see EMPTY_DATA_MARKER.
      writePosition(
        data === null ? backPointer : EMPTY_DATA_MARKER,
        this.scratch,
        DATA_HEADER_BYTES,
      );
      this.buffer.append(this.scratch);
    } else {
      this.buffer.append(this.scratch.subarray(0, DATA_HEADER_BYTES));
      this.buffer.append(data);
    }
    this.records.set(oid, { pos, deletion: data === null && backPointer === 0 });
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
    const header = new Uint8Array(TRANSACTION_HEADER_BYTES);
    encodeTransactionHeader(
      {
        tid: this.tid,
        length,
        status: Status.checkpoint,
        userBytes: this.metadata.user.length,
        descriptionBytes: this.metadata.description.length,
        extensionBytes: this.metadata.extension.length,
      },
      header,
      0,
    );
    this.buffer.overwrite(0, header);
    const trailer = new Uint8Array(TRANSACTION_TRAILER_BYTES);
    writePosition(length, trailer, 0);
    this.buffer.writeTo(file, this.pos, trailer);
  }

  /** The metadata part with a blank fixed header (filled in at vote) and user, description, extension. */
  private encodeMetadataBytes(): Uint8Array {
    const head = new Uint8Array(this.metadataBytes);
    let at = TRANSACTION_HEADER_BYTES;
    for (const part of [this.metadata.user, this.metadata.description, this.metadata.extension]) {
      head.set(part, at);
      at += part.length;
    }
    return head;
  }

  private checkQuota(size: number): void {
    if (this.quota.bytes !== undefined && size > this.quota.bytes) {
      throw new FileStorageQuotaError(this.quota.path, this.quota.bytes, size);
    }
  }
}
