/**
 * The object workloads of the core issue, runnable on any storage:
 * add, update, small commits, cold, warm and hot read.
 *
 * Python ZODB 6.3 (C extensions) on this machine kind, for reference:
 * MappingStorage add 48,000/s, update 72,000/s, small commits 27,000/s,
 * cold read 59,000/s, hot read 4.9M/s; FileStorage add 44,000/s, update
 * 36,000/s, small commits ~2,000/s, cold read 61,000/s.
 */
import {
  DB,
  Persistent,
  PersistentList,
  PersistentMapping,
  TransactionManager,
  registerClass,
} from 'zodb';
import type { Storage } from 'zodb';
import type { BenchReporter } from '../reporter.js';

/** The benchmark object: a 5-attribute class. */
export class BenchObject extends Persistent {
  name = 'object';
  count = 0;
  ratio = 0.5;
  active = true;
  tag = 'bench';
}
registerClass(BenchObject, 'bench.BenchObject');

export interface ObjectWorkloadOptions {
  variant: string;
  /** A fresh, empty storage; `reopen` gives a second handle on the same data for cold reads (default: the same storage). */
  makeStorage(): Promise<Storage> | Storage;
  transactions: number;
  objectsPerTransaction: number;
  smallCommits: number;
  references?: Partial<
    Record<'add' | 'update' | 'small commits' | 'cold read' | 'warm read' | 'hot read', number>
  >;
  /** Multiplier of the reference that is the target (default 3). */
  targetFactor?: number;
  /**
   * Size of the untimed warm-up pass of {@link runObjectWorkloadsWarm}, as a
   * fraction of `transactions` and `smallCommits` (default 0.1). A full-size
   * pass (1) also lets the heap grow to its working size before timing.
   */
  warmup?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * Runs the object workloads: first once untimed (at a tenth of the size
 * unless `o.warmup` says otherwise), on a storage of its own, so the JIT has
 * compiled every path; then timed.
 */
export async function runObjectWorkloadsWarm(
  reporter: BenchReporter,
  o: ObjectWorkloadOptions,
): Promise<void> {
  const discard = { record: () => {} } as unknown as BenchReporter;
  const fraction = o.warmup ?? 0.1;
  await runObjectWorkloads(discard, {
    ...o,
    transactions: Math.max(2, Math.floor(o.transactions * fraction)),
    smallCommits: Math.max(20, Math.floor(o.smallCommits * fraction)),
  });
  await runObjectWorkloads(reporter, o);
}

/**
 * Collects the garbage of earlier phases (the bench runs Node with
 * `--expose-gc`), so a timed phase pays only for its own: after the
 * untimed warm-up pass, a whole database of garbage waits to be collected.
 */
function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function seconds(start: number): number {
  return (performance.now() - start) / 1000;
}

/** Runs add, update, small commits, cold/warm/hot read on one storage kind. */
export async function runObjectWorkloads(
  reporter: BenchReporter,
  o: ObjectWorkloadOptions,
): Promise<void> {
  const storage = await o.makeStorage();
  const db = new DB(storage, { cacheSize: o.transactions * o.objectsPerTransaction + 1000 });
  const tm = new TransactionManager();
  const conn = db.open({ transactionManager: tm });
  const factor = o.targetFactor ?? 3;
  const record = (
    workload: keyof NonNullable<ObjectWorkloadOptions['references']>,
    value: number,
    hotFactor?: number,
  ) => {
    const reference = o.references?.[workload];
    reporter.record({
      suite: 'objects',
      workload,
      variant: o.variant,
      value,
      unit: workload === 'small commits' ? 'commits/s' : 'objects/s',
      reference,
      target: reference === undefined ? undefined : reference * (hotFactor ?? factor),
    });
  };

  const batches = new PersistentList<PersistentMapping<number, BenchObject>>();
  conn.root.batches = batches;
  await tm.commit();
  const total = o.transactions * o.objectsPerTransaction;

  settle();
  let start = performance.now();
  for (let t = 0; t < o.transactions; t++) {
    const batch = new PersistentMapping<number, BenchObject>();
    for (let i = 0; i < o.objectsPerTransaction; i++) batch.set(i, new BenchObject());
    batches.push(batch);
    await tm.commit();
  }
  record('add', total / seconds(start));

  settle();
  start = performance.now();
  for (const batch of batches) {
    for (const obj of batch.values()) obj.count += 1;
    await tm.commit();
  }
  record('update', total / seconds(start));

  // Small commits: one warm-up sample, then the median of five samples of
  // `smallCommits` commits each (a 2,000-commit run on its own mostly
  // measures the JIT warming up: 12k/s first, ~50k/s once warm).
  const one = batches.get(0)?.get(0) as BenchObject;
  const samples: number[] = [];
  for (let sample = 0; sample < 6; sample++) {
    start = performance.now();
    for (let i = 0; i < o.smallCommits; i++) {
      one.count = i;
      await tm.commit();
    }
    if (sample > 0) samples.push(o.smallCommits / seconds(start));
  }
  record('small commits', median(samples));

  const readAll = (c: typeof conn): number => {
    let sum = 0;
    for (const batch of c.root.batches as PersistentList<PersistentMapping<number, BenchObject>>) {
      for (const obj of batch.values()) sum += obj.count;
    }
    return sum;
  };

  // Cold read: each pass a new DB and connection (empty caches) on the same
  // storage; the median of three passes.
  const coldRates: number[] = [];
  let cold = conn;
  for (let pass = 0; pass < 3; pass++) {
    if (pass > 0) cold.close();
    cold = new DB(storage, { cacheSize: total + 1000 }).open({
      transactionManager: new TransactionManager(),
    });
    start = performance.now();
    readAll(cold);
    coldRates.push(total / seconds(start));
  }
  record('cold read', median(coldRates));

  const warmRates: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    cold.cacheMinimize();
    start = performance.now();
    readAll(cold);
    warmRates.push(total / seconds(start));
  }
  record('warm read', median(warmRates));

  start = performance.now();
  const rounds = 5;
  for (let r = 0; r < rounds; r++) readAll(cold);
  record('hot read', (rounds * total) / seconds(start), 1);

  cold.close();
  conn.close();
  await db.close();
}

/** Raw attribute get/set on an active persistent object versus a plain object. */
export function runAttributeAccess(reporter: BenchReporter): void {
  const persistent = new BenchObject();
  const plain = { name: 'object', count: 0, ratio: 0.5, active: true, tag: 'bench' };
  const n = 20_000_000;
  const measure = (label: string, target: { count: number }) => {
    let sum = 0;
    let start = performance.now();
    for (let i = 0; i < n; i++) sum += target.count;
    reporter.record({
      suite: 'objects',
      workload: 'attribute get',
      variant: label,
      value: n / seconds(start),
      unit: 'gets/s',
    });
    start = performance.now();
    for (let i = 0; i < n; i++) target.count = i;
    reporter.record({
      suite: 'objects',
      workload: 'attribute set',
      variant: label,
      value: n / seconds(start),
      unit: 'sets/s',
    });
    return sum;
  };
  measure('plain object', plain);
  measure('persistent (unsaved)', persistent);
}
