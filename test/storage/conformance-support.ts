/**
 * Helpers of the storage conformance suite: a tiny test record format with
 * its references function, a StorageDB test double, and commit shortcuts.
 *
 * The record format is deliberately not the project's real one: a record is
 * the JSON of `{ kind, refs, value }`, so the suite exercises storages
 * without depending on the serializer.
 */

import { afterEach, beforeEach, expect } from 'vitest';
import { ConflictError } from '../../src/errors.js';
import { MAX_TID, ZERO_TID } from '../../src/ids.js';
import type { Oid, Tid } from '../../src/ids.js';
import type {
  ReferencesFunction,
  Storage,
  StorageDB,
  TransactionMetaData,
} from '../../src/storage/interfaces.js';

// ---------------------------------------------------------------------------
// Records

/** A decoded test record. `kind: 'counter'` records hold a number and merge on conflict. */
export interface TestRecord {
  readonly kind: 'plain' | 'counter';
  readonly refs: readonly Oid[];
  readonly value: unknown;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a plain record holding `value` and referring to `refs`. */
export function record(value: unknown, refs: readonly Oid[] = []): Uint8Array {
  return encoder.encode(JSON.stringify({ kind: 'plain', refs, value }));
}

/** Encodes a counter record (merged by {@link RecordingDB} on conflict). */
export function counter(value: number, refs: readonly Oid[] = []): Uint8Array {
  return encoder.encode(JSON.stringify({ kind: 'counter', refs, value }));
}

/** Decodes a test record; throws when the bytes are not one. */
export function decodeRecord(data: Uint8Array): TestRecord {
  const parsed: unknown = JSON.parse(decoder.decode(data));
  if (typeof parsed !== 'object' || parsed === null) throw new TypeError('not a test record');
  const { kind, refs, value } = parsed as Record<string, unknown>;
  if ((kind !== 'plain' && kind !== 'counter') || !Array.isArray(refs)) {
    throw new TypeError('not a test record');
  }
  return { kind, refs: refs.map(Number), value };
}

/** The references function of the test record format. */
export const testReferences: ReferencesFunction = (data) => decodeRecord(data).refs;

/** The value held by a record's bytes. */
export function valueOf(data: Uint8Array | null | undefined): unknown {
  if (data === null || data === undefined) return undefined;
  return decodeRecord(data).value;
}

// ---------------------------------------------------------------------------
// The StorageDB test double

/** One `invalidate` call, with what `lastTransaction()` said just after it. */
export interface Invalidation {
  readonly tid: Tid;
  readonly oids: readonly Oid[];
}

/**
 * Records invalidations and merges conflicting counter records
 * (merged = committed + (new - old)); refuses every other record with a
 * ConflictError, as an application class without a resolver would.
 */
export class RecordingDB implements StorageDB {
  readonly invalidations: Invalidation[] = [];
  cacheInvalidations = 0;
  resolutionAttempts = 0;
  /** The storage conflict resolution loads old revisions from. */
  constructor(private readonly storage: Storage) {}

  invalidate(tid: Tid, oids: readonly Oid[]): void {
    this.invalidations.push({ tid, oids: [...oids] });
  }

  invalidateCache(): void {
    this.cacheInvalidations++;
  }

