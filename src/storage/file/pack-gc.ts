/**
 * The analysis phase of pack: one streaming pass over the file, then the
 * reachability walk. Produces what the copy phase needs, in per-object
 * typed-array tables (a few bytes per object; records are never held).
 *
 * For pack time `t` (transactions with `tid <= t` are "before the pack
 * point", the others "after"):
 * - `current`: oid -> position of its newest record before the pack point
 *   (the revision current at `t`); `deletedAtPack` marks oids whose current
 *   revision is a deletion;
 * - `writtenAfter`: oids with records after the pack point;
 * - `keepPositions`: records before the pack point that back pointers
 *   after it refer to (their data must survive);
 * - `reachable` (with GC): the closure, through `references`, of the
 *   root (oid 0), every oid written after the pack point, every oid a
 *   record after the pack point refers to, and `extraRoots` — so an object
 *   that a later transaction links again is never removed.
 *
 * Without GC (or when the root did not exist at `t`, so reachability is
 * undefined) every object existing at `t` is kept.
 *
 * @module
 */

import type { Oid, Tid } from '../../ids.js';
import { ROOT_OID, readTid } from '../../ids.js';
import type { ReferencesFunction } from '../interfaces.js';
import type { DataFile } from './data-file.js';
import { CorruptedDataError } from '../../errors.js';
import {
  BACK_POINTER_BYTES,
  DATA_HEADER_BYTES,
  FILE_HEADER_BYTES,
  STATUS_OFFSET,
  Status,
  TRANSACTION_HEADER_BYTES,
  TRANSACTION_TRAILER_BYTES,
  pointsAtRecord,
  readOidOrInvalid,
  readPosition,
} from './format.js';
import { PACK_YIELD_EVERY_BYTES } from './limits.js';
import { OidIndex } from './oid-index.js';
import { dataOf, readRecord, readRecordData, readRecordHeader } from './record-reader.js';
import { ScanWindow } from './scan-window.js';

/** The result of the analysis; see the module comment. */
export interface PackAnalysis {
  /** Position of the first transaction after the pack point (or the end). */
  readonly packPos: number;
  /** Number of transactions before the pack point. */
  readonly transactionsBefore: number;
  /**
   * True when packing would change nothing: every transaction before the
   * pack point is already packed and every object current at the pack time
   * is kept.
   */
  readonly redundant: boolean;
  readonly current: OidIndex;
  readonly deletedAtPack: OidIndex;
  readonly writtenAfter: OidIndex;
  readonly keepPositions: OidIndex;
  /** `undefined` when every object existing at the pack time is kept. */
  readonly reachable: OidIndex | undefined;
}

/** Options of {@link analyzeForPack}. */
export interface PackAnalysisOptions {
  readonly packTid: Tid;
  readonly end: number;
  readonly gc: boolean;
  readonly references: ReferencesFunction;
  readonly extraRoots: readonly Oid[];
  readonly extraKeepPositions: readonly number[];
}

/** One walk over one transaction's records: `(oid, position, dataBytes, backPointer)`. */
type RecordVisitor = (oid: Oid, pos: number, dataBytes: number, backPointer: number) => void;

