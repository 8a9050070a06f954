/**
 * The `Persistent` base class.
 *
 * A subclass instance is wrapped in a `Proxy` whose traps do what ZODB's
 * `__getattribute__`/`__setattr__` do: reading a non-`_p_` attribute of a
 * ghost loads it; writing a non-`_p_`, non-`_v_` attribute marks the object
 * changed and joins it to the transaction. See `interfaces.ts` for the
 * states and transitions.
 *
 * Library classes whose hot paths must not pay for the Proxy (BTree nodes,
 * `PersistentMapping`, `Length`) set `static _p_tracking = 'explicit'` and
 * call `this._p_activate()` before reading their state and
 * `this._p_changed = true` (or {@link Persistent._p_willChange}) before
 * changing it.
 *
 * @module
 */

import { ConnectionStateError, ZODBError } from '../errors.js';
import type { Oid, Tid } from '../ids.js';
import { ZERO_TID, oidRepr } from '../ids.js';
import { TimeStamp } from '../timestamp.js';
import type {
  PersistentJar,
  PersistentObject,
  PersistentStateCode,
  PersistentStatus,
} from './interfaces.js';
import { CHANGED, GHOST, UPTODATE } from './interfaces.js';
import {
  SLOT,
  activate,
  ghostify,
  installSlot,
  isSpecialName,
  slotOf,
  touch,
  willChange,
} from './slot.js';
import type { PersistentSlot } from './slot.js';

/** Names that never load a ghost when read (besides `_p_`/`_v_` names and symbols). */
const NON_LOADING = new Set(['then', 'constructor', 'toJSON', '__getstate__', '__setstate__']);

function loads(key: string | symbol): boolean {
  return typeof key === 'string' && !isSpecialName(key) && !NON_LOADING.has(key);
}

type Target = Record<string | symbol, unknown> & { [SLOT]: PersistentSlot };

/**
 * The traps of a tracked persistent object. Kept lean (DESIGN.md): the set
 * trap writes `target[key] = value` directly.
 */
const trackingHandler: ProxyHandler<Target> = {
  get(target, key) {
    // Reading the slot is bookkeeping, not a use of the object: no LRU touch.
    if (key === SLOT) return target[SLOT];
    const slot = target[SLOT];
    if (slot.state === GHOST && loads(key)) activate(slot);
    touch(slot);
    return target[key];
  },
  set(target, key, value) {
    const slot = target[SLOT];
    if (slot.jar !== undefined && typeof key === 'string' && !isSpecialName(key)) {
      if (slot.state !== CHANGED) willChange(slot);
      else touch(slot);
    }
    target[key] = value;
    return true;
  },
  defineProperty(target, key, descriptor) {
    // Class-field initialisation of a new object arrives here: an unsaved
    // object (no jar) has nothing to mark.
    const slot = target[SLOT];
    if (
      slot.jar !== undefined &&
      slot.state !== CHANGED &&
      typeof key === 'string' &&
      !isSpecialName(key)
    ) {
      willChange(slot);
    }
    return defineOnTarget(target, key, descriptor);
  },
  deleteProperty(target, key) {
    if (typeof key === 'string' && !isSpecialName(key)) {
      const slot = target[SLOT];
      if (slot.state !== CHANGED) willChange(slot);
    }
    return Reflect.deleteProperty(target, key);
  },
  has(target, key) {
    const slot = target[SLOT];
    if (slot.state === GHOST && loads(key)) activate(slot);
    return key in target;
  },
  ownKeys(target) {
    activate(target[SLOT]);
    return Reflect.ownKeys(target);
  },
  getOwnPropertyDescriptor(target, key) {
    const slot = target[SLOT];
    if (slot.state === GHOST && loads(key)) activate(slot);
    return Reflect.getOwnPropertyDescriptor(target, key);
  },
};

/**
 * `Reflect.defineProperty(target, key, descriptor)`, by plain assignment in
 * the common case of class-field initialisation: an ordinary data property
 * (writable, enumerable, configurable) whose key is nowhere on the target or
 * its prototypes (so no setter or existing property can tell the two
 * apart), on an extensible target. Assignment skips re-reading the
 * descriptor, a large part of each new object's cost.
 */
function defineOnTarget(target: Target, key: string | symbol, descriptor: PropertyDescriptor) {
  if (
    descriptor.writable === true &&
    descriptor.enumerable === true &&
    descriptor.configurable === true &&
    !(key in target) &&
    Object.isExtensible(target)
  ) {
    target[key] = descriptor.value;
    return true;
  }
  return Reflect.defineProperty(target, key, descriptor);
}

