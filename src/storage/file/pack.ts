/**
 * Pack: rewrite the Data.fs without the revisions that were not current at
 * the pack time and (with GC) without objects unreachable from the root.
 *
 * Steps (commits continue except during step 4):
 * 1. Analysis (`pack-gc.ts`): one streaming pass and the reachability walk.
 * 2. Copy the transactions before the pack point into `Data.fs.pack`, each
 *    with only its kept records (status `'p'`, back pointers resolved to
 *    data), building the new index as it goes.
 * 3. Copy the transactions after the pack point unchanged but for their
 *    positions, then what was committed meanwhile (a few rounds at most,
 *    `PACK_CATCH_UP_ROUNDS_MAX`), without the commit lock.
 * 4. Take the commit lock, make finished transactions durable, copy the
 *    last ones, flush the new file, put it in place (the old file
 *    hard-linked as `.old` when `packKeepOld`, then `.pack` renamed over
 *    `Data.fs`, so the path never goes missing), save the index, give the
 *    lock back.
 *
 * Records committed during the pack are checked: if one refers to an object
 * the analysis found unreachable (a client linked it again) or backs onto a
 * record that was dropped, the attempt is abandoned and the pack starts
 * over with those objects as extra roots, so nothing a new transaction
 * refers to is ever removed. Any failure (disk full, damage found) removes
 * `Data.fs.pack` and leaves the storage as it was.
 *
 * @module
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { StorageError } from '../../errors.js';
import type { Oid, Tid } from '../../ids.js';
import type { ReferencesFunction } from '../interfaces.js';
import type { CommitLockRelease } from '../commit-lock.js';
import { Appender } from './appender.js';
import { DataFile, ioError, syncDirectory } from './data-file.js';
import {
  DATA_HEADER_BYTES,
  FILE_HEADER_BYTES,
  FILE_MAGIC,
  Status,
  STATUS_OFFSET,
  TRANSACTION_TRAILER_BYTES,
  dataRecordBytes,
  encodeRecord,
  pointsAtRecord,
  writePosition,
} from './format.js';
import { saveIndexFile } from './index-file.js';
import { PACK_ATTEMPTS_MAX, PACK_CATCH_UP_ROUNDS_MAX } from './limits.js';
import { OidIndex } from './oid-index.js';
import type { StoragePaths } from './open-data-file.js';
import type { PackAnalysis } from './pack-gc.js';
import { analyzeForPack, referencesOf, walkTransactions } from './pack-gc.js';
import type { WalkedTransaction } from './pack-gc.js';
import { readRecordData, readRecordHeader } from './record-reader.js';

/** The new file, put in place by the storage under the commit lock. */
export interface PackSwap {
  readonly file: DataFile;
  readonly index: OidIndex;
  readonly deleted: OidIndex;
  readonly end: number;
}

/** What pack needs from the storage. */
export interface PackHost {
  readonly paths: StoragePaths;
  readonly gc: boolean;
  readonly keepOld: boolean;
  /** The current data file. */
  file(): DataFile;
  /** End of the finished transactions. */
  end(): number;
  /** Tid of the last finished transaction. */
  lastTid(): Tid;
  /** Takes the commit lock (FIFO). */
  lock(): Promise<CommitLockRelease>;
  /** Makes finished transactions durable and visible now. */
  flushFinished(): void;
  /** Switches the storage to the packed file (called under the commit lock). */
  swap(swap: PackSwap): void;
}

/** Packs the storage at pack time `packTid`; see the module comment. */
export async function packStorage(
  host: PackHost,
  packTid: Tid,
  references: ReferencesFunction,
): Promise<void> {
  const extraRoots: Oid[] = [];
  const extraKeep: number[] = [];
  for (let attempt = 1; attempt <= PACK_ATTEMPTS_MAX; attempt++) {
    const outcome = await packOnce(host, packTid, references, extraRoots, extraKeep);
    if (outcome.kind === 'done') return;
    extraRoots.push(...outcome.roots);
    extraKeep.push(...outcome.keep);
  }
  throw new StorageError(
    `pack of ${host.paths.data} gave up after ${PACK_ATTEMPTS_MAX} attempts: transactions committed ` +
      `during the pack kept referring to objects it was removing; pack again later`,
  );
}

type Outcome = { kind: 'done' } | { kind: 'retry'; roots: Oid[]; keep: number[] };

async function packOnce(
  host: PackHost,
  packTid: Tid,
  references: ReferencesFunction,
  extraRoots: readonly Oid[],
  extraKeepPositions: readonly number[],
): Promise<Outcome> {
  const source = host.file().retain();
  const analysisEnd = host.end();
  try {
    const analysis = await analyzeForPack(source, {
      packTid,
      end: analysisEnd,
      gc: host.gc,
      references,
      extraRoots,
      extraKeepPositions,
    });
    if (analysis.transactionsBefore === 0 || analysis.redundant) return { kind: 'done' };
    return await writePackedFile(host, source, { ...analysis, analysisEnd }, references);
  } finally {
    source.release();
  }
}

