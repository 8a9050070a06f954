/**
 * Reading whole transaction headers (with user, description and extension)
 * at known positions, and walking transactions backwards from the end of
 * the file through their redundant trailing lengths (for `undoLog` and to
 * find a transaction by tid).
 *
 * @module
 */

import { CorruptedDataError } from '../../errors.js';
import type { Tid } from '../../ids.js';
import type { DataFile } from './data-file.js';
import { decodeExtension } from './extension-codec.js';
import type { TransactionHeader } from './format.js';
import {
  FILE_HEADER_BYTES,
  Status,
  TRANSACTION_HEADER_BYTES,
  TRANSACTION_TRAILER_BYTES,
  decodeTransactionHeader,
  readPosition,
  transactionMetadataBytes,
} from './format.js';

/** A transaction header with its decoded metadata. */
export interface TransactionInfo extends TransactionHeader {
  /** Position of the transaction header. */
  readonly pos: number;
  /** Position of its first data record. */
  readonly recordsStart: number;
  /** Position of its trailer (end of its records). */
  readonly end: number;
  readonly user: string;
  readonly description: string;
  readonly extension: Record<string, unknown>;
  /** The stored extension bytes. */
  readonly extensionData: Uint8Array;
}

const textDecoder = new TextDecoder('utf-8', { fatal: false });

/** Reads the transaction header and metadata at `pos`. */
export function readTransactionInfo(file: DataFile, pos: number): TransactionInfo {
  const header = decodeTransactionHeader(
    file.readExactly(pos, TRANSACTION_HEADER_BYTES, 'transaction header'),
  );
  const metadataBytes = transactionMetadataBytes(header) - TRANSACTION_HEADER_BYTES;
  if (!(header.length >= metadataBytes + TRANSACTION_HEADER_BYTES)) {
    throw new CorruptedDataError(
      `transaction length ${header.length} is shorter than its metadata`,
      { path: file.path, offset: pos },
    );
  }
  const metadata = file.readExactly(
    pos + TRANSACTION_HEADER_BYTES,
    metadataBytes,
    'transaction metadata',
  );
  const userEnd = header.userBytes;
  const descriptionEnd = userEnd + header.descriptionBytes;
  const extensionData = metadata.slice(descriptionEnd, descriptionEnd + header.extensionBytes);
  return {
    ...header,
    pos,
    recordsStart: pos + TRANSACTION_HEADER_BYTES + metadataBytes,
    end: pos + header.length,
    user: textDecoder.decode(metadata.subarray(0, userEnd)),
    description: textDecoder.decode(metadata.subarray(userEnd, descriptionEnd)),
    extension: decodeExtension(extensionData),
    extensionData,
  };
}

/**
 * Positions of the transactions ending at or before `end`, newest first,
 * read through the trailing lengths. A trailer that does not lead to a
 * matching header is a {@link CorruptedDataError}.
 */
export function* transactionsBackward(
  file: DataFile,
  end: number,
): Generator<{ pos: number; header: TransactionHeader }> {
  const trailer = new Uint8Array(TRANSACTION_TRAILER_BYTES);
  const headerBytes = new Uint8Array(TRANSACTION_HEADER_BYTES);
  let at = end;
  while (at > FILE_HEADER_BYTES) {
    if (file.readInto(trailer, at - TRANSACTION_TRAILER_BYTES) !== TRANSACTION_TRAILER_BYTES) break;
    const length = readPosition(trailer, 0);
    const pos = at - TRANSACTION_TRAILER_BYTES - length;
    if (
      !(pos >= FILE_HEADER_BYTES) ||
      file.readInto(headerBytes, pos) !== TRANSACTION_HEADER_BYTES
    ) {
      throw new CorruptedDataError(
        `the trailing transaction length ${length} leads outside the file`,
        {
          path: file.path,
          offset: at - TRANSACTION_TRAILER_BYTES,
        },
      );
    }
    const header = decodeTransactionHeader(headerBytes);
    if (header.length !== length) {
      throw new CorruptedDataError(
        `the trailing transaction length ${length} does not match the header's ${header.length}`,
        { path: file.path, offset: at - TRANSACTION_TRAILER_BYTES },
      );
    }
    yield { pos, header };
    at = pos;
  }
}

/**
 * The position of the transaction `tid` among those ending at or before
 * `end`, or `undefined`; with `stopAtPacked` the search stops at the first
 * packed transaction (undo never reaches past a pack).
 */
export function findTransaction(
  file: DataFile,
  end: number,
  tid: Tid,
  options: { readonly stopAtPacked: boolean },
): number | undefined {
  for (const { pos, header } of transactionsBackward(file, end)) {
    if (header.tid === tid) return pos;
    if (header.tid < tid) return undefined;
    if (options.stopAtPacked && header.status === Status.packed) return undefined;
  }
  return undefined;
}
