/**
 * {@link RevisionTable}: each object's revisions in a MappingStorage.
 *
 * Most objects have one revision, so a lone revision is held as itself and
 * a list is made only when a second one comes: a one-element array per
 * object cost two allocations and 56 bytes that every added object kept.
 *
 * @module
 */

import type { Oid, Tid } from '../../ids.js';
import { OidMap } from '../../oid-map.js';
import { indexAtOrBefore } from './revisions.js';
import type { Revision } from './revisions.js';

type Entry = Revision | Revision[];

function listOf(entry: Entry): readonly Revision[] {
  return Array.isArray(entry) ? entry : [entry];
}

/** Each object's revisions, oldest first, by oid (iterated in oid order). */
export class RevisionTable implements ReadonlyMap<Oid, readonly Revision[]> {
  readonly #entries = new OidMap<Entry>();

  /** The number of objects. */
  get size(): number {
    return this.#entries.size;
  }

  /** The revisions of `oid`, oldest first (a new array for an object with one). */
  get(oid: Oid): readonly Revision[] | undefined {
    const entry = this.#entries.get(oid);
    return entry === undefined ? undefined : listOf(entry);
  }

  /** True when `oid` has revisions. */
  has(oid: Oid): boolean {
    return this.#entries.has(oid);
  }

  /** The newest revision of `oid` (a deletion included). */
  current(oid: Oid): Revision | undefined {
    const entry = this.#entries.get(oid);
    return Array.isArray(entry) ? entry[entry.length - 1] : entry;
  }

  /** The revision of `oid` current at `at` (a deletion included), without building a list. */
  currentAt(oid: Oid, at: Tid): Revision | undefined {
    const entry = this.#entries.get(oid);
    if (entry === undefined) return undefined;
    if (!Array.isArray(entry)) return entry.tid <= at ? entry : undefined;
    return entry[indexAtOrBefore(entry, at)];
  }

  /** Appends `revision` as the newest of its object. */
  append(revision: Revision): void {
    const entry = this.#entries.get(revision.oid);
    if (entry === undefined) this.#entries.set(revision.oid, revision);
    else if (Array.isArray(entry)) entry.push(revision);
    else this.#entries.set(revision.oid, [entry, revision]);
  }

  /** Sets the revisions of `oid` (at least one), oldest first. */
  setList(oid: Oid, list: readonly Revision[]): void {
    this.#entries.set(oid, list.length === 1 ? list[0]! : [...list]);
  }

  *entries(): MapIterator<[Oid, readonly Revision[]]> {
    for (const [oid, entry] of this.#entries) yield [oid, listOf(entry)];
  }

  *keys(): MapIterator<Oid> {
    yield* this.#entries.keys();
  }

  *values(): MapIterator<readonly Revision[]> {
    for (const entry of this.#entries.values()) yield listOf(entry);
  }

  forEach(
    callback: (
      list: readonly Revision[],
      oid: Oid,
      map: ReadonlyMap<Oid, readonly Revision[]>,
    ) => void,
  ): void {
    for (const [oid, list] of this.entries()) callback(list, oid, this);
  }

  [Symbol.iterator](): MapIterator<[Oid, readonly Revision[]]> {
    return this.entries();
  }
}
