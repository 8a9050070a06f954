/**
 * BTrees at scale: 10^6 shuffled string keys in an OOBTree and 10^6
 * shuffled integer keys in an IIBTree, in one transaction, on the in-memory
 * storage and on FileStorage: insert, commit, random lookups, full
 * iteration, a 10% range, the records one lookup loads and full iteration
 * after reopening (every bucket loaded from the storage), and what one
 * changed key costs in records and bytes.
 * The in-memory operations are compared with the `sorted-btree` package,
 * and with Python's BTrees (C extensions) in the same run when a Python
 * with BTrees is found (`ZODB_BENCH_PYTHON`, else `python3`, else
 * `/usr/bin/python3`; Debian's package is `python3-btrees`): same keys, same
 * order, same machine at the same moment (bench/python/btrees_reference.py).
 * Each timed phase starts after a full garbage collection (when the runner
 * exposes `gc`), and its note gives the CPU seconds it used.
 *
 * References: Python's BTrees with their C extensions on this kind of
 * machine. Targets (the issue's): 2x on the OOBTree figures and on commit
 * times, equal on the IIBTree in-memory figures, 2x on iteration after
 * reopen. `--quick` uses 10^5 keys.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sortedBTree from 'sorted-btree';
import { DB, FileStorage, MappingStorage, TransactionManager } from 'zodb';
import type { Storage } from 'zodb';
import { IIBTree, OOBTree } from 'zodb/btrees';
import type { BenchReporter, BenchSuite } from '../reporter.js';
import { shuffled } from '../shuffle.js';

type Key = string | number;

interface TreeCase {
  name: 'OOBTree' | 'IIBTree';
  keys: Key[];
  make(): OOBTree<Key, number> | IIBTree;
  /** Python's figures: per second, except commit (seconds). */
  reference: { insert: number; lookup: number; commit: number; iterate: number; reopen: number };
  /** How many times the reference the target is, per figure. */
  factor: { insert: number; lookup: number; commit: number; iterate: number; reopen: number };
  /** Python's in-memory figures measured in this run, when there are any. */
  live?: PythonRun | undefined;
}

interface StorageKind {
  variant: 'mapping' | 'file';
  /** A new, empty storage. */
  create(): Promise<Storage>;
  /** The same data through a new storage object (or the same one, for the in-memory storage). */
  reopen(previous: Storage): Promise<Storage>;
}

/**
 * CPU seconds (user + system, every thread of the process) of the last
 * timed run: on a loaded machine a steadier figure than the wall clock,
 * which also counts the time other processes hold the cores.
 */
let lastCpuSeconds = 0;

/** Collects the garbage of earlier phases (when `--expose-gc` is on), so a phase pays only for its own. */
function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function time(fn: () => void): number {
  settle();
  const cpu = process.cpuUsage();
  const start = performance.now();
  fn();
  const seconds = (performance.now() - start) / 1000;
  lastCpuSeconds = cpuSecondsSince(cpu);
  return seconds;
}

async function timeAsync(fn: () => Promise<void>): Promise<number> {
  settle();
  const cpu = process.cpuUsage();
  const start = performance.now();
  await fn();
  const seconds = (performance.now() - start) / 1000;
  lastCpuSeconds = cpuSecondsSince(cpu);
  return seconds;
}

/** Wraps `storage.store` to count records and bytes. */
function countStores(storage: Storage): { records: number; bytes: number } {
  const counts = { records: 0, bytes: 0 };
  const store = storage.store.bind(storage);
  storage.store = (oid, oldSerial, data, txn) => {
    counts.records++;
    counts.bytes += data.length;
    store(oid, oldSerial, data, txn);
  };
  return counts;
}

type AnyTree = OOBTree<Key, number> | IIBTree;

function insertAll(tree: AnyTree, keys: Key[]): void {
  for (let i = 0; i < keys.length; i++) tree.set(keys[i] as never, i);
}

let sink = 0;

function lookupAll(tree: AnyTree, keys: Key[]): void {
  for (let i = 0; i < keys.length; i++) sink += tree.get(keys[i] as never)!;
}

function iterateKeys(tree: AnyTree): void {
  for (const key of tree.keys()) sink += typeof key === 'number' ? key : 1;
}

function iterateEntries(tree: AnyTree): void {
  for (const [, value] of tree) sink += value;
}

