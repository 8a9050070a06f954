/**
 * Turns persistent objects into records for a commit or a savepoint.
 *
 * Walking an object's state finds the persistent objects it refers to; a
 * new one (no jar yet) is added to the connection on the spot and queued,
 * so everything reachable from a stored object is stored too (persistence
 * by reachability).
 *
 * @module
 */

import { InvalidObjectReference, UnstorableValueError } from '../errors.js';
import { oidRepr } from '../ids.js';
import type { Oid } from '../ids.js';
import type { PersistentJar } from '../persistent/interfaces.js';
import { SLOT } from '../persistent/slot.js';
import type { PersistentSlot } from '../persistent/slot.js';
import type { Persistent } from '../persistent/persistent.js';
import type { ClassRegistry } from '../serialize/class-registry.js';
import { encodeRecord } from '../serialize/index.js';
import type { EncodeContext, PersistentRef } from '../serialize/index.js';

/** What the writer needs from its connection. */
export interface WriterHost extends PersistentJar {
  readonly registry: ClassRegistry;
  /** Gives a new object (by its slot) an oid and this jar, and records it as added. */
  adoptSlot(slot: PersistentSlot): Oid;
}

/**
 * What a persistent class may add for commits: `_p_writeState()` returns
 * the state to write, with the bytes `__getstate__()` would give, but the
 * writer encodes it at once and never keeps it, so it may share the
 * object's own arrays instead of copying them (BTree leaves do).
 */
export interface WriteStateSource {
  _p_writeState(): unknown;
}

/** The registered name of a persistent object's class; UnstorableValueError when unregistered. */
export function classNameOf(slot: PersistentSlot, registry: ClassRegistry): string {
  const cls = Object.getPrototypeOf(slot.target).constructor as abstract new () => object;
  const name = registry.nameOf(cls);
  if (name === undefined) {
    throw new UnstorableValueError(
      `class ${cls.name} is not registered: call registerClass(${cls.name}, 'some.stable.Name') ` +
        `or decorate it with @register('some.stable.Name') before storing its instances`,
      cls.name,
      cls.name,
    );
  }
  return name;
}

/**
 * Encodes objects of one connection, queueing the new objects their states
 * reach. It is its own encode context (no closure per writer). Objects are
 * handled by their slots: reaching a slot through an object's Proxy costs
 * a trap call each time.
 */
export class ObjectWriter implements EncodeContext {
  /** The registry value classes are looked up in (the connection's). */
  readonly registry: ClassRegistry;
  private readonly host: WriterHost;
  private readonly pending: PersistentSlot[] = [];
  /** Index of the next object of `pending` to hand out. */
  private cursor = 0;
  /** The reference {@link persistentRef} fills in and returns (the encoder never keeps it). */
  private readonly ref: PersistentRef = { oid: 0, className: '' };
  constructor(host: WriterHost) {
    this.host = host;
    this.registry = host.registry;
  }

  /** Queues an object (its slot) to be written. */
  enqueue(slot: PersistentSlot): void {
    this.pending.push(slot);
  }

  /** The slot of the next queued object, or undefined when the queue is empty. */
  next(): PersistentSlot | undefined {
    return this.cursor < this.pending.length ? this.pending[this.cursor++] : undefined;
  }

  /**
   * The record bytes of the current state of the object of `slot`, from
   * its `_p_writeState()` when it has one (see {@link WriteStateSource}),
   * else its `__getstate__()` (run on the raw object).
   */
  encode(slot: PersistentSlot): Uint8Array {
    const target = slot.target as Persistent & Partial<WriteStateSource>;
    const state =
      target._p_writeState === undefined ? target.__getstate__() : target._p_writeState();
    return encodeRecord(classNameOf(slot, this.registry), state, this);
  }

  /** The reference to store for `value` if it is persistent (adopting it if new), else undefined. */
  persistentRef(value: object): PersistentRef | undefined {
    const slot = (value as { [SLOT]?: PersistentSlot })[SLOT];
    if (slot === undefined) return undefined;
    if (slot.jar === undefined) {
      this.host.adoptSlot(slot);
      this.pending.push(slot);
    } else if (slot.jar !== this.host) {
      throw new InvalidObjectReference(
        `object ${slot.oid === undefined ? '' : oidRepr(slot.oid) + ' '}belongs to another connection ` +
          `or database; a persistent object can be stored through one connection only`,
      );
    }
    const ref = this.ref;
    ref.oid = slot.oid as Oid;
    ref.className = classNameOf(slot, this.registry);
    return ref;
  }
}