/** How a class tracks access: through the Proxy, or by explicit calls in its methods. */
export type TrackingMode = 'proxy' | 'explicit';

/**
 * Base class of persistent objects. Subclass it, register the subclass under
 * a stable name (`@register('app.Book')` or `registerClass(Book, 'app.Book')`),
 * and hang instances off the database root.
 *
 * @example
 * ```ts
 * @register('bank.Account')
 * class Account extends Persistent {
 *   balance = 0;
 *   deposit(amount: number) { this.balance += amount; }
 * }
 * ```
 *
 * Known limits: ECMAScript `#private` fields do not work through a Proxy
 * (TypeScript `private` does); a persistent object cannot be
 * `structuredClone`d; a persistent class cannot extend `Map`, `Date` or
 * other built-ins with internal slots (wrap them instead). Getters run
 * against the raw object: writes made inside a getter are not tracked.
 */
export class Persistent implements PersistentObject {
  /**
   * `'proxy'` (default): every attribute access is tracked through a Proxy.
   * `'explicit'`: no Proxy; the class's methods call `_p_activate()` and
   * `_p_willChange()` themselves.
   */
  static _p_tracking: TrackingMode = 'proxy';

  /**
   * Wraps a raw instance (a new one, or a ghost made without running the
   * constructor) in what users will hold. Override only to install a
   * different Proxy (as `PersistentList` does for index access).
   */
  static _p_wrap(target: object): object {
    if (this._p_tracking === 'explicit') return target;
    return new Proxy(target as Target, trackingHandler);
  }

  declare readonly [SLOT]: PersistentSlot;

  constructor() {
    const slot = installSlot(this);
    const wrapped = (new.target as typeof Persistent)._p_wrap(this) as PersistentObject;
    slot.proxy = wrapped;
    return wrapped as this;
  }

  /** The object id; `undefined` until the object is added to a connection. */
  get _p_oid(): Oid | undefined {
    return this[SLOT].oid;
  }
  set _p_oid(oid: Oid | undefined) {
    const slot = this[SLOT];
    if (slot.oid !== undefined && slot.oid !== oid) {
      throw new ZODBError(`cannot change the oid of a persistent object (${oidRepr(slot.oid)})`);
    }
    slot.oid = oid;
  }

  /** The data manager (connection) the object belongs to. */
  get _p_jar(): PersistentJar | undefined {
    return this[SLOT].jar;
  }
  set _p_jar(jar: PersistentJar | undefined) {
    const slot = this[SLOT];
    if (slot.jar !== undefined && jar !== undefined && slot.jar !== jar) {
      throw new ConnectionStateError(
        `object ${slot.oid === undefined ? '' : oidRepr(slot.oid) + ' '}already belongs to another connection`,
      );
    }
    slot.jar = jar;
  }

  /** The tid of the revision loaded (`0n` for an object never committed). */
  get _p_serial(): Tid {
    return this[SLOT].serial;
  }
  set _p_serial(serial: Tid) {
    if (typeof serial !== 'bigint') throw new TypeError('_p_serial must be a bigint tid');
    this[SLOT].serial = serial;
  }

  /**
   * `true` when changed in this transaction, `false` when unchanged, `null`
   * for a ghost. Assign `true` to mark changed (e.g. after mutating a plain
   * array held in an attribute), `false` to mark unchanged, `null` to ghost
   * an unchanged object.
   */
  get _p_changed(): boolean | null {
    const state = this[SLOT].state;
    return state === GHOST ? null : state === CHANGED;
  }
  set _p_changed(value: boolean | null) {
    const slot = this[SLOT];
    if (value === null) {
      this._p_deactivate();
    } else if (value) {
      if (slot.state !== CHANGED) willChange(slot);
    } else if (slot.state === CHANGED) {
      slot.state = UPTODATE;
    }
  }

  /** GHOST (-1), UPTODATE (0) or CHANGED (1). */
  get _p_state(): PersistentStateCode {
    return this[SLOT].state;
  }

  /** `'unsaved'`, `'saved'`, `'changed'` or `'ghost'`. */
  get _p_status(): PersistentStatus {
    const slot = this[SLOT];
    if (slot.jar === undefined) return 'unsaved';
    return slot.state === GHOST ? 'ghost' : slot.state === CHANGED ? 'changed' : 'saved';
  }