/** Wraps `storage.loadAt` to count the records loaded. */
function countLoads(storage: Storage): { records: number } {
  const counts = { records: 0 };
  const loadAt = storage.loadAt.bind(storage);
  storage.loadAt = (oid, at) => {
    counts.records++;
    return loadAt(oid, at);
  };
  return counts;
}

/** "1.52x Python" for a figure Python measured in this run, else undefined. */
function comparedWithPython(
  live: PythonRun | undefined,
  variant: StorageKind['variant'],
  ref: keyof TreeCase['reference'] | undefined,
  value: number,
): string | undefined {
  if (live === undefined || ref === undefined) return undefined;
  if (ref === 'commit') {
    const seconds = live[variant]?.commit.seconds;
    return seconds === undefined ? undefined : `${(seconds / value).toFixed(2)}x as fast as Python`;
  }
  const rate = ref === 'reopen' ? live[variant]?.reopen.rate : live[ref].rate;
  return rate === undefined ? undefined : `${(value / rate).toFixed(2)}x Python`;
}

async function runCase(reporter: BenchReporter, kind: StorageKind, c: TreeCase): Promise<void> {
  const n = c.keys.length;
  const record = (
    workload: string,
    value: number,
    unit: string,
    ref?: keyof TreeCase['reference'],
    note?: string,
  ) => {
    const lower = ref === 'commit' || unit === 'records' || unit === 'bytes';
    const reference = ref === undefined ? undefined : c.reference[ref];
    const target =
      ref === undefined
        ? undefined
        : lower
          ? reference! / c.factor[ref]
          : reference! * c.factor[ref];
    const counted = unit === 'records' || unit === 'bytes';
    const cpu = counted ? undefined : `cpu ${lastCpuSeconds.toFixed(3)} s`;
    const vsLive = comparedWithPython(c.live, kind.variant, ref, value);
    reporter.record({
      suite: 'btrees',
      workload: `${c.name} ${workload}`,
      variant: kind.variant,
      value,
      unit,
      reference,
      target,
      better: lower ? 'lower' : 'higher',
      sameRun: vsLive,
      note: [note, cpu].filter((part) => part !== undefined).join('; ') || undefined,
    });
  };
  let storage = await kind.create();
  let db = new DB(storage, { cacheSize: 2 * n });
  let tm = new TransactionManager();
  let conn = db.open({ transactionManager: tm });
  // Warm-up (the JIT): a tenth of the keys into a tree committed and looked
  // up first, so the figures below are steady-state ones.
  const warm = c.make();
  conn.root.warm = warm;
  const tenth = c.keys.slice(0, Math.ceil(n / 10));
  for (const [i, key] of tenth.entries()) warm.set(key as never, i);
  await tm.commit();
  for (const key of tenth) warm.get(key as never);
  for (const _ of warm.keys());
  for (const _ of warm);
  delete conn.root.warm;
  const tree = c.make();
  conn.root.tree = tree;
  await tm.commit();
  const counts = countStores(storage);

  record('insert', n / time(() => insertAll(tree, c.keys)), 'keys/s', 'insert');
  const commitSeconds = await timeAsync(() => tm.commit());
  const written = `${counts.records} records, ${(counts.bytes / 1e6).toFixed(1)} MB`;
  record('commit', commitSeconds, 's', 'commit', written);
  const probes = shuffled(c.keys.slice());
  record('lookup', n / time(() => lookupAll(tree, probes)), 'lookups/s', 'lookup');
  record('iterate keys', n / time(() => iterateKeys(tree)), 'items/s', 'iterate');
  record('iterate entries', n / time(() => iterateEntries(tree)), 'items/s');
  const sorted = c.keys.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const range = { min: sorted[Math.floor(n * 0.45)], max: sorted[Math.floor(n * 0.55) - 1] };
  let inRange = 0;
  const rangeSeconds = time(() => {
    for (const _ of tree.keys(range as never)) inRange++;
  });
  const rangeNote = `${inRange} keys in ${(rangeSeconds * 1000).toFixed(1)} ms`;
  record('range 10%', inRange / rangeSeconds, 'items/s', undefined, rangeNote);

  // Reopen: every bucket comes from the storage.
  if (kind.variant === 'file') {
    await db.close();
    storage = await kind.reopen(storage);
    db = new DB(storage, { cacheSize: 2 * n });
  }
  const loads = countLoads(storage);
  tm = new TransactionManager();
  conn = db.open({ transactionManager: tm, cacheSize: 2 * n });
  const reloaded = conn.root.tree as OOBTree<Key, number>;
  reloaded._p_activate();
  loads.records = 0;
  reloaded.get(c.keys[n >> 2] as never);
  record(
    'lookup after reopen: records loaded',
    loads.records,
    'records',
    undefined,
    'one internal node per level below the (loaded) root, then the bucket',
  );
  let count = 0;
  record(
    'iterate after reopen',
    n /
      time(() => {
        for (const _ of reloaded.keys()) count++;
      }),
    'items/s',
    'reopen',
  );
  if (count !== n) throw new Error(`iterated ${count} keys after reopen, expected ${n}`);

  const after = countStores(storage);
  reloaded.set(c.keys[n >> 1] as never, -1);
  await tm.commit();
  record(
    'one key changed: records',
    after.records,
    'records',
    undefined,
    'records written by the commit',
  );
  record(
    'one key changed: bytes',
    after.bytes,
    'bytes',
    undefined,
    'record bytes written by the commit',
  );
  await db.close();
}

