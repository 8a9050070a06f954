/**
 * Recovery of a damaged Data.fs (ZODB's `fsrecover`): copies every intact
 * transaction into a new file and reports what it dropped.
 *
 * A transaction is intact when its header, every data record and its
 * trailing length check out (the same rules as `check.ts`) and its tid
 * follows the last kept one. After damage, the search for the next intact
 * transaction tries every byte offset. Kept transactions are rewritten
 * with the positions they have in the new file; a back pointer into a
 * dropped region is replaced by the data when that can still be read,
 * otherwise its transaction is dropped too (and reported).
 *
 * The damaged file is never changed. To use the result, close every
 * storage on the file and rename the output over it (and delete the old
 * `.index`).
 *
 * @module
 */

import * as fs from 'node:fs';
import { CorruptedDataError, StorageError } from '../../errors.js';
import type { Oid, Tid } from '../../ids.js';
import { readTid } from '../../ids.js';
import { Appender } from './appender.js';
import { DataFile } from './data-file.js';
import {
  BACK_POINTER_BYTES,
  DATA_HEADER_BYTES,
  FILE_HEADER_BYTES,
  FILE_MAGIC,
  STATUS_OFFSET,
  Status,
  TRANSACTION_HEADER_BYTES,
  TRANSACTION_TRAILER_BYTES,
  encodeRecord,
  pointsAtRecord,
  encodeTransactionHeader,
  equalBytes8,
  readOidOrInvalid,
  readPosition,
  writePosition,
} from './format.js';
import { OidIndex } from './oid-index.js';
import { readRecordData, readRecordHeader } from './record-reader.js';
import { checkMagic } from './scanner.js';
import { ScanWindow } from './scan-window.js';
import { readTransactionInfo } from './transaction-reader.js';

/** Options of {@link recoverFileStorage}. */
export interface RecoveryOptions {
  /** Where to write the recovered file; default `<path>.recovered`. */
  readonly output?: string;
  /** Replace `output` if it exists; default `false` (then an existing output is an error). */
  readonly overwrite?: boolean;
}

/** A part of the damaged file that was not copied. */
export interface DroppedRegion {
  /** Offset in the damaged file. */
  readonly offset: number;
  /** Its length in bytes. */
  readonly length: number;
  /** What was wrong there. */
  readonly reason: string;
}

/** What {@link recoverFileStorage} did. */
export interface RecoveryReport {
  /** The recovered file. */
  readonly output: string;
  /** Transactions copied into the output. */
  readonly transactionsKept: number;
  /** Data records copied into the output. */
  readonly recordsKept: number;
  /** Tid of the last kept transaction (0 when none). */
  readonly lastTid: Tid;
  /** The regions of the damaged file that were not copied, in file order. */
  readonly dropped: readonly DroppedRegion[];
  /** Total length of the dropped regions. */
  readonly bytesDropped: number;
}

/** Recovers `dataPath` into a new file; see the module comment. */
export async function recoverFileStorage(
  dataPath: string,
  options: RecoveryOptions = {},
): Promise<RecoveryReport> {
  const output = options.output ?? `${dataPath}.recovered`;
  if (options.overwrite !== true && fs.existsSync(output)) {
    throw new StorageError(
      `recoverFileStorage: ${output} exists; remove it or pass overwrite: true`,
    );
  }
  const input = DataFile.open(dataPath, 'read');
  try {
    checkMagic(input);
    const out = DataFile.open(output, 'create');
    try {
      const report = await new Recovery(input, out, output).run();
      out.datasync();
      return report;
    } finally {
      out.release();
    }
  } finally {
    input.release();
  }
}

/** One transaction that passed validation. */
interface IntactTransaction {
  readonly tid: Tid;
  readonly status: number;
  readonly length: number;
  readonly records: readonly { oid: Oid; pos: number; dataBytes: number; back: number }[];
}

class Recovery {
  private readonly size: number;
  private readonly window: ScanWindow;
  private readonly appender: Appender;
  private readonly index = new OidIndex();
  private readonly moved = new OidIndex();
  private readonly dropped: DroppedRegion[] = [];
  private lastTid: Tid = 0n;
  private transactionsKept = 0;
  private recordsKept = 0;

  constructor(
    private readonly input: DataFile,
    output: DataFile,
    private readonly outputPath: string,
  ) {
    this.size = input.size();
    this.window = new ScanWindow(input, this.size);
    output.write(FILE_MAGIC, 0);
    this.appender = new Appender(output, FILE_HEADER_BYTES);
  }