  tryToResolveConflict(
    oid: Oid,
    committedSerial: Tid,
    oldSerial: Tid,
    newData: Uint8Array,
    committedData: Uint8Array,
  ): Uint8Array {
    this.resolutionAttempts++;
    const committed = decodeRecord(committedData);
    const wanted = decodeRecord(newData);
    if (committed.kind !== 'counter' || wanted.kind !== 'counter') {
      throw new ConflictError({
        oid,
        committedSerial,
        oldSerial,
        className: 'TestPlainRecord',
        reason: 'TestPlainRecord has no conflict resolution',
      });
    }
    const old = decodeRecord(this.storage.loadSerial(oid, oldSerial));
    const merged = Number(committed.value) + Number(wanted.value) - Number(old.value);
    return counter(merged, committed.refs);
  }
}

// ---------------------------------------------------------------------------
// Commit shortcuts

let transactionCount = 0;

/** Fresh transaction metadata (each call a distinct transaction identity). */
export function txnMeta(
  description = `transaction ${++transactionCount}`,
  user = 'tester',
  extension: Record<string, unknown> = {},
): TransactionMetaData {
  return { user, description, extension };
}

/** One store of a commit: `serial` defaults to the object's current serial. */
export interface Write {
  readonly oid: Oid;
  readonly data: Uint8Array;
  readonly serial?: Tid;
}

/** The current serial of `oid`, `ZERO_TID` when it has none. */
export function serialOf(storage: Storage, oid: Oid): Tid {
  return storage.loadAt(oid, MAX_TID)?.serial ?? ZERO_TID;
}

/** Commits `writes` in one transaction (aborting on failure) and returns its tid. */
export async function commit(
  storage: Storage,
  writes: readonly Write[],
  meta: TransactionMetaData = txnMeta(),
): Promise<Tid> {
  await storage.tpcBegin(meta);
  try {
    for (const w of writes)
      storage.store(w.oid, w.serial ?? serialOf(storage, w.oid), w.data, meta);
    await storage.tpcVote(meta);
    return await storage.tpcFinish(meta);
  } catch (error) {
    await storage.tpcAbort(meta);
    throw error;
  }
}

/** Creates one object per value (new oids) in one transaction. */
export async function createObjects(
  storage: Storage,
  values: readonly Uint8Array[],
): Promise<{ oids: Oid[]; tid: Tid }> {
  const oids = values.map(() => storage.newOid());
  const tid = await commit(
    storage,
    oids.map((oid, i) => ({ oid, data: values[i]!, serial: ZERO_TID })),
  );
  return { oids, tid };
}

/** The value of `oid` at `at` (current by default); `undefined` when absent or deleted. */
export function valueAt(storage: Storage, oid: Oid, at: Tid = MAX_TID): unknown {
  return valueOf(storage.loadAt(oid, at)?.data);
}

/**
 * Runs the body of a commit that must fail with `errorClass` at the call
 * itself or at vote (storages may defer checks to vote); aborts afterwards
 * and returns the error.
 */
export async function expectCommitFailure<E extends Error>(
  storage: Storage,
  meta: TransactionMetaData,
  body: () => void | Promise<void>,
  errorClass: abstract new (...args: never[]) => E,
): Promise<E> {
  let failure: unknown;
  try {
    await body();
    await storage.tpcVote(meta);
  } catch (error) {
    failure = error;
  }
  await storage.tpcAbort(meta);
  expect(failure).toBeInstanceOf(errorClass);
  return failure as E;
}

/** Lets queued promise reactions run (a few microtask turns and one macrotask). */
export async function settle(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}

// ---------------------------------------------------------------------------
// Storage lifecycle inside a describe block

/** The storage factory, as given to `describeStorageConformance`. */
export interface StorageFactory {
  /** A fresh, empty, writable storage. */
  make(): Promise<Storage> | Storage;
  /** Reopens the same storage after `close()`, to test durability. */
  reopen?(storage: Storage): Promise<Storage> | Storage;
  /** Opens the same (closed) storage read-only. */
  openReadOnly?(storage: Storage): Promise<Storage> | Storage;
  /** False when `pack` never garbage-collects; default true. */
  readonly packGC?: boolean;
}

/** What each test of an area gets: the current storage and a way to open more. */
export interface AreaContext {
  readonly factory: StorageFactory;
  /** The fresh storage of the running test. */
  storage(): Storage;
  /** Another fresh storage, closed after the test. */
  make(): Promise<Storage>;
  /** Tracks a storage opened by the test so it is closed after it. */
  track(storage: Storage): Storage;
}

/** Registers hooks giving each test a fresh storage, closed after the test. */
export function useStorage(factory: StorageFactory): AreaContext {
  let current: Storage | undefined;
  const opened: Storage[] = [];
  beforeEach(async () => {
    current = await factory.make();
    opened.push(current);
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    current = undefined;
  });
  return {
    factory,
    storage() {
      if (current === undefined) throw new Error('no storage: call storage() inside a test');
      return current;
    },
    async make() {
      const s = await factory.make();
      opened.push(s);
      return s;
    },
    track(s) {
      opened.push(s);
      return s;
    },
  };
}

/** Narrows `storage` with a capability type guard, failing the test when it does not hold. */
export function requireCapability<S extends Storage>(
  storage: Storage,
  guard: (s: Storage) => s is S,
): S {
  if (!guard(storage)) throw new Error(`storage ${storage.name} lacks the capability under test`);
  return storage;
}