/** The package is CommonJS with its class as `exports.default`. */
const SortedBTree = sortedBTree.default;

function compareWithSortedBTree(reporter: BenchReporter, name: string, keys: Key[]): void {
  const n = keys.length;
  const tree = new SortedBTree<Key, number>();
  const record = (workload: string, value: number, unit: string) =>
    reporter.record({
      suite: 'btrees',
      workload: `${name} ${workload}`,
      variant: 'sorted-btree (in memory)',
      value,
      unit,
    });
  record(
    'insert',
    n /
      time(() => {
        for (let i = 0; i < n; i++) tree.set(keys[i]!, i);
      }),
    'keys/s',
  );
  let sum = 0;
  const probes = shuffled(keys.slice());
  record(
    'lookup',
    n /
      time(() => {
        for (let i = 0; i < n; i++) sum += tree.get(probes[i]!)!;
      }),
    'lookups/s',
  );
  record(
    'iterate keys',
    n /
      time(() => {
        for (const k of tree.keys()) sum += typeof k === 'number' ? k : 1;
      }),
    'items/s',
  );
  if (sum === 0.5) process.stderr.write('');
}

/** A rate (per wall-clock second) with the CPU seconds it used. */
interface PythonRate {
  rate: number;
  cpu: number;
}

/** Python's figures on one storage: commit seconds, iteration after reopen. */
interface PythonDatabaseFigures {
  commit: { seconds: number; cpu: number };
  reopen: PythonRate;
}

/** What bench/python/btrees_reference.py prints for one family. */
interface PythonRun {
  python: string;
  btrees: string;
  insert: PythonRate;
  lookup: PythonRate;
  iterate: PythonRate;
  /** Present when Python's ZODB was importable. */
  zodb?: string;
  mapping?: PythonDatabaseFigures;
  file?: PythonDatabaseFigures;
}

/** A Python that imports BTrees with C extensions, or undefined. */
function findPython(env: NodeJS.ProcessEnv): string | undefined {
  const candidates = [process.env.ZODB_BENCH_PYTHON, 'python3', '/usr/bin/python3'];
  const probe = 'from BTrees.OOBTree import OOBTree; assert not OOBTree.__name__.endswith("Py")';
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === '') continue;
    const result = spawnSync(candidate, ['-c', probe], { stdio: 'ignore', env });
    if (result.status === 0) return candidate;
  }
  return undefined;
}

/**
 * Runs bench/python/btrees_reference.py on `n` keys of each family (one
 * process each) and records its figures: in memory always, and commit and
 * iteration after reopen on both storages when Python's ZODB is importable
 * (`ZODB_PYTHON_SRC` names its source tree, as for the tools test). A
 * family is missing from the result when no Python with BTrees is found or
 * its run fails (said on stderr: the rest of the suite goes on).
 */
