/**
 * A transaction a connection is committing: its metadata (the identity the
 * storage sees), the pipelined operations buffered until `vote`, blob files
 * being uploaded, the first error met (reported at `vote`), and where it
 * is in the commit.
 *
 * States:
 * ```
 * open --vote/undo--> locking --lock granted--> locked --vote ok--> voted --finish--> done
 *                                                  \--conflicts--> (locked, waiting for resolve + vote)
 * any --tpcAbort / error / connection closed / timeout--> done (lock released)
 * ```
 *
 * @module
 */

import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { StorageTransactionError, TransactionTooLargeError } from '../errors.js';
import type { Oid, Tid } from '../ids.js';
import type { TransactionMetaData } from '../storage/interfaces.js';
import { BLOBS_PER_TRANSACTION_MAX, TRANSACTION_BUFFER_BYTES_MAX } from './limits.js';

/** A buffered operation. */
export type TransactionOp =
  | { kind: 'store'; oid: Oid; oldSerial: Tid; data: Uint8Array; blobPath?: string | undefined }
  | { kind: 'checkCurrent'; oid: Oid; serial: Tid }
  | { kind: 'delete'; oid: Oid; oldSerial: Tid }
  | {
      kind: 'restore';
      oid: Oid;
      serial: Tid;
      data: Uint8Array | null;
      prevTxn: Tid | null;
      blobPath?: string | undefined;
    };

/** Where a transaction is in its commit. */
export type TransactionPhase = 'open' | 'locking' | 'locked' | 'voted' | 'finishing' | 'done';

/** One transaction of one connection. */
export class PendingTransaction {
  readonly meta: TransactionMetaData;
  readonly ops: TransactionOp[] = [];
  /** How many of {@link ops} the committer has handed to the storage (or found conflicting). */
  opsTried = 0;
  /** Ops the storage refused with a conflict at the last vote, to hand over again (resolved) at the next. */
  conflicting: TransactionOp[] = [];
  phase: TransactionPhase = 'open';
  /** The first error of a pipelined message, reported by `vote`. */
  error: Error | undefined;
  private bufferedBytes = 0;
  private readonly uploads = new Map<number, { path: string; fd: number | undefined }>();
  /** Blob files handed to the storage (it deletes them on abort). */
  private readonly ownedByStorage = new Set<string>();
  /** Stops the transaction timeout. */
  clearTimer: () => void = () => {};

  constructor(
    readonly txnId: number,
    meta: TransactionMetaData,
    readonly tid: Tid | null,
  ) {
    this.meta = meta;
  }

  /** True once the storage's commit lock was asked for. */
  get holdsOrAwaitsLock(): boolean {
    return (
      this.phase === 'locking' ||
      this.phase === 'locked' ||
      this.phase === 'voted' ||
      this.phase === 'finishing'
    );
  }

  /** Remembers the first error. */
  fail(error: Error): void {
    this.error ??= error;
  }

  /** Buffers an operation (only before the vote). */
  add(op: TransactionOp): void {
    if (this.phase !== 'open' && this.phase !== 'locked') {
      throw new StorageTransactionError(
        `transaction ${this.txnId} is ${this.phase}: no more stores are accepted`,
      );
    }
    const size = op.kind === 'store' || op.kind === 'restore' ? (op.data?.length ?? 0) : 0;
    this.bufferedBytes += size + 32;
    if (this.bufferedBytes > TRANSACTION_BUFFER_BYTES_MAX) {
      throw new TransactionTooLargeError(
        `transaction ${this.txnId} buffers more than ${TRANSACTION_BUFFER_BYTES_MAX} bytes before its vote`,
      );
    }
    this.ops.push(op);
  }

  /** Appends a chunk of blob `blobId` to its upload file in `directory`. */
  writeBlobChunk(blobId: number, chunk: Uint8Array, directory: string): void {
    let upload = this.uploads.get(blobId);
    if (upload === undefined) {
      if (this.uploads.size >= BLOBS_PER_TRANSACTION_MAX) {
        throw new TransactionTooLargeError(`transaction ${this.txnId} uploads too many blobs`);
      }
      const path = join(directory, `upload-${randomUUID()}.blob`);
      upload = { path, fd: openSync(path, 'wx', 0o600) };
      this.uploads.set(blobId, upload);
    }
    if (upload.fd === undefined)
      throw new StorageTransactionError(
        `blob ${blobId} of transaction ${this.txnId} is already complete`,
      );
    let offset = 0;
    while (offset < chunk.length) offset += writeSync(upload.fd, chunk, offset);
  }

  /** Completes upload `blobId` (an empty file when no chunk came) and returns its path. */
  completeBlob(blobId: number, directory: string): string {
    if (!this.uploads.has(blobId)) this.writeBlobChunk(blobId, new Uint8Array(0), directory);
    const upload = this.uploads.get(blobId)!;
    if (upload.fd === undefined)
      throw new StorageTransactionError(
        `blob ${blobId} of transaction ${this.txnId} was used twice`,
      );
    closeSync(upload.fd);
    upload.fd = undefined;
    return upload.path;
  }

  /** Notes that the storage took ownership of `path`. */
  handedOver(path: string): void {
    this.ownedByStorage.add(path);
  }

  /** Closes and deletes every upload the storage did not take. */
  discardUploads(): void {
    for (const upload of this.uploads.values()) {
      if (upload.fd !== undefined) closeSync(upload.fd);
      if (!this.ownedByStorage.has(upload.path)) rmSync(upload.path, { force: true });
    }
    this.uploads.clear();
  }
}
