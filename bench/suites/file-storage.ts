/**
 * Storage-level FileStorage workloads: the disk's raw fsync rate, small
 * commits (one writer, eight writers through group commit), opening with
 * the saved index, rebuilding the index by scanning, pack, and random
 * current-record loads.
 *
 * Run: node --conditions=source --import tsx bench/run-suite.ts file-storage [--quick]
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_TID, ROOT_OID, ZERO_TID } from '../../src/ids.js';
import type { Oid } from '../../src/ids.js';
import { FileStorage, rebuildIndex } from '../../src/storage/file/index.js';
import type { ReferencesFunction } from '../../src/storage/interfaces.js';
import type { BenchReporter, BenchSuite } from '../reporter.js';

const SUITE = 'file-storage';

/** Python ZODB's figures named by the issue. */
const PYTHON = { rebuildMBps: 130, packMBps: 22, openWithIndexMs: 1 };

/** Bench record: u32 count of references, the oids as u32s, then payload. */
function benchRecord(refs: readonly Oid[], payloadBytes: number, fill: number): Uint8Array {
  const out = new Uint8Array(4 + refs.length * 4 + payloadBytes).fill(fill);
  const view = new DataView(out.buffer);
  view.setUint32(0, refs.length);
  refs.forEach((oid, i) => view.setUint32(4 + i * 4, oid));
  return out;
}

const benchReferences: ReferencesFunction = (data) => {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = view.getUint32(0);
  return Array.from({ length: count }, (_, i) => view.getUint32(4 + i * 4));
};

function meta(description: string): {
  user: string;
  description: string;
  extension: Record<string, unknown>;
} {
  return { user: 'bench', description, extension: {} };
}

/** Commits `writes` (oid, data) in one transaction with current serials. */
async function commitWrites(
  s: FileStorage,
  writes: readonly (readonly [Oid, Uint8Array])[],
): Promise<void> {
  const txn = meta('bench');
  await s.tpcBegin(txn);
  for (const [oid, data] of writes)
    s.store(oid, s.loadAt(oid, MAX_TID)?.serial ?? ZERO_TID, data, txn);
  await s.tpcVote(txn);
  await s.tpcFinish(txn);
}

/**
 * The disk's commit ceiling: appends of 200 bytes (the size of one small
 * commit's transaction) to `fd` at `position`, each followed by an
 * `fdatasync`, as fast as possible for `ms`. The file keeps growing from
 * slice to slice, as a Data.fs does. Returns the syncs done and the new end.
 */
function rawFsyncs(fd: number, position: number, ms: number): { count: number; end: number } {
  const chunk = new Uint8Array(200).fill(1);
  let end = position;
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    fs.writeSync(fd, chunk, 0, chunk.length, end);
    end += chunk.length;
    fs.fdatasyncSync(fd);
    count++;
  }
  return { count, end };
}

/**
 * Small commits (one ~100-byte record each) by `writers` concurrent writers
 * for `ms` on storage `s`; each writer tracks its object's serial itself.
 * Returns the number of commits.
 */
async function smallCommits(s: FileStorage, oids: readonly Oid[], ms: number): Promise<number> {
  let commits = 0;
  const start = performance.now();
  await Promise.all(
    oids.map(async (oid, i) => {
      let serial = s.loadAt(oid, MAX_TID)?.serial ?? ZERO_TID;
      for (let n = 0; performance.now() - start < ms; n++) {
        const txn = meta('small commit');
        await s.tpcBegin(txn);
        s.store(oid, serial, benchRecord([], 100, (n + i) & 0xff), txn);
        await s.tpcVote(txn);
        serial = await s.tpcFinish(txn);
        commits++;
      }
    }),
  );
  return commits;
}

/** Counts and elapsed milliseconds of one kind of fsync-bound loop, summed over rounds. */
class RateSamples {
  private count = 0;
  private ms = 0;
  /** The rate of each round, per second. */
  readonly rounds: number[] = [];

  /** Times `run` (which returns how many operations it did) and adds it. */
  async add(run: () => number | Promise<number>): Promise<void> {
    const start = performance.now();
    const count = await run();
    const ms = performance.now() - start;
    this.count += count;
    this.ms += ms;
    this.rounds.push((count * 1000) / ms);
  }

  /** Operations per second over all rounds. */
  get rate(): number {
    return (this.count * 1000) / this.ms;
  }
}

/**
 * The fsync-bound workloads, measured in short interleaved slices (raw,
 * one writer, eight writers, again and again) so that the three see the
 * same drift of the disk's speed (on a shared disk it changes several-fold
 * within seconds); each figure is the rate over all its slices. The ratio
 * of one writer to the raw rate comes with the spread (quartiles) of the
 * per-round ratios.
 */
