/**
 * `Length`: a conflict-free persistent counter (ZODB's `BTrees.Length`).
 *
 * @module
 */

import { CorruptedDataError } from '../errors.js';
import { Persistent } from '../persistent/persistent.js';
import type { TrackingMode } from '../persistent/persistent.js';
import { registerClass } from '../serialize/class-registry.js';

function checkInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`Length.${what} must be a safe integer, got ${String(value)}`);
  }
  return value;
}

/**
 * A counter that never conflicts: when two transactions change it
 * concurrently, the changes add up (`committed + mine - original`). Keep
 * the size of a large BTree in one (or let the tree do it with
 * `{ trackSize: true }`), since counting the keys of a BTree walks all its
 * buckets.
 *
 * Its stored state is just the number.
 *
 * @example
 * ```ts
 * const count = new Length();
 * root.count = count;
 * count.change(+1);
 * count.value; // 1
 * ```
 */
export class Length extends Persistent {
  static override _p_tracking: TrackingMode = 'explicit';

  declare private _value: number;

  /** @param value the initial value (a safe integer), default 0 */
  constructor(value = 0) {
    super();
    this._value = checkInteger(value, 'value');
  }

  /** The current value. */
  get value(): number {
    this._p_activate();
    return this._value;
  }

  /** Sets the value (a safe integer). Concurrent `set`s merge as changes by the difference. */
  set(value: number): void {
    checkInteger(value, 'set() value');
    this._p_willChange();
    this._value = value;
  }

  /** Adds `delta` (a safe integer, may be negative). */
  change(delta: number): void {
    checkInteger(delta, 'change() delta');
    if (delta === 0) return;
    this._p_willChange();
    this._value += delta;
  }

  /** The value (ZODB's `length()` call). */
  override valueOf(): number {
    return this.value;
  }

  /** The stored state: the number. */
  override __getstate__(): number {
    return this._value;
  }

  /** Installs a loaded state (a safe integer). */
  override __setstate__(state: unknown): void {
    if (typeof state !== 'number' || !Number.isSafeInteger(state)) {
      throw new CorruptedDataError(`Length state must be a safe integer, got ${typeof state}`);
    }
    this._value = state;
  }

  /** Merges concurrent changes: the committed value plus this transaction's change. */
  _p_resolveConflict(oldState: unknown, savedState: unknown, newState: unknown): number {
    return (savedState as number) + (newState as number) - (oldState as number);
  }

  /** `Length(n)`. */
  override toString(): string {
    return `Length(${this.value})`;
  }
}

registerClass(Length, 'BTrees.Length.Length');
