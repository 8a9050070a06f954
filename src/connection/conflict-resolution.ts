/**
 * Application-level conflict resolution (ZODB's `tryToResolveConflict`).
 *
 * When two transactions change the same object, the storage asks the
 * database to merge them. The three states (the one both started from, the
 * committed one, and the new one) are decoded without loading any other
 * object: references stay `PersistentReference`s. The object's class must
 * define `_p_resolveConflict(oldState, savedState, newState)` returning the
 * merged state; anything else is a ConflictError that says why.
 *
 * @module
 */

import { BTreesConflictError, ConflictError } from '../errors.js';
import type { Oid, Tid } from '../ids.js';
import type { ClassRegistry } from '../serialize/class-registry.js';
import { decodeRecordGeneric, encodeRecord } from '../serialize/index.js';
import type { Storage } from '../storage/interfaces.js';

/** A class that can merge concurrent changes of its instances. */
export interface ConflictResolvingClass {
  prototype: {
    _p_resolveConflict(oldState: unknown, savedState: unknown, newState: unknown): unknown;
  };
}

function hasResolver(cls: unknown): cls is ConflictResolvingClass {
  const proto = (cls as { prototype?: { _p_resolveConflict?: unknown } } | undefined)?.prototype;
  return typeof proto?._p_resolveConflict === 'function';
}

/** Merges a conflicting store, or throws ConflictError with the reason. */
export function resolveConflict(
  storage: Storage,
  registry: ClassRegistry,
  oid: Oid,
  committedSerial: Tid,
  oldSerial: Tid,
  newData: Uint8Array,
  committedData: Uint8Array,
): Uint8Array {
  const details = { oid, committedSerial, oldSerial };
  const next = decodeRecordGeneric(newData, { registry });
  const cls = registry.classFor(next.className);
  const fail = (reason: string, cause?: unknown): never => {
    throw new ConflictError({ ...details, className: next.className, reason, cause });
  };
  if (!hasResolver(cls)) return fail(`class ${next.className} does not define _p_resolveConflict`);
  if (oldSerial === 0n) return fail('both transactions created the object');
  let oldData: Uint8Array;
  try {
    oldData = storage.loadSerial(oid, oldSerial);
  } catch (error) {
    return fail('the revision both transactions started from is gone (packed?)', error);
  }
  const old = decodeRecordGeneric(oldData, { registry });
  const saved = decodeRecordGeneric(committedData, { registry });
  let merged: unknown;
  try {
    const instance = Object.create(cls.prototype) as ConflictResolvingClass['prototype'];
    merged = instance._p_resolveConflict(old.state, saved.state, next.state);
  } catch (error) {
    if (error instanceof BTreesConflictError) {
      throw new BTreesConflictError(error.reasonCode, error.reason ?? error.message, {
        ...details,
        className: next.className,
        cause: error,
      });
    }
    if (error instanceof ConflictError) throw error;
    return fail(
      `_p_resolveConflict failed: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
  return encodeRecord(next.className, merged, { registry, persistentRef: () => undefined });
}
