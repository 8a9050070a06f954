/**
 * {@link OidTable}: small integers (counts, class-table indexes) by oid,
 * for the tools' per-object bookkeeping. Backed by FileStorage's
 * `OidIndex`, so it has no 2^24-entry ceiling (a JS `Map` or `Set` does)
 * and costs a few bytes per oid.
 *
 * @module
 */

import type { Oid } from '../ids.js';
import { OidIndex } from '../storage/file/oid-index.js';

/** A map from oid to a non-negative integer below 2^48 - 1. */
export class OidTable {
  readonly #index = new OidIndex();

  /** Number of oids present. */
  get size(): number {
    return this.#index.size;
  }

  /** The value of `oid`, or `undefined`. */
  get(oid: Oid): number | undefined {
    const stored = this.#index.get(oid);
    return stored === undefined ? undefined : stored - 1;
  }

  /** True when `oid` is present. */
  has(oid: Oid): boolean {
    return this.#index.has(oid);
  }

  /** Sets the value of `oid` (default 0: use the table as a set). */
  set(oid: Oid, value = 0): void {
    this.#index.set(oid, value + 1);
  }

  /** Calls `fn(oid, value)` for every entry, in increasing oid order. */
  forEach(fn: (oid: Oid, value: number) => void): void {
    this.#index.forEach((oid, stored) => fn(oid, stored - 1));
  }
}
