/**
 * The per-object persistence bookkeeping, kept under one symbol-keyed,
 * non-enumerable slot so `Object.keys`, JSON and spread show only the
 * user's state.
 *
 * @internal Used by `Persistent`, the connection and library classes; not
 * part of the public API.
 * @module
 */

import type { Oid, Tid } from '../ids.js';
import { ZERO_TID } from '../ids.js';
import type { PersistentJar, PersistentObject, PersistentStateCode } from './interfaces.js';
import { CHANGED, GHOST, UPTODATE } from './interfaces.js';

/** The symbol under which every persistent object keeps its {@link PersistentSlot}. */
export const SLOT: unique symbol = Symbol('zodb.persistent');

let accessClock = 0;

/** The bookkeeping of one persistent object. */
export class PersistentSlot {
  oid: Oid | undefined = undefined;
  jar: PersistentJar | undefined = undefined;
  serial: Tid = ZERO_TID;
  state: PersistentStateCode = UPTODATE;
  estimatedSize = 0;
  /** LRU clock value of the last access (larger is more recent). */
  accessed = 0;
  /** True while the connection's cache counts this object as holding state. @internal */
  cached = false;
  /** The number of the last commit that wrote this object (see the connection's commit). @internal */
  writeStamp = 0;
  /** The next (more recently activated) slot in the cache's list of non-ghosts. @internal */
  cacheNext: PersistentSlot | undefined = undefined;
  /** The previous slot in the cache's list of non-ghosts. @internal */
  cachePrevious: PersistentSlot | undefined = undefined;
  /** The raw object (no Proxy): what `this` is inside the base constructor. */
  readonly target: object;
  /** What users hold: the Proxy, or the target itself for explicit-mode classes. */
  proxy: PersistentObject;

  constructor(target: object) {
    this.target = target;
    this.proxy = target as PersistentObject;
  }
}

/** Reads the slot of a persistent object (a Proxy or a raw target). */
export function slotOf(obj: object): PersistentSlot {
  return (obj as { [SLOT]: PersistentSlot })[SLOT];
}

/** True when `value` is a persistent object. */
export function isPersistent(value: unknown): value is PersistentObject {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as { [SLOT]?: PersistentSlot })[SLOT] !== undefined
  );
}

/** Installs a fresh slot on a raw object. */
export function installSlot(target: object): PersistentSlot {
  const slot = new PersistentSlot(target);
  Object.defineProperty(target, SLOT, {
    value: slot,
    enumerable: false,
    writable: false,
    configurable: false,
  });
  return slot;
}

/** Marks an access for the cache's LRU order. */
export function touch(slot: PersistentSlot): void {
  slot.accessed = ++accessClock;
}

/** The current LRU clock (the cache compares `accessed` values with it). */
export function currentAccessClock(): number {
  return accessClock;
}

/** Loads a ghost's state through its jar. No-op for non-ghosts. */
export function activate(slot: PersistentSlot): void {
  if (slot.state !== GHOST) return;
  const jar = slot.jar;
  if (jar === undefined) {
    // A ghost without a jar cannot happen through the public API.
    throw new Error('assertion failed: ghost without a jar');
  }
  jar.setstate(slot.proxy);
}

/**
 * Marks an object changed (joining it to the transaction through its jar)
 * before a write. Loads a ghost first. No-op for unsaved objects and for
 * objects already changed.
 */
export function willChange(slot: PersistentSlot): void {
  if (slot.state === GHOST) activate(slot);
  if (slot.state === UPTODATE && slot.jar !== undefined) {
    slot.jar.register(slot.proxy);
    slot.state = CHANGED;
  }
  slot.accessed = ++accessClock;
}

/** True for `_p_` and `_v_` names: never stored, never mark changes, never load. */
export function isSpecialName(key: string): boolean {
  return (
    key.length > 2 &&
    key.charCodeAt(0) === 95 &&
    key.charCodeAt(2) === 95 &&
    (key.charCodeAt(1) === 112 || key.charCodeAt(1) === 118)
  );
}

/** True for `_v_` names. */
export function isVolatileName(key: string): boolean {
  return (
    key.length > 2 &&
    key.charCodeAt(0) === 95 &&
    key.charCodeAt(1) === 118 &&
    key.charCodeAt(2) === 95
  );
}

/**
 * Drops the in-memory state of an object (all own properties but the slot,
 * `_v_` ones included) and makes it a ghost.
 */
export function ghostify(slot: PersistentSlot): void {
  const target = slot.target as Record<string | symbol, unknown>;
  for (const key of Reflect.ownKeys(target)) {
    if (key !== SLOT) delete target[key];
  }
  slot.state = GHOST;
}