/** Runs the analysis; yields to the event loop every few megabytes. */
export async function analyzeForPack(
  file: DataFile,
  options: PackAnalysisOptions,
): Promise<PackAnalysis> {
  const current = new OidIndex();
  const deletedAtPack = new OidIndex();
  const writtenAfter = new OidIndex();
  const keepPositions = new OidIndex();
  for (const pos of options.extraKeepPositions) keepPositions.set(pos, 1);
  const futureRefs: Oid[] = [...options.extraRoots];
  let packPos = -1;
  let transactionsBefore = 0;
  let unpacked = false;
  await walkTransactions(file, FILE_HEADER_BYTES, options.end, (transaction) => {
    if (transaction.tid <= options.packTid) {
      transactionsBefore++;
      if (transaction.status !== Status.packed) unpacked = true;
      transaction.forEachRecord((oid, rpos, dataBytes, back) => {
        current.set(oid, rpos);
        if (dataBytes === 0 && back === 0) deletedAtPack.set(oid, 1);
        else if (deletedAtPack.size > 0) deletedAtPack.delete(oid);
      });
      return;
    }
    if (packPos < 0) packPos = transaction.pos;
    transaction.forEachRecord((oid, rpos, dataBytes, back) => {
      writtenAfter.set(oid, 1);
      if (dataBytes === 0 && pointsAtRecord(back) && back < packPos) keepPositions.set(back, 1);
      if (!options.gc) return;
      const data =
        dataBytes > 0
          ? transaction.bytes(rpos + DATA_HEADER_BYTES, dataBytes)
          : readRecordData(file, readRecordHeader(file, rpos, oid));
      for (const ref of referencesOf(options.references, data)) futureRefs.push(ref);
    });
  });
  if (packPos < 0) packPos = options.end;
  const gcPossible = options.gc && current.has(ROOT_OID) && !deletedAtPack.has(ROOT_OID);
  const reachable = gcPossible
    ? await markReachable(file, options.references, current, deletedAtPack, [
        ROOT_OID,
        ...futureRefs,
        ...oidsOf(writtenAfter),
      ])
    : undefined;
  return {
    packPos,
    transactionsBefore,
    redundant: !unpacked && !removesObjects(current, deletedAtPack, writtenAfter, reachable),
    current,
    deletedAtPack,
    writtenAfter,
    keepPositions,
    reachable,
  };
}

/** True when some object existing at the pack time would be removed. */
function removesObjects(
  current: OidIndex,
  deletedAtPack: OidIndex,
  writtenAfter: OidIndex,
  reachable: OidIndex | undefined,
): boolean {
  let removes = false;
  current.forEach((oid) => {
    if (deletedAtPack.has(oid)) removes ||= !writtenAfter.has(oid);
    else if (reachable !== undefined) removes ||= !reachable.has(oid);
  });
  return removes;
}

/** The set of oids reachable from `roots` through the revisions current at the pack time. */
async function markReachable(
  file: DataFile,
  references: ReferencesFunction,
  current: OidIndex,
  deletedAtPack: OidIndex,
  roots: Oid[],
): Promise<OidIndex> {
  const reachable = new OidIndex();
  let frontier = roots;
  let visited = 0;
  // Level by level, each level read in file order: forward reads, kind to the page cache and disks.
  while (frontier.length > 0) {
    const positions: number[] = [];
    for (const oid of frontier) {
      if (reachable.has(oid)) continue;
      reachable.set(oid, 1);
      const pos = current.get(oid);
      if (pos !== undefined && !deletedAtPack.has(oid)) positions.push(pos);
    }
    const next: Oid[] = [];
    for (const pos of Float64Array.from(positions).sort()) {
      const data = dataOf(file, readRecord(file, pos));
      for (const ref of referencesOf(references, data)) if (!reachable.has(ref)) next.push(ref);
      if (++visited % 10_000 === 0) await yieldToEventLoop();
    }
    frontier = next;
  }
  return reachable;
}

/** The oids `data` refers to; none for a deletion or an empty record. */
export function referencesOf(
  references: ReferencesFunction,
  data: Uint8Array | null,
): readonly Oid[] {
  return data === null || data.length === 0 ? [] : references(data);
}

function oidsOf(set: OidIndex): Oid[] {
  const out: Oid[] = [];
  set.forEach((oid) => out.push(oid));
  return out;
}

/** A transaction met by {@link walkTransactions}. */
export interface WalkedTransaction {
  readonly tid: Tid;
  readonly status: number;
  /** Position of its header. */
  readonly pos: number;
  /** Its length without the trailer. */
  readonly length: number;
  /** Size of header, user, description and extension. */
  readonly metadataBytes: number;
  /** Visits its data records in order (none for the obsolete status 'u'). */
  forEachRecord(visit: RecordVisitor): void;
  /** A copy of file bytes `[pos, pos + length)`, read through the scan window when it can. */
  bytes(pos: number, length: number): Uint8Array;
  /** Like {@link bytes} but possibly a view of the scan window: use it before the next read. */
  view(pos: number, length: number): Uint8Array;
}