async function fsyncBound(reporter: BenchReporter, dir: string, quick: boolean): Promise<void> {
  const rounds = quick ? 6 : 20;
  const sliceMs = quick ? 50 : 140;
  const single = new FileStorage(join(dir, 'single.fs'), { create: true });
  const eight = new FileStorage(join(dir, 'eight.fs'), { create: true });
  const singleOids = [single.newOid()];
  const eightOids = Array.from({ length: 8 }, () => eight.newOid());
  const rawFd = fs.openSync(join(dir, 'fsync.dat'), 'w');
  let rawEnd = 0;
  const raw = new RateSamples();
  const one = new RateSamples();
  const many = new RateSamples();
  try {
    for (let i = 0; i < rounds; i++) {
      await raw.add(() => {
        const done = rawFsyncs(rawFd, rawEnd, sliceMs);
        rawEnd = done.end;
        return done.count;
      });
      await one.add(() => smallCommits(single, singleOids, sliceMs));
      await many.add(() => smallCommits(eight, eightOids, sliceMs));
    }
  } finally {
    fs.closeSync(rawFd);
    await Promise.all([single.close(), eight.close()]);
  }
  const ratios = one.rounds.map((rate, i) => rate / raw.rounds[i]!).sort((a, b) => a - b);
  const percent = (ratio: number): string => `${(ratio * 100).toFixed(0)}%`;
  const quartiles = `${percent(ratios[Math.floor(ratios.length / 4)]!)}-${percent(ratios[Math.floor((ratios.length * 3) / 4)]!)}`;
  const workload = 'raw fsync rate (append 200 B + fdatasync)';
  reporter.record({ suite: SUITE, workload, variant: 'disk', value: raw.rate, unit: 'syncs/s' });
  reporter.record({
    suite: SUITE,
    workload: 'small commits, 1 writer',
    variant: `${percent(one.rate / raw.rate)} of raw fsync (rounds ${quartiles})`,
    value: one.rate,
    unit: 'commits/s',
    target: raw.rate * 0.9,
  });
  reporter.record({
    suite: SUITE,
    workload: 'small commits, 8 writers (group commit)',
    variant: `${(many.rate / one.rate).toFixed(1)}x 1 writer`,
    value: many.rate,
    unit: 'commits/s',
    target: one.rate * 4,
  });
}

/** Writes a file of about `targetBytes` with several revisions per object; returns its objects. */
async function buildLargeFile(path: string, targetBytes: number): Promise<Oid[]> {
  const revisions = 5;
  const recordBytes = 100;
  const objects = Math.floor(targetBytes / revisions / (recordBytes + 50));
  const s = new FileStorage(path, { create: true });
  const oids = Array.from({ length: objects }, () => s.newOid());
  await commitWrites(s, [[ROOT_OID, benchRecord(oids, 0, 0)]]);
  const perTransaction = 1000;
  for (let revision = 0; revision < revisions; revision++) {
    for (let at = 0; at < oids.length; at += perTransaction) {
      const batch = oids.slice(at, at + perTransaction);
      await commitWrites(
        s,
        batch.map((oid) => [oid, benchRecord([], recordBytes, revision)] as const),
      );
    }
  }
  await s.close();
  return oids;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function openAndRebuild(
  reporter: BenchReporter,
  path: string,
  quick: boolean,
): Promise<void> {
  const megabytes = fs.statSync(path).size / 2 ** 20;
  const openTimes: number[] = [];
  for (let i = 0; i < (quick ? 3 : 7); i++) {
    const start = performance.now();
    const s = new FileStorage(path, { readOnly: true });
    openTimes.push(performance.now() - start);
    if (s.indexSource !== 'saved')
      throw new Error(`expected the saved index, got ${s.indexSource}`);
    await s.close();
  }
  reporter.record({
    suite: SUITE,
    workload: 'open with index',
    variant: `${megabytes.toFixed(0)} MB`,
    value: median(openTimes),
    unit: 'ms',
    reference: PYTHON.openWithIndexMs,
    better: 'lower',
  });
  const scanTimes: number[] = [];
  for (let i = 0; i < (quick ? 2 : 5); i++) {
    const start = performance.now();
    rebuildIndex(path);
    scanTimes.push(performance.now() - start);
  }
  reporter.record({
    suite: SUITE,
    workload: 'open with the index rebuilt by scanning',
    variant: `${megabytes.toFixed(0)} MB`,
    value: megabytes / (median(scanTimes) / 1000),
    unit: 'MB/s',
    reference: PYTHON.rebuildMBps,
    target: PYTHON.rebuildMBps * 3,
  });
}

function randomLoads(
  reporter: BenchReporter,
  path: string,
  oids: readonly Oid[],
  ms: number,
): Promise<void> {
  const s = new FileStorage(path, { readOnly: true });
  let n = 0;
  let seed = 12345;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 1000; i++) {
      // A 32-bit LCG kept exact by Math.imul (a plain product in doubles
      // loses its low bits and cycles within a few thousand steps); its
      // high bits pick the record.
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      s.loadAt(oids[Math.floor((seed / 4294967296) * oids.length)]!, MAX_TID);
    }
    n += 1000;
  }
  reporter.record({
    suite: SUITE,
    workload: 'loadAt of random current records',
    variant: 'warm page cache',
    value: (n * 1000) / (performance.now() - start),
    unit: 'loads/s',
  });
  return s.close();
}

async function pack(reporter: BenchReporter, path: string): Promise<void> {
  const megabytes = fs.statSync(path).size / 2 ** 20;
  const s = new FileStorage(path, { packKeepOld: false });
  const start = performance.now();
  await s.pack(s.lastTransaction(), benchReferences);
  const seconds = (performance.now() - start) / 1000;
  const after = fs.statSync(path).size / 2 ** 20;
  await s.close();
  reporter.record({
    suite: SUITE,
    workload: 'pack (GC, 5 revisions per object)',
    variant: `${megabytes.toFixed(0)} MB -> ${after.toFixed(0)} MB`,
    value: megabytes / seconds,
    unit: 'MB/s',
    reference: PYTHON.packMBps,
    target: PYTHON.packMBps * 3,
  });
}

const suite: BenchSuite = async (reporter, { quick }) => {
  const dir = fs.mkdtempSync(join(tmpdir(), 'zodb-bench-fs-'));
  try {
    const ms = quick ? 300 : 1500;
    await fsyncBound(reporter, dir, quick);
    const path = join(dir, 'large.fs');
    const oids = await buildLargeFile(path, quick ? 12 * 2 ** 20 : 64 * 2 ** 20);
    await openAndRebuild(reporter, path, quick);
    await randomLoads(reporter, path, oids, ms);
    await pack(reporter, path);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

export default suite;
