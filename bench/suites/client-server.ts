/**
 * The client-server storage (issue 7): the object workloads through a
 * storage server in a SEPARATE PROCESS serving a FileStorage (variant
 * `client-server`) beside the same workloads on a FileStorage opened
 * directly in the same run (variant `file, same run`); load round-trip
 * latency; prefetch throughput; four client processes writing
 * non-conflicting objects at once.
 *
 * Cold and warm reads of the client-server variant are measured here, not
 * by the shared object workloads: those reuse one storage for every pass,
 * and a ClientStorage's cache (which also keeps what it committed) would
 * make their "cold" read a cache read. Here a cold pass uses a new
 * ClientStorage (empty client cache: every object comes from the server,
 * with the neighbours the server adds to each load), a warm pass a new
 * connection over a ClientStorage whose cache is full.
 *
 * References: Python ZEO with zodbshootout (two client processes, 1,000
 * objects per transaction, an older laptop): add 8,200 objects/s, cold
 * read 4,900 objects/s; the target is 5x.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Oid, PersistentList, PersistentMapping, Storage } from 'zodb';
// ClientStorage from the sources: the package's "types" condition points at dist/, which may predate it.
import { ClientStorage, DB, FileStorage, TransactionManager } from '../../src/index.js';
import type { BenchFigure, BenchReporter, BenchSuite } from '../reporter.js';
import { BenchProcess } from '../workloads/client-server-processes.js';
import { type BenchObject, runObjectWorkloadsWarm } from '../workloads/objects.js';

const SUITE = 'client-server';
const ZEO_REFERENCES = { add: 8_200, 'cold read': 4_900 };
const TARGET_FACTOR = 5;
const OBJECTS_PER_TRANSACTION = 1000;
const PREFETCH_OIDS = 10_000;
const WRITERS = 4;
const WRITER_OBJECTS = 100;
const CACHE_BYTES = 256 * 1024 * 1024;

/** A reporter that files the shared workloads' figures under this suite, dropping `skip`ped ones. */
function relabel(reporter: BenchReporter, skip: (f: BenchFigure) => boolean): BenchReporter {
  return {
    figures: reporter.figures,
    record: (figure: BenchFigure) => {
      if (!skip(figure)) reporter.record({ ...figure, suite: SUITE });
    },
  } as BenchReporter;
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}

/** Reads every object of the workloads' `root.batches` in `db`; returns objects/s. */
function readAllRate(
  db: DB,
  passes: number,
  beforePass: (conn: ReturnType<DB['open']>) => void,
): number[] {
  const conn = db.open({ transactionManager: new TransactionManager() });
  const rates: number[] = [];
  for (let pass = 0; pass < passes; pass++) {
    beforePass(conn);
    const start = performance.now();
    let objects = 0;
    const batches = conn.root.batches as PersistentList<PersistentMapping<number, BenchObject>>;
    for (const batch of batches) {
      for (const obj of batch.values()) objects += obj.count >= 0 ? 1 : 0;
    }
    rates.push(objects / ((performance.now() - start) / 1000));
  }
  conn.close();
  return rates;
}

interface Context {
  readonly reporter: BenchReporter;
  readonly address: string;
  readonly quick: boolean;
}

function client(c: Context, storage: string, extra: { neighbours?: number } = {}): ClientStorage {
  return new ClientStorage({ address: c.address, storage, cacheSize: CACHE_BYTES, ...extra });
}

/**
 * Cold reads: a new ClientStorage per pass (empty client cache), median of
 * three passes. With the default `neighbours` (64) each load of a 1,000-object
 * batch brings only its first 64 objects along; the `neighbours 1000`
 * variant shows the effect of asking for all of them.
 */
async function coldReads(
  c: Context,
  storage: string,
  total: number,
  neighbours: number | undefined,
): Promise<void> {
  const cold: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    const extra = neighbours === undefined ? {} : { neighbours };
    const db = new DB(client(c, storage, extra), { cacheSize: total + 1000 });
    cold.push(...readAllRate(db, 1, () => undefined));
    await db.close();
  }
  const reference = ZEO_REFERENCES['cold read'];
  c.reporter.record({
    suite: SUITE,
    workload: 'cold read',
    variant: neighbours === undefined ? 'client-server' : `client-server, neighbours ${neighbours}`,
    value: median(cold),
    unit: 'objects/s',
    reference,
    target: reference * TARGET_FACTOR,
    note: 'new ClientStorage per pass (empty client cache)',
  });
}

/** Cold reads, then warm reads: a new connection per pass over a ClientStorage with a full cache. */
async function coldAndWarmReads(c: Context, storage: string, total: number): Promise<void> {
  await coldReads(c, storage, total, undefined);
  await coldReads(c, storage, total, 1000);
  const db = new DB(client(c, storage), { cacheSize: total + 1000 });
  const warm = readAllRate(db, 4, (conn) => conn.cacheMinimize()).slice(1);
  await db.close();
  c.reporter.record({
    suite: SUITE,
    workload: 'warm read',
    variant: 'client-server',
    value: median(warm),
    unit: 'objects/s',
    note: 'empty object cache, full client cache',
  });
}