/** The analysis and the file end it covered. */
interface AnalysisWithEnd extends PackAnalysis {
  readonly analysisEnd: number;
}

async function writePackedFile(
  host: PackHost,
  source: DataFile,
  analysis: AnalysisWithEnd,
  references: ReferencesFunction,
): Promise<Outcome> {
  const { paths } = host;
  if (!host.keepOld) fs.rmSync(paths.old, { force: true });
  const output = DataFile.open(paths.pack, 'create');
  let swapped = false;
  try {
    const copier = new PackCopier(source, output, analysis, references);
    await copier.copyBeforePackPoint();
    let copied = analysis.packPos;
    // Catch up without the lock a few times, so that little is left to copy under it.
    for (let round = 0; round < PACK_CATCH_UP_ROUNDS_MAX && copied < host.end(); round++) {
      const end = host.end();
      await copier.copyAfterPackPoint(copied, end);
      copied = end;
    }
    const release = await host.lock();
    try {
      host.flushFinished();
      await copier.copyAfterPackPoint(copied, host.end());
      const retry = copier.retryNeeded();
      if (retry !== undefined) return retry;
      copier.finish();
      output.datasync();
      installPackedFile(paths, host.keepOld);
      swapped = true;
      output.cacheableEnd = copier.position;
      host.swap({
        file: output,
        index: copier.index,
        deleted: copier.deleted,
        end: copier.position,
      });
      saveIndexFile(paths.index, {
        end: copier.position,
        lastTid: host.lastTid(),
        index: copier.index,
        deleted: copier.deleted,
      });
      return { kind: 'done' };
    } finally {
      release();
    }
  } finally {
    if (!swapped) {
      output.release();
      fs.rmSync(paths.pack, { force: true });
    }
  }
}

/**
 * `Data.fs.pack` -> `Data.fs` by one atomic rename; with `keepOld` the old
 * file is first hard-linked as `Data.fs.old` (renamed where links fail), so
 * the path `Data.fs` never goes missing.
 */
function installPackedFile(paths: StoragePaths, keepOld: boolean): void {
  fs.rmSync(paths.index, { force: true });
  try {
    if (keepOld) {
      fs.rmSync(paths.old, { force: true });
      try {
        fs.linkSync(paths.data, paths.old);
      } catch {
        fs.renameSync(paths.data, paths.old);
      }
    }
    fs.renameSync(paths.pack, paths.data);
  } catch (error) {
    throw ioError(`cannot put the packed file ${paths.pack} in place of ${paths.data}`, error);
  }
  syncDirectory(path.dirname(paths.data));
}

/** A record chosen to survive the pack. */
interface KeptRecord {
  readonly oid: Oid;
  readonly pos: number;
  readonly dataBytes: number;
  readonly back: number;
}

/** Writes the packed file; see the module comment. */
class PackCopier {
  readonly index = new OidIndex();
  readonly deleted = new OidIndex();
  /** Old position -> new position of the records kept for back pointers. */
  private readonly moved = new OidIndex();
  private readonly out: Appender;
  /** Where the transactions after the pack point start in the new file. */
  private newPackPos = 0;
  private readonly missingRoots = new Set<Oid>();
  private readonly missingKeep = new Set<number>();

  constructor(
    private readonly source: DataFile,
    output: DataFile,
    private readonly analysis: AnalysisWithEnd,
    private readonly references: ReferencesFunction,
  ) {
    output.write(FILE_MAGIC, 0);
    this.out = new Appender(output, FILE_HEADER_BYTES);
  }

  get position(): number {
    return this.out.position;
  }

  /** Step 2: the transactions before the pack point, with kept records only. */
  async copyBeforePackPoint(): Promise<void> {
    const { packPos, current, keepPositions, transactionsBefore } = this.analysis;
    let seen = 0;
    await walkTransactions(this.source, FILE_HEADER_BYTES, packPos, (transaction) => {
      const kept: KeptRecord[] = [];
      transaction.forEachRecord((oid, pos, dataBytes, back) => {
        const keep = (current.get(oid) === pos && this.isLive(oid)) || keepPositions.has(pos);
        if (keep) kept.push({ oid, pos, dataBytes, back });
      });
      // The last transaction before the pack point stays, even empty, so the file keeps its last tid.
      seen++;
      if (kept.length > 0 || seen === transactionsBefore)
        this.writePackedTransaction(transaction, kept);
    });
    this.newPackPos = this.out.position;
  }

  private isLive(oid: Oid): boolean {
    const { deletedAtPack, reachable, writtenAfter } = this.analysis;
    if (deletedAtPack.has(oid)) return writtenAfter.has(oid);
    return reachable === undefined || reachable.has(oid);
  }