function measurePython(
  reporter: BenchReporter,
  n: number,
  directory: string,
): Partial<Record<'OO' | 'II', PythonRun>> {
  const source = process.env.ZODB_PYTHON_SRC;
  const env =
    source === undefined || source === ''
      ? process.env
      : {
          ...process.env,
          PYTHONPATH: [source, process.env.PYTHONPATH].filter((p) => p).join(':'),
        };
  const python = findPython(env);
  if (python === undefined) {
    process.stderr.write(
      "  (no Python with BTrees' C extensions: skipping the same-run comparison; " +
        'apt-get install python3-btrees, or set ZODB_BENCH_PYTHON)\n',
    );
    return {};
  }
  const script = join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    'python',
    'btrees_reference.py',
  );
  const runs: Partial<Record<'OO' | 'II', PythonRun>> = {};
  for (const family of ['OO', 'II'] as const) {
    settle();
    const child = spawnSync(python, [script, family, String(n), directory], {
      encoding: 'utf8',
      env,
    });
    if (child.status !== 0) {
      process.stderr.write(
        `  (Python's ${family}BTree run failed, exit ${child.status}: ${child.stderr.trim()})\n`,
      );
      continue;
    }
    const run = JSON.parse(child.stdout) as PythonRun;
    runs[family] = run;
    const record = (workload: string, variant: string, value: number, unit: string, cpu: number) =>
      reporter.record({
        suite: 'btrees',
        workload: `${family}BTree ${workload}`,
        variant: `Python ${run.python}, BTrees ${run.btrees}${variant}`,
        value,
        unit,
        better: unit === 's' ? 'lower' : 'higher',
        note: `cpu ${cpu.toFixed(3)} s`,
      });
    record('insert', ' (in memory)', run.insert.rate, 'keys/s', run.insert.cpu);
    record('lookup', ' (in memory)', run.lookup.rate, 'lookups/s', run.lookup.cpu);
    record('iterate keys', ' (in memory)', run.iterate.rate, 'items/s', run.iterate.cpu);
    for (const kind of ['mapping', 'file'] as const) {
      const figures = run[kind];
      if (figures === undefined) continue;
      const variant = `, ZODB ${run.zodb} (${kind})`;
      record('commit', variant, figures.commit.seconds, 's', figures.commit.cpu);
      record('iterate after reopen', variant, figures.reopen.rate, 'items/s', figures.reopen.cpu);
    }
  }
  if (runs.OO?.zodb === undefined) {
    process.stderr.write(
      "  (Python's ZODB not importable: no same-run commit and reopen figures; " +
        'set ZODB_PYTHON_SRC to its source tree)\n',
    );
  }
  return runs;
}

const suite: BenchSuite = async (reporter, { quick }) => {
  const n = quick ? 100_000 : 1_000_000;
  const strings = shuffled(Array.from({ length: n }, (_, i) => `key${String(i).padStart(8, '0')}`));
  const ints = shuffled(Array.from({ length: n }, (_, i) => i * 3));
  const cases: TreeCase[] = [
    {
      name: 'OOBTree',
      keys: strings,
      make: () => new OOBTree<Key, number>(),
      reference: { insert: 480_000, lookup: 485_000, commit: 0.84, iterate: 17e6, reopen: 1.6e6 },
      factor: { insert: 2, lookup: 2, commit: 2, iterate: 2, reopen: 2 },
    },
    {
      name: 'IIBTree',
      keys: ints,
      make: () => new IIBTree(),
      reference: { insert: 2.2e6, lookup: 2.3e6, commit: 0.28, iterate: 19e6, reopen: 4.1e6 },
      factor: { insert: 1, lookup: 1, commit: 2, iterate: 1, reopen: 2 },
    },
  ];
  const dir = mkdtempSync(join(tmpdir(), 'zodb-bench-btrees-'));
  const kinds: StorageKind[] = [
    { variant: 'mapping', create: async () => new MappingStorage(), reopen: async (s) => s },
    {
      variant: 'file',
      create: async () => FileStorage.open(join(dir, `${Math.random().toString(36).slice(2)}.fs`)),
      reopen: async (s) => FileStorage.open((s as FileStorage).name),
    },
  ];
  const python = measurePython(reporter, n, dir);
  cases[0]!.live = python.OO;
  cases[1]!.live = python.II;
  try {
    for (const kind of kinds) for (const c of cases) await runCase(reporter, kind, c);
    for (const c of cases) compareWithSortedBTree(reporter, c.name, c.keys);
    if (sink === 0.5) process.stderr.write('(the results were used)\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export default suite;