  async run(): Promise<RecoveryReport> {
    let pos = FILE_HEADER_BYTES;
    let sinceYield = 0;
    while (pos < this.size) {
      const checked = this.validate(pos);
      if (typeof checked === 'string') {
        const next = this.findNext(pos + 1);
        this.dropped.push({ offset: pos, length: next - pos, reason: checked });
        pos = next;
        continue;
      }
      const end = pos + checked.length + TRANSACTION_TRAILER_BYTES;
      const problem =
        checked.status === Status.checkpoint
          ? 'a transaction that never finished'
          : this.copy(pos, checked);
      if (problem !== undefined)
        this.dropped.push({ offset: pos, length: end - pos, reason: problem });
      pos = end;
      sinceYield += checked.length;
      if (sinceYield > 8 << 20) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    this.appender.flush();
    return {
      output: this.outputPath,
      transactionsKept: this.transactionsKept,
      recordsKept: this.recordsKept,
      lastTid: this.lastTid,
      dropped: this.dropped,
      bytesDropped: this.dropped.reduce((sum, d) => sum + d.length, 0),
    };
  }

  /** The transaction at `pos` if intact, else the reason it is not. */
  private validate(pos: number): IntactTransaction | string {
    const h = this.window.at(pos, TRANSACTION_HEADER_BYTES);
    if (h < 0) return 'the file ends inside a transaction header';
    const buf = this.window.buffer;
    const tid = readTid(buf, h);
    const length = readPosition(buf, h + 8);
    const status = buf[h + STATUS_OFFSET]!;
    if (status !== Status.committed && status !== Status.packed && status !== Status.checkpoint) {
      return `invalid transaction status ${status}`;
    }
    if (tid <= this.lastTid) return 'the transaction id does not follow the previous one';
    const metadata =
      TRANSACTION_HEADER_BYTES +
      ((buf[h + 17]! << 8) | buf[h + 18]!) +
      ((buf[h + 19]! << 8) | buf[h + 20]!) +
      ((buf[h + 21]! << 8) | buf[h + 22]!);
    const tend = pos + length;
    if (!(length >= metadata) || tend + TRANSACTION_TRAILER_BYTES > this.size)
      return 'a bad transaction length';
    const tidBytes = buf.slice(h, h + 8);
    const records: { oid: Oid; pos: number; dataBytes: number; back: number }[] = [];
    for (let rpos = pos + metadata; rpos < tend;) {
      const r = this.window.at(rpos, DATA_HEADER_BYTES);
      if (r < 0 || rpos + DATA_HEADER_BYTES > tend)
        return 'a data record extends past its transaction';
      const b = this.window.buffer;
      const oid = readOidOrInvalid(b, r);
      const dataBytes = readPosition(b, r + 34);
      const next = rpos + DATA_HEADER_BYTES + (dataBytes === 0 ? BACK_POINTER_BYTES : dataBytes);
      if (oid < 0 || !(next <= tend)) return 'a data record extends past its transaction';
      if (
        readPosition(b, r + 24) !== pos ||
        !equalBytes8(b, r + 8, tidBytes, 0) ||
        b[r + 32] !== 0 ||
        b[r + 33] !== 0
      ) {
        return 'a data record does not belong to its transaction';
      }
      let back = 0;
      if (dataBytes === 0) {
        const p = this.window.at(rpos + DATA_HEADER_BYTES, BACK_POINTER_BYTES);
        back = p < 0 ? Infinity : readPosition(this.window.buffer, p);
        if (!(back < rpos)) return 'a back pointer does not point backwards';
      }
      records.push({ oid, pos: rpos, dataBytes, back });
      rpos = next;
    }
    const t = this.window.at(tend, TRANSACTION_TRAILER_BYTES);
    if (t < 0 || readPosition(this.window.buffer, t) !== length)
      return 'the redundant transaction length does not match';
    return { tid, status, length, records };
  }

  /** The offset of the next intact transaction at or after `from`, or the end of the file. */
  private findNext(from: number): number {
    for (
      let pos = from;
      pos + TRANSACTION_HEADER_BYTES + TRANSACTION_TRAILER_BYTES <= this.size;
      pos++
    ) {
      const h = this.window.at(pos, TRANSACTION_HEADER_BYTES);
      if (h < 0) break;
      const status = this.window.buffer[h + STATUS_OFFSET];
      if (status !== Status.committed && status !== Status.packed) continue;
      if (typeof this.validate(pos) !== 'string') return pos;
    }
    return this.size;
  }

  /** Copies an intact transaction; returns why it could not be, if so. */
  private copy(pos: number, txn: IntactTransaction): string | undefined {
    const info = readTransactionInfo(this.input, pos);
    const newTpos = this.appender.position;
    const metadataBytes = info.recordsStart - pos;
    const parts: Uint8Array[] = [];
    const placed: [Oid, number, number][] = [];
    let at = newTpos + metadataBytes;
    for (const record of txn.records) {
      let data: Uint8Array | null = null;
      let back = record.back;
      if (record.dataBytes > 0) {
        data = this.input.readExactly(record.pos + DATA_HEADER_BYTES, record.dataBytes, 'data');
      } else if (pointsAtRecord(record.back)) {
        back = this.moved.get(record.back) ?? 0;
        if (back === 0) {
          data = this.dataBehind(record.oid, record.pos);
          if (data === null) return 'a back pointer refers to data in a dropped region';
        }
      }
      // Every record of a transaction points to the oid's last record before it, as the writer does.
      const prev = this.index.get(record.oid) ?? 0;
      const bytes = encodeRecord(
        { oid: record.oid, tid: txn.tid, prev, tloc: newTpos },
        data,
        back,
      );
      parts.push(bytes);
      placed.push([record.oid, record.pos, at]);
      at += bytes.length;
    }
    const length = at - newTpos;
    const head = this.input.readExactly(pos, metadataBytes, 'transaction header');
    encodeTransactionHeader({ ...info, length }, head);
    this.appender.append(head);
    for (const part of parts) this.appender.append(part);
    const trailer = new Uint8Array(TRANSACTION_TRAILER_BYTES);
    writePosition(length, trailer, 0);
    this.appender.append(trailer);
    for (const [oid, oldPos, newPos] of placed) {
      this.index.set(oid, newPos);
      this.moved.set(oldPos, newPos);
    }
    this.lastTid = txn.tid;
    this.transactionsKept++;
    this.recordsKept += placed.length;
    return undefined;
  }

  /** The data a back-pointer record at `pos` refers to, when still readable. */
  private dataBehind(oid: Oid, pos: number): Uint8Array | null {
    try {
      return readRecordData(this.input, readRecordHeader(this.input, pos, oid));
    } catch (error) {
      if (error instanceof CorruptedDataError) return null;
      throw error;
    }
  }
}
