/**
 * The contract between persistent objects and the data manager ("jar", the
 * database connection) that loads and saves them.
 *
 * ## Object states
 *
 * | state     | `_p_changed` | `_p_jar` | `_p_oid` | what is observable                                |
 * | --------- | ------------ | -------- | -------- | ------------------------------------------------- |
 * | unsaved   | `false`      | unset    | unset    | a new object, not yet added to a connection       |
 * | saved     | `false`      | set      | set      | state loaded and equal to the committed revision  |
 * | changed   | `true`       | set      | set      | modified in the current transaction               |
 * | ghost     | `null`       | set      | set      | no state in memory; any non-`_p_` access loads it |
 *
 * (An object added with `conn.add()` or reached from a saved object is
 * "added": it has a jar and an oid, `_p_changed === false` and a zero serial
 * until the transaction commits.)
 *
 * Legal transitions:
 * - unsaved -> saved: the commit that first stores it (or `conn.add` first).
 * - saved | ghost -> changed: an attribute write or `_p_changed = true` (a
 *   ghost is loaded first).
 * - changed -> saved: commit.
 * - changed -> ghost: abort, or `_p_invalidate()`.
 * - saved -> ghost: `_p_deactivate()`, `_p_invalidate()`, `_p_changed = null`,
 *   cache garbage collection, or an invalidation from another transaction.
 * - ghost -> saved: any non-`_p_` attribute access, or `_p_activate()`.
 *
 * @module
 */

import type { Oid, Tid } from '../ids.js';

/** The numeric states, as in Python's `persistent` (`_p_state`). */
export const GHOST = -1;
/** Loaded and unchanged (also the state of an unsaved object). */
export const UPTODATE = 0;
/** Changed in the current transaction. */
export const CHANGED = 1;

/** One of {@link GHOST}, {@link UPTODATE}, {@link CHANGED}. */
export type PersistentStateCode = typeof GHOST | typeof UPTODATE | typeof CHANGED;

/** `_p_status` strings, for debugging and documentation. */
export type PersistentStatus = 'unsaved' | 'saved' | 'changed' | 'ghost';

/**
 * What a persistent object needs from its data manager. Implemented by the
 * database `Connection`.
 */
export interface PersistentJar {
  /**
   * Loads the state of a ghost (synchronously) by calling its
   * `__setstate__`. Throws (e.g. POSKeyError) if it cannot.
   */
  setstate(obj: PersistentObject): void;
  /** Called once when a saved object becomes changed: join it to the transaction. */
  register(obj: PersistentObject): void;
}

/** The `_p_` surface every persistent object has (what a jar may use). */
export interface PersistentObject {
  _p_oid: Oid | undefined;
  _p_jar: PersistentJar | undefined;
  _p_serial: Tid;
  _p_changed: boolean | null;
  _p_estimatedSize: number;
  readonly _p_state: PersistentStateCode;
  readonly _p_status: PersistentStatus;
  readonly _p_mtime: number | undefined;
  _p_activate(): void;
  _p_deactivate(): void;
  _p_invalidate(): void;
  /** Returns the state to store (ZODB's `__getstate__`). */
  __getstate__(): unknown;
  /** Installs a loaded state (ZODB's `__setstate__`). */
  __setstate__(state: unknown): void;
}
