/**
 * The reference check (ZODB's `fsrefs`, zc.zodbdgc's `multi-zodb-check-refs`):
 * every current object's references must point at objects that exist.
 * A dangling reference is what later surfaces as a POSKeyError; the finding
 * names the referring object and class, so it can be found and repaired.
 *
 * Streaming over the current records, which come in oid order: the first
 * pass notes which oids exist (in an {@link OidTable}, a few bytes per
 * object) and whether any reference can be dangling (one to a smaller oid
 * that was not listed, or to a larger one that never shows up). Only then,
 * a second pass reports every dangling reference, in the order of the
 * referring oids. A sound database is read once. No application classes
 * are needed: references are read from record headers.
 *
 * @module
 */

import type { Oid } from '../ids.js';
import type { RecordIteratorStorage, Storage } from '../storage/interfaces.js';
import { isRecordIteratorStorage } from '../storage/interfaces.js';
import { readRecordHeader } from '../serialize/record-header.js';
import { Unsupported } from '../errors.js';
import { OidTable } from './oid-table.js';
import type { ProgressCallback } from './progress.js';

/** A reference to an object that does not exist. */
export interface DanglingReference {
  readonly kind: 'dangling-reference';
  /** The referring object and its class. */
  readonly oid: Oid;
  readonly className: string;
  /** The missing object. */
  readonly missing: Oid;
  /**
   * `deleted`: the storage has a deletion as its current revision (its
   * creation was undone, or it was garbage-collected while still
   * referenced). `absent`: the storage never heard of it.
   */
  readonly missingState: 'deleted' | 'absent';
}

/** A current record whose header cannot be read. */
export interface UnreadableRecord {
  readonly kind: 'unreadable-record';
  readonly oid: Oid;
  /** Why: the decoder's message. */
  readonly message: string;
}

/** One finding of {@link checkReferences}. */
export type ReferenceFinding = DanglingReference | UnreadableRecord;

/** Options of {@link checkReferences}. */
export interface ReferenceCheckOptions {
  /** Progress in objects (the total is the storage's object count, an estimate). */
  readonly onProgress?: ProgressCallback;
}

/**
 * Streams every dangling reference and unreadable record of `storage`'s
 * current objects, in oid order of the referring object.
 *
 * @throws Unsupported when the storage cannot list its current records.
 */
export function* checkReferences(
  storage: Storage,
  options: ReferenceCheckOptions = {},
): Generator<ReferenceFinding> {
  const source = requireRecordIterator(storage);
  const total = storage.objectCount();
  const { existing, suspect } = notePresence(source, total, options.onProgress);
  if (!suspect) return;
  const at = storage.lastTransaction();
  for (const { oid, data } of source.recordIterator()) {
    let header;
    try {
      header = readRecordHeader(data);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      yield { kind: 'unreadable-record', oid, message };
      continue;
    }
    for (const missing of header.references) {
      if (existing.has(missing)) continue;
      const revision = storage.loadAt(missing, at);
      yield {
        kind: 'dangling-reference',
        oid,
        className: header.className,
        missing,
        missingState: revision === null ? 'absent' : 'deleted',
      };
    }
  }
}

/**
 * The first pass: which oids exist, and whether some record is unreadable
 * or some reference may point at nothing (so that a second pass is needed).
 */
function notePresence(
  source: RecordIteratorStorage,
  total: number,
  onProgress: ProgressCallback | undefined,
): { existing: OidTable; suspect: boolean } {
  const existing = new OidTable();
  const forward = new OidTable();
  let suspect = false;
  let done = 0;
  for (const { oid, data } of source.recordIterator()) {
    existing.set(oid);
    if (++done % 1000 === 0) onProgress?.(done, total);
    if (suspect) continue;
    let references: readonly Oid[];
    try {
      references = readRecordHeader(data).references;
    } catch {
      suspect = true;
      continue;
    }
    for (const target of references) {
      if (target > oid) forward.set(target);
      else if (!existing.has(target)) suspect = true;
    }
  }
  forward.forEach((target) => {
    if (!existing.has(target)) suspect = true;
  });
  onProgress?.(total, total);
  return { existing, suspect };
}

/** The storage as a {@link RecordIteratorStorage}, or Unsupported. */
export function requireRecordIterator(storage: Storage): RecordIteratorStorage {
  if (!isRecordIteratorStorage(storage)) {
    throw new Unsupported(
      `storage ${storage.name} cannot list its current records (recordIterator)`,
    );
  }
  return storage;
}