  /** Writes a packed copy of `transaction` with the `kept` records, back pointers resolved to data. */
  private writePackedTransaction(
    transaction: WalkedTransaction,
    kept: readonly KeptRecord[],
  ): void {
    const { pos: tpos, metadataBytes, tid } = transaction;
    const newTpos = this.out.position;
    // Records without their own data get it resolved first: their size is needed for the header.
    const resolved = kept.map((r) =>
      r.dataBytes > 0
        ? undefined
        : readRecordData(this.source, readRecordHeader(this.source, r.pos, r.oid)),
    );
    let length = metadataBytes;
    kept.forEach((r, i) => (length += dataRecordBytes(r.dataBytes || (resolved[i]?.length ?? 0))));
    const head = transaction.bytes(tpos, metadataBytes);
    writePosition(length, head, 8);
    head[STATUS_OFFSET] = Status.packed;
    this.out.append(head);
    kept.forEach((record, i) => {
      const pos = this.out.position;
      const prev = this.index.get(record.oid) ?? 0;
      if (record.dataBytes > 0) {
        this.out.append(transaction.view(record.pos, DATA_HEADER_BYTES + record.dataBytes));
        this.out.patchPosition(pos + 16, prev);
        this.out.patchPosition(pos + 24, newTpos);
      } else {
        this.out.append(
          encodeRecord({ oid: record.oid, tid, prev, tloc: newTpos }, resolved[i] ?? null),
        );
      }
      this.noteRecord(record.oid, pos, record.dataBytes === 0 && resolved[i] === null);
      if (this.analysis.keepPositions.has(record.pos)) this.moved.set(record.pos, pos);
    });
    this.appendTrailer(length);
  }

  /** Step 3/4: transactions in `[from, to)` of the source, after the pack point. */
  async copyAfterPackPoint(from: number, to: number): Promise<void> {
    await walkTransactions(this.source, from, to, (transaction) => {
      const { pos: tpos, metadataBytes, length } = transaction;
      if (transaction.status === Status.undone) {
        // Obsolete "undone" transaction of old ZODB files: readers skip it; copied as is so positions keep their offset.
        this.out.append(transaction.bytes(tpos, length + TRANSACTION_TRAILER_BYTES));
        return;
      }
      const newTpos = this.out.position;
      this.out.append(transaction.view(tpos, metadataBytes));
      const updates: [Oid, number, boolean][] = [];
      transaction.forEachRecord((oid, pos, dataBytes, back) => {
        const newPos = this.out.position;
        if (pos >= this.analysis.analysisEnd) {
          const data = dataBytes > 0 ? transaction.bytes(pos + DATA_HEADER_BYTES, dataBytes) : null;
          this.checkReferences(oid, pos, data, back);
        }
        this.out.append(transaction.view(pos, dataRecordBytes(dataBytes)));
        this.out.patchPosition(newPos + 16, this.index.get(oid) ?? 0);
        this.out.patchPosition(newPos + 24, newTpos);
        if (dataBytes === 0)
          this.out.patchPosition(newPos + DATA_HEADER_BYTES, this.translate(oid, back));
        updates.push([oid, newPos, dataBytes === 0 && back === 0]);
      });
      for (const [oid, newPos, deletion] of updates) this.noteRecord(oid, newPos, deletion);
      this.appendTrailer(length);
    });
  }

  /** A back pointer's target in the new file. */
  private translate(oid: Oid, back: number): number {
    if (!pointsAtRecord(back)) return back;
    if (back >= this.analysis.packPos) return back - this.analysis.packPos + this.newPackPos;
    const moved = this.moved.get(back);
    if (moved !== undefined) return moved;
    this.missingKeep.add(back);
    this.missingRoots.add(oid);
    return 0;
  }

  /**
   * For records the analysis did not see (committed during the pack):
   * remembers references to objects the pack is removing.
   */
  private checkReferences(oid: Oid, pos: number, data: Uint8Array | null, back: number): void {
    const bytes =
      data ??
      (pointsAtRecord(back)
        ? readRecordData(this.source, readRecordHeader(this.source, pos, oid))
        : null);
    for (const ref of referencesOf(this.references, bytes)) {
      if (this.isRemoved(ref)) this.missingRoots.add(ref);
    }
  }

  private isRemoved(oid: Oid): boolean {
    const { current, deletedAtPack } = this.analysis;
    return current.has(oid) && !deletedAtPack.has(oid) && !this.isLive(oid);
  }

  /** The retry outcome when records committed during the pack need removed data. */
  retryNeeded(): Outcome | undefined {
    if (this.missingRoots.size === 0 && this.missingKeep.size === 0) return undefined;
    return { kind: 'retry', roots: [...this.missingRoots], keep: [...this.missingKeep] };
  }

  /** Writes out buffered output. */
  finish(): void {
    this.out.flush();
  }

  private noteRecord(oid: Oid, pos: number, deletion: boolean): void {
    this.index.set(oid, pos);
    if (deletion) this.deleted.set(oid, 1);
    else if (this.deleted.size > 0) this.deleted.delete(oid);
  }

  private appendTrailer(length: number): void {
    const trailer = new Uint8Array(TRANSACTION_TRAILER_BYTES);
    writePosition(length, trailer, 0);
    this.out.append(trailer);
  }
}