  /** Estimated size of the object's record in bytes (set by the connection). */
  get _p_estimatedSize(): number {
    return this[SLOT].estimatedSize;
  }
  set _p_estimatedSize(bytes: number) {
    if (!Number.isInteger(bytes)) throw new TypeError('_p_estimatedSize must be an integer');
    if (bytes < 0) throw new RangeError('_p_estimatedSize must not be negative');
    this[SLOT].estimatedSize = bytes;
  }

  /**
   * Seconds since the epoch of the last committed change (from the serial),
   * or `undefined` for an object never committed. Loads a ghost.
   */
  get _p_mtime(): number | undefined {
    const slot = this[SLOT];
    activate(slot);
    return slot.serial === ZERO_TID ? undefined : TimeStamp.fromTid(slot.serial).timeTime();
  }

  /** Loads the state if the object is a ghost, and marks it recently used. */
  _p_activate(): void {
    const slot = this[SLOT];
    if (slot.state === GHOST) activate(slot);
    touch(slot);
  }

  /**
   * Marks the object changed before a mutation (loading it first if a ghost).
   * For explicit-tracking classes; equivalent to `_p_changed = true`.
   */
  _p_willChange(): void {
    const slot = this[SLOT];
    if (slot.state !== CHANGED) willChange(slot);
    else touch(slot);
  }

  /** Asks for the object to become a ghost; ignored if it is changed or was never committed. */
  _p_deactivate(): void {
    const slot = this[SLOT];
    if (slot.state === UPTODATE && slot.jar !== undefined && slot.serial !== ZERO_TID)
      ghostify(slot);
  }

  /** Makes the object a ghost even if it is changed (its changes are lost). */
  _p_invalidate(): void {
    const slot = this[SLOT];
    if (slot.jar !== undefined && slot.oid !== undefined) ghostify(slot);
  }

  /**
   * The state to store: by default a plain object of the own enumerable
   * properties, without `_p_` and `_v_` names. Override (and call
   * `super.__getstate__()`) to store a different shape.
   */
  __getstate__(): unknown {
    // A spread copies the own enumerable properties in one step (the slot is
    // not enumerable); `_p_`/`_v_` names, rare, are then deleted from the copy.
    const state: Record<string, unknown> = { ...(this[SLOT].target as Record<string, unknown>) };
    for (const key in state) {
      if (isSpecialName(key)) delete state[key];
    }
    return state;
  }

  /**
   * Installs a loaded state: by default copies the properties of a plain
   * object. Override for schema migration (fill in attributes added later,
   * rename old ones) and call `super.__setstate__(state)`. It runs against
   * the raw object, so writes inside it do not mark the object changed.
   */
  __setstate__(state: unknown): void {
    if (state === null || state === undefined) return;
    if (typeof state !== 'object') {
      throw new TypeError(
        `cannot set the state of a ${this.constructor.name} from a ${typeof state}`,
      );
    }
    Object.assign(this[SLOT].target, state);
  }
}

/**
 * Creates a ghost of `cls` without running its constructor (the connection
 * uses this for references and `get(oid)`).
 *
 * @internal
 */
export function newGhost(cls: typeof Persistent, oid: Oid, jar: PersistentJar): PersistentObject {
  return newGhostSlot(cls, oid, jar).proxy;
}

/**
 * {@link newGhost}, returning the ghost's slot (its `proxy` is the ghost):
 * saves the caller a trip through the Proxy to find the slot.
 *
 * @internal
 */
export function newGhostSlot(cls: typeof Persistent, oid: Oid, jar: PersistentJar): PersistentSlot {
  const target = Object.create(cls.prototype) as object;
  const slot = installSlot(target);
  slot.oid = oid;
  slot.jar = jar;
  slot.state = GHOST;
  slot.proxy = cls._p_wrap(target) as PersistentObject;
  return slot;
}

/**
 * Installs a loaded state into a ghost: calls `__setstate__` on the raw
 * object (so it marks nothing changed) and makes the object up to date. On
 * failure the object stays a ghost.
 *
 * @internal
 */
export function installState(
  obj: PersistentObject,
  state: unknown,
  serial: Tid,
  size: number,
): void {
  const slot = slotOf(obj);
  const raw = slot.target as Persistent;
  try {
    raw.__setstate__(state);
  } catch (error) {
    ghostify(slot);
    throw error;
  }
  slot.serial = serial;
  slot.estimatedSize = size;
  slot.state = UPTODATE;
  touch(slot);
}
