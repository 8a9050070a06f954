/**
 * Revisions as loads return them (`Rev`: data, serial and `end`, the serial
 * that replaced it), and the neighbours of a loaded record.
 *
 * Computing `end`: a load at (or after) the storage's last transaction, the
 * common case, returns the current revision, whose `end` is `null`: no
 * more work. Otherwise the current revision (`loadAt(oid, MAX_TID)`, one
 * index lookup in every storage) tells whether the loaded revision is still
 * current. Otherwise
 * `loadBefore(oid, serial + 1)` returns the revision with its successor's
 * serial (one more lookup in FileStorage's back-pointer chain and in
 * MappingStorage's revision list). A deletion revision has no `loadBefore`
 * answer, so its successor is found in `history`.
 *
 * @module
 */

import { POSKeyError } from '../errors.js';
import type { Oid, Tid } from '../ids.js';
import { MAX_TID } from '../ids.js';
import { NEIGHBOURS_BYTES_MAX } from '../protocol/limits.js';
import type { LoadReply, Rev } from '../protocol/messages.js';
import { referencesOf } from '../serialize/record-header.js';
import type { Storage } from '../storage/interfaces.js';

/** The serial of the revision after `serial`, or `null` when `serial` is current. */
export function nextSerial(storage: Storage, oid: Oid, serial: Tid): Tid | null {
  const current = storage.loadAt(oid, MAX_TID);
  if (current === null || current.serial === serial) return null;
  try {
    const before = storage.loadBefore(oid, serial + 1n);
    if (before !== null && before.serial === serial) return before.nextSerial;
  } catch (error) {
    if (!(error instanceof POSKeyError)) throw error;
  }
  return nextSerialFromHistory(storage, oid, serial);
}

function nextSerialFromHistory(storage: Storage, oid: Oid, serial: Tid): Tid | null {
  for (let size = 16; ; size *= 4) {
    const entries = storage.history(oid, size);
    const index = entries.findIndex((entry) => entry.tid <= serial);
    if (index > 0) return entries[index - 1]!.tid;
    if (index === 0) return null;
    if (entries.length < size) return null;
  }
}

/** The revision of `oid` current at `at` with its end, or `null` when it has none. */
export function revisionAt(storage: Storage, oid: Oid, at: Tid): Rev | null {
  const record = storage.loadAt(oid, at);
  if (record === null) return null;
  const end = at >= storage.lastTransaction() ? null : nextSerial(storage, oid, record.serial);
  return [oid, record.data, record.serial, end];
}

function referencesOfRecord(data: Uint8Array): readonly Oid[] {
  try {
    return referencesOf(data);
  } catch {
    return [];
  }
}

/**
 * The `load` reply: the revision at `at` and up to `neighbours` revisions
 * of the objects it refers to, in reference order, stopping at
 * {@link NEIGHBOURS_BYTES_MAX} of data.
 */
export function loadWithNeighbours(
  storage: Storage,
  oid: Oid,
  at: Tid,
  neighbours: number,
): LoadReply {
  const rec = revisionAt(storage, oid, at);
  const more: Rev[] = [];
  const data = rec?.[1];
  if (neighbours === 0 || data === null || data === undefined) return { rec, more };
  const seen = new Set<Oid>([oid]);
  let bytes = 0;
  for (const ref of referencesOfRecord(data)) {
    if (more.length >= neighbours || bytes >= NEIGHBOURS_BYTES_MAX) break;
    if (seen.has(ref)) continue;
    seen.add(ref);
    const neighbour = revisionAt(storage, ref, at);
    if (neighbour === null) continue;
    more.push(neighbour);
    bytes += neighbour[1]?.length ?? 0;
  }
  return { rec, more };
}

/** The `prefetch` reply: the revisions at `at` of those of `oids` that exist then. */
export function prefetchRevisions(storage: Storage, oids: readonly Oid[], at: Tid): Rev[] {
  const out: Rev[] = [];
  for (const oid of new Set(oids)) {
    const rev = revisionAt(storage, oid, at);
    if (rev !== null) out.push(rev);
  }
  return out;
}
