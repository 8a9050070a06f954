/**
 * ZODB's `undoLog(first, last, filter)` / `undoInfo(first, last,
 * specification)` selection rules, shared by every undoable storage.
 *
 * The log is read newest first. `filter` is applied first; the entries that
 * pass it are numbered 0, 1, 2, ... and those numbered `first` up to (not
 * including) `last` are returned. A negative `last` means "`-last` entries",
 * i.e. `last = first - last`. Defaults: `first = 0`, `last = -20`.
 *
 * @module
 */

import type { UndoLogEntry } from './interfaces.js';

/** The default `last` of `undoLog`/`undoInfo`: the 20 newest entries. */
export const UNDO_LOG_DEFAULT_LAST = -20;

/**
 * Selects entries of a newest-first undo log by ZODB's slice rules (see the
 * module comment). Reads `entries` lazily and stops as soon as the slice is
 * complete, so a storage can pass a generator over its whole history.
 */
export function sliceUndoLog<T>(
  entries: Iterable<T>,
  first = 0,
  last: number = UNDO_LOG_DEFAULT_LAST,
  filter?: (entry: T) => boolean,
): T[] {
  const start = Math.max(0, first);
  const end = last < 0 ? start - last : last;
  const out: T[] = [];
  if (end <= start) return out;
  let index = 0;
  for (const entry of entries) {
    if (filter !== undefined && !filter(entry)) continue;
    if (index >= start) out.push(entry);
    index++;
    if (index >= end) break;
  }
  return out;
}

/**
 * The filter `undoInfo` uses: an entry matches when every field present in
 * `specification` equals the entry's (tids by value, times by instant,
 * extensions structurally).
 */
export function undoSpecificationFilter(
  specification: Partial<UndoLogEntry> | undefined,
): ((entry: UndoLogEntry) => boolean) | undefined {
  if (specification === undefined) return undefined;
  const keys = Object.keys(specification) as (keyof UndoLogEntry)[];
  if (keys.length === 0) return undefined;
  return (entry) => keys.every((key) => plainValuesEqual(entry[key], specification[key]));
}

/** Structural equality of the plain values found in undo log entries. */
function plainValuesEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => plainValuesEqual(item, b[i]));
  }
  if (isPlainRecord(a) && isPlainRecord(b)) {
    const aKeys = Object.keys(a);
    if (aKeys.length !== Object.keys(b).length) return false;
    return aKeys.every((key) => Object.hasOwn(b, key) && plainValuesEqual(a[key], b[key]));
  }
  return false;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