async function loadLatency(c: Context, storage: string, count: number): Promise<void> {
  const s = client(c, storage, { neighbours: 0 });
  const at = s.lastTransaction();
  const micros: number[] = [];
  for (let oid = 1; oid <= count; oid++) {
    const start = performance.now();
    s.loadAt(oid, at);
    if (oid > count / 10) micros.push((performance.now() - start) * 1000);
  }
  await s.close();
  micros.sort((a, b) => a - b);
  for (const [workload, p] of [
    ['load round trip p50', 0.5],
    ['load round trip p99', 0.99],
  ] as const) {
    c.reporter.record({
      suite: SUITE,
      workload,
      variant: 'client-server',
      value: percentile(micros, p),
      unit: 'µs',
      better: 'lower',
      note: 'single uncached loads, no neighbours',
    });
  }
}

async function prefetchThroughput(c: Context, storage: string): Promise<void> {
  const oids: Oid[] = Array.from({ length: PREFETCH_OIDS }, (_, i) => i + 1);
  const rates: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    const s = client(c, storage, { neighbours: 0 });
    const start = performance.now();
    await s.prefetch(oids, s.lastTransaction());
    rates.push(PREFETCH_OIDS / ((performance.now() - start) / 1000));
    await s.close();
  }
  c.reporter.record({
    suite: SUITE,
    workload: `prefetch ${PREFETCH_OIDS.toLocaleString('en-US')} oids`,
    variant: 'client-server',
    value: median(rates),
    unit: 'objects/s',
  });
}

async function concurrentWriters(c: Context, storage: string): Promise<void> {
  const transactions = c.quick ? 10 : 200;
  const writers = Array.from(
    { length: WRITERS },
    (_, i) =>
      new BenchProcess('client-server-writer', [
        c.address,
        storage,
        String(WRITER_OBJECTS),
        String(i),
        String(transactions),
      ]),
  );
  await Promise.all(writers.map((w) => w.line('ready')));
  const start = performance.now();
  for (const writer of writers) writer.send('go');
  const done = await Promise.all(writers.map((w) => w.line('done ')));
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(writers.map((w) => w.exited));
  const sums = done.map((d) => d.split(' ').map(Number));
  const commits = sums.reduce((sum, [n]) => sum + (n ?? 0), 0);
  const objects = sums.reduce((sum, [, n]) => sum + (n ?? 0), 0);
  const variant = `${WRITERS} client processes`;
  const note = `${WRITER_OBJECTS} objects per commit, no conflicts`;
  c.reporter.record({
    suite: SUITE,
    workload: 'concurrent commits',
    variant,
    value: commits / seconds,
    unit: 'commits/s',
    note,
  });
  c.reporter.record({
    suite: SUITE,
    workload: 'concurrent writes',
    variant,
    value: objects / seconds,
    unit: 'objects/s',
    note,
  });
}

const suite: BenchSuite = async (reporter, { quick }) => {
  const dir = mkdtempSync(join(tmpdir(), 'zodb-bench-client-server-'));
  const served = ['warm-up', 'timed', 'writers'];
  const server = new BenchProcess(
    'client-server-server',
    served.map((name) => `${name}=${join(dir, `${name}.fs`)}`),
  );
  try {
    const c: Context = { reporter, address: await server.line('listening '), quick };
    const transactions = quick ? 10 : 100;
    const smallCommits = quick ? 20 : 500;
    const shape = { transactions, objectsPerTransaction: OBJECTS_PER_TRANSACTION, smallCommits };
    let direct = 0;
    await runObjectWorkloadsWarm(
      relabel(reporter, () => false),
      {
        ...shape,
        variant: 'file, same run',
        makeStorage: () => FileStorage.open(join(dir, `direct-${++direct}.fs`)),
      },
    );
    const names = ['warm-up', 'timed'];
    let made = 0;
    await runObjectWorkloadsWarm(
      relabel(reporter, (f) => f.workload === 'cold read' || f.workload === 'warm read'),
      {
        ...shape,
        variant: 'client-server',
        makeStorage: (): Storage => client(c, names[made++] ?? 'timed'),
        references: { add: ZEO_REFERENCES.add },
        targetFactor: TARGET_FACTOR,
      },
    );
    await coldAndWarmReads(c, 'timed', transactions * OBJECTS_PER_TRANSACTION);
    await loadLatency(c, 'timed', quick ? 500 : 5000);
    await prefetchThroughput(c, 'timed');
    await concurrentWriters(c, 'writers');
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

export default suite;