/**
 * Streams the transactions in `[from, end)`, checking lengths, trailers and
 * record placement; damage is a CorruptedDataError (the pack then stops,
 * leaving the file as it was).
 */
export async function walkTransactions(
  file: DataFile,
  from: number,
  end: number,
  visit: (transaction: WalkedTransaction) => void,
): Promise<void> {
  const window = new ScanWindow(file, end);
  const bytes = (pos: number, length: number): Uint8Array =>
    window.copy(pos, length) ?? file.readExactly(pos, length, 'record bytes');
  const view = (pos: number, length: number): Uint8Array =>
    window.view(pos, length) ?? file.readExactly(pos, length, 'record bytes');
  let sinceYield = 0;
  for (let pos = from; pos < end;) {
    const h = window.at(pos, TRANSACTION_HEADER_BYTES);
    if (h < 0) throw damaged(file, pos, 'a transaction header is cut short');
    const buf = window.buffer;
    const tid = readTid(buf, h);
    const length = readPosition(buf, h + 8);
    const status = buf[h + STATUS_OFFSET]!;
    const metadataBytes =
      TRANSACTION_HEADER_BYTES +
      ((buf[h + 17]! << 8) | buf[h + 18]!) +
      ((buf[h + 19]! << 8) | buf[h + 20]!) +
      ((buf[h + 21]! << 8) | buf[h + 22]!);
    const tend = pos + length;
    if (!(length >= metadataBytes) || tend + TRANSACTION_TRAILER_BYTES > end) {
      throw damaged(file, pos, `bad transaction length ${length}`);
    }
    const tpos = pos;
    visit({
      tid,
      status,
      pos: tpos,
      length,
      metadataBytes,
      bytes,
      view,
      forEachRecord: (visitRecord) => {
        if (status !== Status.undone)
          walkRecords(window, file, tpos, tpos + metadataBytes, tend, visitRecord);
      },
    });
    const t = window.at(tend, TRANSACTION_TRAILER_BYTES);
    if (t < 0 || readPosition(window.buffer, t) !== length) {
      throw damaged(file, tend, 'the redundant transaction length does not match');
    }
    pos = tend + TRANSACTION_TRAILER_BYTES;
    sinceYield += length;
    if (sinceYield >= PACK_YIELD_EVERY_BYTES) {
      sinceYield = 0;
      await yieldToEventLoop();
    }
  }
}

function walkRecords(
  window: ScanWindow,
  file: DataFile,
  tpos: number,
  from: number,
  tend: number,
  visit: RecordVisitor,
): void {
  for (let rpos = from; rpos < tend;) {
    const r = window.at(rpos, DATA_HEADER_BYTES + BACK_POINTER_BYTES);
    const at = r >= 0 ? r : window.at(rpos, DATA_HEADER_BYTES);
    if (at < 0) throw damaged(file, rpos, 'a data record header is cut short');
    const b = window.buffer;
    const oid = readOidOrInvalid(b, at);
    const tloc = readPosition(b, at + 24);
    const dataBytes = readPosition(b, at + 34);
    const back = dataBytes === 0 ? readPosition(b, at + DATA_HEADER_BYTES) : 0;
    const next = rpos + DATA_HEADER_BYTES + (dataBytes === 0 ? BACK_POINTER_BYTES : dataBytes);
    if (oid < 0 || tloc !== tpos || !(next <= tend) || !(back < rpos)) {
      throw damaged(file, rpos, 'a damaged data record');
    }
    visit(oid, rpos, dataBytes, back);
    rpos = next;
  }
}

function damaged(file: DataFile, pos: number, what: string): CorruptedDataError {
  return new CorruptedDataError(`pack found damage: ${what}; run check() or recoverFileStorage()`, {
    path: file.path,
    offset: pos,
  });
}

/** Lets other work (loads, commits) run between chunks of a long pack. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
